package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogLinePrefixTest {

  private final PrefixFields f = new PrefixFields();

  private String afterPrefix(String prefix, String line) {
    int at = LogLinePrefix.compile(prefix).match(line, f);
    return at < 0 ? null : line.substring(at);
  }

  @Test
  void everyEscapeIsExtracted() {
    String prefix = "%m|%n|%p|%P|%l|%u|%d|%a|%h|%r|%c|%s|%v|%x|%e|%i|%b|%Q|%%|";
    String line =
        "2024-05-01 10:00:00.123 UTC|1714557600.123|4242|4241|7|app|shop|my app|10.0.0.1"
            + "|10.0.0.1(5432)|6632f0a0.65|2024-05-01 09:00:00 UTC|3/10|1234|23505|INSERT"
            + "|client backend|-8821|%|ERROR:  duplicate key";
    assertThat(afterPrefix(prefix, line)).isEqualTo("ERROR:  duplicate key");
    // %n comes after %m and wins: same instant anyway
    assertThat(f.timestamp).isEqualTo(Instant.parse("2024-05-01T10:00:00.123Z"));
    assertThat(f.pid).isEqualTo(4242);
    assertThat(f.user).isEqualTo("app");
    assertThat(f.database).isEqualTo("shop");
    assertThat(f.application).isEqualTo("my app");
    assertThat(f.host).isEqualTo("10.0.0.1");
    assertThat(f.sessionId).isEqualTo("6632f0a0.65");
    assertThat(f.sqlState).isEqualTo("23505");
    assertThat(f.queryId).isEqualTo(-8821L);
  }

  @Test
  void timeZonesAndPaddingAreUnderstood() {
    assertThat(afterPrefix("%t [%p] ", "2024-05-01 12:00:00 CEST [1] LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.timestamp).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(afterPrefix("%m [%p] ", "2024-05-01 12:00:00.5 +02 [1] LOG:  x")).isNotNull();
    assertThat(f.timestamp).isEqualTo(Instant.parse("2024-05-01T10:00:00.5Z"));
    assertThat(afterPrefix("%n %-10u|", "1714557600.250 bob       |LOG:  x")).isEqualTo("LOG:  x");
    assertThat(f.user).isEqualTo("bob");
    assertThat(f.timestamp).isEqualTo(Instant.parse("2024-05-01T10:00:00.250Z"));
  }

  @Test
  void percentQStopsForBackgroundProcesses() {
    String prefix = "%m [%p] %q%u@%d ";
    assertThat(afterPrefix(prefix, "2024-05-01 10:00:00.000 UTC [7] LOG:  checkpoint starting"))
        .isEqualTo("LOG:  checkpoint starting");
    assertThat(f.user).isNull();
    assertThat(afterPrefix(prefix, "2024-05-01 10:00:00.000 UTC [7] a@b LOG:  x")).isNotNull();
    assertThat(f.user).isEqualTo("a");
    assertThat(f.database).isEqualTo("b");
  }

  @Test
  void aLineWithoutThePrefixDoesNotMatch() {
    assertThat(afterPrefix("%m [%p] ", "2024-05-01 10:00:00.000 UTC pid=7 LOG:  x")).isNull();
    assertThat(afterPrefix("%m [%p] ", "garbage")).isNull();
    assertThat(afterPrefix("%m [%p] ", "")).isNull();
    assertThat(afterPrefix("%t:%r:%u@%d:[%p]:", "2024-05-01 10:00:00 UTC:x")).isNull();
  }

  @Test
  void unknownUsersAreAbsentAsInCsvlog() {
    assertThat(
            afterPrefix(
                "%m [%p] %u@%d ", "2024-05-01 10:00:00.000 UTC [7] [unknown]@[unknown] LOG:  x"))
        .isNotNull();
    assertThat(f.user).isNull();
    assertThat(f.database).isNull();
  }

  private static final String CNPG = "%m [%p] %q%u@%d/%a ";
  private static final String TS = "2026-11-24 11:40:00.127 UTC ";

  @Test
  void applicationNamesWithSpacesAndPunctuationParse() {
    for (String app :
        new String[] {
          "PostgreSQL JDBC Driver", "psql", "pgAdmin 4 - DB:shop", "a/b@c, d] e", "trailing "
        }) {
      assertThat(afterPrefix(CNPG, TS + "[103] postgres@shop/" + app + " LOG:  duration: 0.5 ms"))
          .as(app)
          .isEqualTo("LOG:  duration: 0.5 ms");
      assertThat(f.severity).isEqualTo("LOG");
      assertThat(f.application).isEqualTo(app);
      assertThat(f.user).isEqualTo("postgres");
      assertThat(f.database).isEqualTo("shop");
      assertThat(f.pid).isEqualTo(103);
    }
    assertThat(
            afterPrefix(
                CNPG,
                TS + "[103] postgres@shop/PostgreSQL JDBC Driver DETAIL:  Parameters: $1 = 'a'"))
        .isEqualTo("DETAIL:  Parameters: $1 = 'a'");
    assertThat(f.application).isEqualTo("PostgreSQL JDBC Driver");

    String brackets = "%m [%p] %q[user=%u,db=%d,app=%a] ";
    assertThat(afterPrefix(brackets, TS + "[1] [user=u,db=d,app=my app, v2 [beta]] ERROR:  x"))
        .isEqualTo("ERROR:  x");
    assertThat(f.application).isEqualTo("my app, v2 [beta]");
    assertThat(afterPrefix(brackets, TS + "[1] [user=u,db=d,app=a] b] LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.application).isEqualTo("a] b");

    String badger = "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ";
    assertThat(
            afterPrefix(
                badger,
                "2024-05-01 10:00:00 UTC [7]: [3-1] user=u,db=d,app=etl, v2 (x),client=10.0.0.5"
                    + " LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.application).isEqualTo("etl, v2 (x)");
    assertThat(f.host).isEqualTo("10.0.0.5");
  }

  @Test
  void userNamesWithAtOrDotParse() {
    assertThat(afterPrefix(CNPG, TS + "[9] first.last@shop/psql LOG:  x")).isEqualTo("LOG:  x");
    assertThat(f.user).isEqualTo("first.last");
    // a Kerberos principal or a cloud IAM e-mail: the last @ splits user and database
    assertThat(afterPrefix(CNPG, TS + "[9] alice@EXAMPLE.COM@shop/a/b@c d LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.user).isEqualTo("alice@EXAMPLE.COM");
    assertThat(f.database).isEqualTo("shop");
    assertThat(f.application).isEqualTo("a/b@c d");
    assertThat(afterPrefix("%m [%p] %q%u@%d ", TS + "[9] sa@proj.iam@shop LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.user).isEqualTo("sa@proj.iam");
    assertThat(f.database).isEqualTo("shop");
    assertThat(
            afterPrefix(
                "%t:%r:%u@%d:[%p]:", "2024-05-01 10:00:00 UTC:10.0.0.7(5432):a@b.c@db:[4]:LOG:  x"))
        .isEqualTo("LOG:  x");
    assertThat(f.user).isEqualTo("a@b.c");
    assertThat(f.database).isEqualTo("db");
    assertThat(f.host).isEqualTo("10.0.0.7");
    assertThat(f.pid).isEqualTo(4);
  }

  @Test
  void unknownValuesWithTheSearch() {
    assertThat(
            afterPrefix(
                CNPG, TS + "[5] [unknown]@[unknown]/[unknown] LOG:  connection received: host=x"))
        .isEqualTo("LOG:  connection received: host=x");
    assertThat(f.user).isNull();
    assertThat(f.database).isNull();
    assertThat(f.application).isNull();
    assertThat(afterPrefix(CNPG, TS + "[5] bob@shop/[unknown] LOG:  x")).isEqualTo("LOG:  x");
    assertThat(f.application).isNull();
    assertThat(f.user).isEqualTo("bob");
  }

  @Test
  void percentQLinesStillStopWithAFreeTextPrefix() {
    assertThat(afterPrefix(CNPG, TS + "[57] LOG:  checkpoint starting: time"))
        .isEqualTo("LOG:  checkpoint starting: time");
    assertThat(f.severity).isEqualTo("LOG");
    assertThat(f.user).isNull();
    assertThat(f.application).isNull();
    assertThat(f.pid).isEqualTo(57);
    // a session line with the search in it, then a background line: nothing is left over
    assertThat(afterPrefix(CNPG, TS + "[58] u@d/x LOG:  a")).isEqualTo("LOG:  a");
    int depth = f.elementsMatched;
    assertThat(afterPrefix(CNPG, TS + "[58] u@d/x y LOG:  a")).isEqualTo("LOG:  a");
    assertThat(f.elementsMatched).isEqualTo(depth); // what detection ranks prefixes by
    assertThat(f.pid).isEqualTo(58);
    assertThat(f.timestamp).isNotNull();
    assertThat(afterPrefix(CNPG, TS + "[59] WARNING:  b")).isEqualTo("WARNING:  b");
    assertThat(f.user).isNull();
    assertThat(f.application).isNull();
    assertThat(f.pid).isEqualTo(59);
  }

  @Test
  void withoutASeverityTheFirstSplitIsReported() {
    String line = TS + "[103] postgres@shop/psql hello world";
    int at = LogLinePrefix.compile(CNPG).match(line, f);
    assertThat(line.substring(at)).isEqualTo("hello world");
    assertThat(f.severity).isNull();
    assertThat(f.application).isEqualTo("psql");
    assertThat(afterPrefix(CNPG, TS + "[103] postgres-shop LOG:  x")).isNull();
  }

  @Test
  void theSearchIsBounded() {
    var prefix = LogLinePrefix.compile(CNPG);
    // a severity after more than MAX_TRIES spaces is not looked for
    String many = "x ".repeat(LogLinePrefix.MAX_TRIES + 1);
    assertThat(prefix.match(TS + "[1] u@d/" + many + "LOG:  x", f)).isPositive();
    assertThat(f.severity).isNull();
    String few = "x ".repeat(LogLinePrefix.MAX_TRIES - 2);
    assertThat(prefix.match(TS + "[1] u@d/" + few + "LOG:  x", f)).isPositive();
    assertThat(f.application).isEqualTo(few.trim());
    // nor beyond SEARCH_LIMIT characters
    String far = "y".repeat(LogLinePrefix.SEARCH_LIMIT) + " z";
    assertThat(prefix.match(TS + "[1] u@d/" + far + " LOG:  x", f)).isPositive();
    assertThat(f.severity).isNull();
    // garbage with many candidate ends stays quick
    String garbage = TS + "[1] " + "@/ ".repeat(1 << 20);
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      prefix.match(garbage, f);
    }
    assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
  }
}
