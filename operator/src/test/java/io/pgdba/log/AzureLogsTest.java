package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Azure Database for PostgreSQL, written from Azure's documentation of each form (logs/azure/):
 * the flexible server's stderr file ({@code %t-%c-}), Log Analytics rows (AzureDiagnostics), the
 * storage account archive, and a workspace query's {@code record_*_s} columns; the same three
 * statements and one error read from each, auto-detected.
 */
class AzureLogsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "azure/flexible-server.log|STDERR|%t-%c-",
        "azure/log-analytics.json|AZURE|%t-%c-",
        "azure/storage-archive.json|AZURE|%t-%c-",
        "azure/workspace-records.json|JSONLOG|-",
      })
  void everyFormReadsTheSameWorkload(String file, LogFormat format, String prefix) {
    var c = LogCollector.fixture(file);
    assertThat(c.result.format()).isEqualTo(format);
    assertThat(c.result.logLinePrefix()).isEqualTo(prefix);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    var statements = c.events(ExecutedStatement.class);
    assertThat(statements).extracting(ExecutedStatement::durationMs).containsExactly(12.5, 3.25);
    assertThat(statements.get(0).text()).isEqualTo("select * from orders where customer_id = 42");
    var error = c.records.stream().filter(r -> r.severity().equals("ERROR")).findFirst();
    assertThat(error).hasValueSatisfying(r -> {
      assertThat(r.statement()).isEqualTo("select * from nope");
      assertThat(r.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:00:01Z"));
    });
    if (prefix != null) {
      assertThat(c.records.get(0).sessionId()).isEqualTo("65a4f1e0.1a2b");
    }
  }

  /** The flexible server's prefix given by hand: the zone is "UTC", not "UTC-65a4f1e0". */
  @Test
  void theFlexibleServerPrefixGivenByHandReadsToo() {
    for (String given : new String[] {"%t-%c-", "%t-%c- "}) {
      var c = LogCollector.fixture("azure/flexible-server.log", new LogReaderOptions(null, given));
      assertThat(c.result.unparsedLines()).as(given + ": " + c.result.firstUnparsed()).isZero();
      assertThat(c.events(ExecutedStatement.class)).hasSize(2);
    }
  }

  @Test
  void aBareMessageGetsTheRecordsTimePidAndLevel() {
    String line = "{\"TimeGenerated\":\"2024-01-15T10:00:00.5Z\",\"Category\":\"PostgreSQLLogs\","
        + "\"Message\":\"duration: 1.000 ms  statement: select 1\",\"ErrorLevel\":\"log\","
        + "\"ProcessId\":6699.0}";
    assertThat(AzureLogs.unwrap(line))
        .isEqualTo("2024-01-15 10:00:00.5 UTC [6699] LOG:  duration: 1.000 ms  statement:"
            + " select 1");
    // PostgreSQL's own jsonlog is not Azure's
    assertThat(AzureLogs.unwrap("{\"timestamp\":\"2024-01-15 10:00:00 UTC\",\"message\":\"x\","
        + "\"error_severity\":\"LOG\"}")).isNull();
    assertThat(AzureLogs.unwrap(
        "{\"Message\":\"x\",\"errorLevel_s\":\"LOG\",\"processId_d\":-1e300}"))
        .isNull(); // no time to give it
  }

  /**
   * A message that holds a newline and a forged line stays one record; broken JSON mid-file and
   * a huge record are counted; ANSI escapes stay text.
   */
  @Test
  void hostileMessagesForgeNothing() {
    String head = "{\"TimeGenerated\":\"2024-01-15T10:00:00Z\",\"Category\":\"PostgreSQLLogs\","
        + "\"errorLevel_s\":\"LOG\",\"Message\":\"";
    String log = head + "2024-01-15 10:00:00 UTC-1.1-LOG:  duration: 1.000 ms  statement: select"
            + " 1\\n2024-01-15 10:00:00 UTC-6.6-LOG:  duration: 9999.000 ms  statement: forged\"}\n"
        + head + "2024-01-15 10:00:00 UTC-1.1-LOG:  duration: 2.000 ms  statement: select"
            + " '\\u001b[31m'\"}\n"
        + head + "2024-01-15 10:00:00 UTC-1.1-LOG:  dur\n"
        + head + "2024-01-15 10:00:00 UTC-1.1-LOG:  duration: 3.000 ms  statement: select '"
            + "y".repeat(1_500_000) + "'\"}\n"
        + head + "2024-01-15 10:00:00 UTC-1.1-LOG:  duration: 4.000 ms  statement: select 4\"}\n";
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.AZURE);
    var statements = c.events(ExecutedStatement.class);
    assertThat(statements).extracting(ExecutedStatement::durationMs)
        .containsExactly(1.0, 2.0, 4.0);
    assertThat(statements.get(0).text()).contains("forged");
    assertThat(statements.get(1).text()).contains("\u001b[31m");
    assertThat(c.result.unparsedLines()).isEqualTo(2);
    assertThat(c.result.firstUnparsed()).startsWith("text:3: ");
  }
}
