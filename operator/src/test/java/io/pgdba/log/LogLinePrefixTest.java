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
}
