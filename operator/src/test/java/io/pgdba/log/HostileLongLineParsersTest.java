package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Logged text is the client's: a 1 MB line made of what the pgBouncer and Redshift parsers scan
 * for ({@code @}, {@code @unix(}, {@code @1}, {@code |}) must be read in one pass over the line,
 * not one pass per such character (the quadratic scan this round had ran for more than 15
 * minutes on these lines). The timeout, in a thread of its own so that it stops a scan that never
 * looks at interrupts, is only a guard against a hang; the counts are what is asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS,
    threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileLongLineParsersTest {

  private static final int MB = 1 << 20;
  private static final String HEAD = "2024-12-01 10:00:00.000 UTC [812] LOG C-0x55d1a0: ";

  private static String repeat(String unit) {
    return unit.repeat(MB / unit.length());
  }

  private static PgBouncerParser parse(String... lines) {
    var stats = new ParseStats("hostile");
    var parser = new PgBouncerParser(stats);
    long n = 0;
    for (String line : lines) {
      parser.line(line, ++n);
    }
    return parser;
  }

  @Test
  void pgBouncerAddressScanIsLinearOnAMegabyteOfAtSigns() {
    for (String unit : new String[] {"@", "@unix(", "@1", "@1:", "@unix(1)", "@[::1]:"}) {
      String m = "C-0x1: " + repeat(unit);
      assertThat(PgBouncerParser.addressEnd(m, 7)).as(unit).isEqualTo(-1);
    }
  }

  @Test
  void pgBouncerLinesOfAMegabyteAreCountedNotInterpreted() {
    var parser = parse(HEAD + repeat("@"), HEAD + repeat("@unix("), HEAD + repeat("@1"),
        HEAD + "db/user@10.0.0.8:5000 login attempt: db=db user=user tls=no",
        "Dec  1 10:00:00 host pgbouncer[812]: C-0x1: " + repeat("@1"));
    var summary = parser.summary();
    assertThat(summary.lines()).isEqualTo(5);
    assertThat(summary.loginAttempts()).isEqualTo(1);
  }

  @Test
  void redshiftPipeLinesOfAMegabyteAreNoEvents() {
    assertThat(RedshiftLog.unwrap(repeat("|"))).isNull();
    assertThat(RedshiftLog.unwrap(repeat("authenticated |"))).isNull();
    assertThat(RedshiftLog.contents(java.util.List.of(repeat("|"), repeat("a|")))).isNull();
  }
}
