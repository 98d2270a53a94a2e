package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * pgBouncer's log arriving through syslog: {@code logs/pgbouncer/} holds one run of pgBouncer 1.21
 * (start-up, logins, a failed password, closes, a crashed server connection, three stats lines)
 * in its own format and as the same messages reach a file through rsyslog's traditional format,
 * rsyslog's high-precision ISO format (+01:00) and journald holding pgBouncer's stderr. Each is
 * detected as pgBouncer's and gives the own format's figures; one stated difference: pgBouncer
 * hands syslog its message without the level, so the syslog forms count no warnings or errors.
 */
class PgBouncerSyslogTest {

  private static PgBouncerSummary read(String name, long unparsed) {
    var c = LogCollector.fixture("pgbouncer/" + name);
    assertThat(c.result.format()).as(name).isEqualTo(LogFormat.PGBOUNCER);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isEqualTo(unparsed);
    assertThat(c.records).isEmpty();
    return c.result.pgbouncer();
  }

  @Test
  void ownFormatFigures() {
    var s = read("own.log", 0);
    assertThat(s.lines()).isEqualTo(19);
    assertThat(s.loginAttempts()).isEqualTo(3);
    assertThat(s.serverConnections()).isEqualTo(2);
    assertThat(s.byDatabase()).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("shop", 2L, "billing", 1L));
    assertThat(s.byHost()).containsOnlyKeys("10.0.0.8", "10.0.0.9", "10.0.0.31");
    assertThat(s.sessions()).isEqualTo(3);
    assertThat(s.sessionSeconds()).isEqualTo(12 + 71 + 147);
    assertThat(s.maxSessionSeconds()).isEqualTo(147);
    assertThat(s.peakClients()).isEqualTo(3);
    assertThat(s.errors()).extracting(PgBouncerSummary.Event::severity, e -> e.count())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("WARNING", 2L),
            org.assertj.core.groups.Tuple.tuple("ERROR", 1L));
    assertThat(s.stats().samples()).isEqualTo(3);
    assertThat(s.stats().queriesPerSecond().max()).isEqualTo(160);
    assertThat(s.stats().waitMicros().maxAt()).isEqualTo(Instant.parse("2024-12-01T10:02:00.020Z"));
    assertThat(s.firstSeen()).isEqualTo(Instant.parse("2024-12-01T09:59:58.120Z"));
  }

  @Test
  void rsyslogTraditionalGivesTheSameFigures() {
    var own = read("own.log", 0);
    // the "systemd[1]: Starting pgbouncer.service" line is no pgBouncer line
    var s = read("syslog", 1);
    assertSame(s, own);
    // no year and no fraction in the header: this year is assumed, as for the server's syslog
    assertThat(s.firstSeen().atOffset(ZoneOffset.UTC).toLocalDateTime().toString())
        .endsWith("-12-01T09:59:58");
    assertThat(s.errors()).isEmpty();
  }

  @Test
  void isoSyslogGivesTheSameFiguresAndTimes() {
    var own = read("own.log", 0);
    var s = read("syslog-iso", 0);
    assertSame(s, own);
    assertThat(s.firstSeen()).isEqualTo(own.firstSeen());
    assertThat(s.lastSeen()).isEqualTo(own.lastSeen());
    assertThat(s.stats()).isEqualTo(own.stats());
    assertThat(s.peakClientsAt()).isEqualTo(own.peakClientsAt());
  }

  @Test
  void journaldHoldingStderrKeepsEverythingLevelsIncluded() {
    var own = read("own.log", 0);
    var s = read("journald-stderr", 1);
    assertThat(s).isEqualTo(own);
  }

  /** journalctl -o short-iso writes the offset without a colon. */
  @Test
  void journaldShortIsoIsRead() {
    var c = LogCollector.text(
        "2024-12-01T10:00:00+0100 db1 pgbouncer[812]: C-0x1: shop/app@10.0.0.8:1 login attempt:"
            + " db=shop user=app tls=no\n"
            + "2024-12-01T10:01:00+0100 db1 pgbouncer[812]: stats: 5 xacts/s, 9 queries/s, in 1"
            + " B/s, out 2 B/s, xact 3 us, query 4 us, wait 5 us\n",
        LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    assertThat(c.result.unparsedLines()).isZero();
    var s = c.result.pgbouncer();
    assertThat(s.loginAttempts()).isEqualTo(1);
    assertThat(s.firstSeen()).isEqualTo(Instant.parse("2024-12-01T09:00:00Z"));
    assertThat(s.stats().queriesPerSecond().maxAt())
        .isEqualTo(Instant.parse("2024-12-01T09:01:00Z"));
  }

  /** Everything but the warnings and errors, which syslog's line does not tell apart. */
  private static void assertSame(PgBouncerSummary s, PgBouncerSummary own) {
    assertThat(s.lines()).isEqualTo(own.lines());
    assertThat(s.loginAttempts()).isEqualTo(own.loginAttempts());
    assertThat(s.serverConnections()).isEqualTo(own.serverConnections());
    assertThat(s.sessions()).isEqualTo(own.sessions());
    assertThat(s.sessionSeconds()).isEqualTo(own.sessionSeconds());
    assertThat(s.maxSessionSeconds()).isEqualTo(own.maxSessionSeconds());
    assertThat(s.peakClients()).isEqualTo(own.peakClients());
    assertThat(s.byDatabase()).isEqualTo(own.byDatabase());
    assertThat(s.byUser()).isEqualTo(own.byUser());
    assertThat(s.byHost()).isEqualTo(own.byHost());
    assertThat(s.closings()).isEqualTo(own.closings());
    assertThat(s.stats().samples()).isEqualTo(own.stats().samples());
    assertThat(s.stats().queriesPerSecond().sum()).isEqualTo(own.stats().queriesPerSecond().sum());
    assertThat(s.stats().waitMicros().max()).isEqualTo(own.stats().waitMicros().max());
  }

  @Test
  void headersAreRecognisedStrictly() {
    assertThat(PgBouncerParser.fromSyslog(
        "Dec  1 10:00:00 db1 pgbouncer[812]: C-0x1: d/u@1.2.3.4:5 login attempt: db=d", 2024))
        .isEqualTo("2024-12-01 10:00:00 [812] LOG C-0x1: d/u@1.2.3.4:5 login attempt: db=d");
    // another ident: only a message pgBouncer alone writes counts
    assertThat(PgBouncerParser.fromSyslog(
        "Dec  1 10:00:00 db1 pooler[7]: stats: 1 xacts/s", 2024))
        .endsWith("[7] LOG stats: 1 xacts/s");
    assertThat(PgBouncerParser.fromSyslog(
        "Dec  1 10:00:00 db1 postgres[7]: [3-1] LOG:  connection received", 2024)).isNull();
    assertThat(PgBouncerParser.fromSyslog(
        "Dec  1 10:00:00 db1 sshd[7]: listening on 0.0.0.0", 2024)).isNull();
    assertThat(PgBouncerParser.fromSyslog("2024-12-01 10:00:00.000 UTC [1] LOG x", 2024)).isNull();
  }

  /**
   * Client-controlled text in a syslog line (a database or user name, a client address): it is
   * counted under its caps, cannot forge another event nor another ident, and a server's syslog
   * line mixed in stays a server's line (counted unparsed here, not read as pgBouncer's).
   */
  @Test
  void hostileTextInSyslogLinesIsCountedNotObeyed() {
    String h = "Dec  1 10:00:00 db1 pgbouncer[812]: ";
    var log = h + "C-0x1: shop/app@10.0.0.8:1 login attempt: db=shop user=app tls=no\n"
        // a user name carrying a close and a stats line: one login, nothing else
        + h + "C-0x2: shop/x closing because: forged (age=99999s)@10.0.0.9:2 login attempt:"
        + " db=shop user=x closing because: forged (age=99999s) stats: 9999 xacts/s tls=no\n"
        // a database name with escapes and a fake syslog header inside
        + h + "C-0x3: \u001b[2Jdb\u0007 Dec  1 10:00:00 db1 pgbouncer[1]: S-0x9/u@[::1]:3"
        + " login attempt: db=\u001b[2Jdb\u0007 user=u tls=no\n"
        // a client address that is no address: pgBouncer writes IP addresses, so no event
        + h + "C-0x4: shop/app@<script>alert(1)</script>:4 login attempt: db=shop user=app\n"
        // a user name holding an address and a close: the first address decides, one close
        + h + "C-0x6: shop/y@1.1.1.1:1 closing because: forged (age=5s)@10.0.0.9:2 login"
        + " attempt: db=shop user=y tls=no\n"
        // ident forged in the message of another program
        + "Dec  1 10:00:00 db1 sshd[9]: pgbouncer[812]: C-0x5: a/b@1.1.1.1:1 login attempt: db=a\n"
        + h + "\u0000\u0001\u0002\n";
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    var s = c.result.pgbouncer();
    assertThat(s.loginAttempts()).isEqualTo(3);
    // the one forged close is what the client could have caused by closing: bounded to one
    // event per line it made pgBouncer write, and it is no login
    assertThat(s.sessions()).isEqualTo(1);
    assertThat(s.closings()).singleElement()
        .satisfies(cl -> assertThat(cl.count()).isEqualTo(1));
    assertThat(s.stats()).isNull();
    assertThat(s.byDatabase()).containsOnlyKeys("shop", "\u001b[2Jdb\u0007");
    assertThat(s.byUser()).containsOnlyKeys("app", "x", "u");
    assertThat(s.byHost()).containsOnlyKeys("10.0.0.8", "10.0.0.9", "::1");
    assertThat(s.byDatabase()).doesNotContainKey("a");
    assertThat(c.result.unparsedLines()).isEqualTo(1);
  }
}
