package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import org.junit.jupiter.api.Test;

/**
 * Logged JSON nested a hundred thousand levels deep (a Cloud Logging entry, an Azure record, an
 * element of a JSON array export): the JSON readers are streaming and bounded, so the line is
 * counted as unparsed, the records around it are read, and no StackOverflowError escapes.
 */
class DeepJsonTest {

  private static final String OK = "{\"textPayload\":\"[7]: [1-1] db=a,user=b LOG:  duration:"
      + " 1.000 ms  statement: select 1\",\"timestamp\":\"2024-01-01T00:00:00Z\"}";
  private static final String DEEP = "[".repeat(100_000) + "]".repeat(100_000);

  @Test
  void aDeepCloudLoggingEntryIsCountedNotFatal() {
    String deep = "{\"textPayload\":\"[7]: x\",\"labels\":" + DEEP + "}";
    var c = LogCollector.text(OK + "\n" + deep + "\n" + OK + "\n", LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class)).hasSize(2);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
  }

  @Test
  void aDeepAzureRecordIsCountedNotFatal() {
    String ok = "{\"category\":\"PostgreSQLLogs\",\"properties\":{\"message\":\"2024-01-01"
        + " 00:00:00 UTC-1-1 LOG:  duration: 1.000 ms  statement: select 1\",\"errorLevel\":"
        + "\"LOG\"}}";
    String deep = "{\"category\":\"PostgreSQLLogs\",\"properties\":{\"x\":" + DEEP + "}}";
    var c = LogCollector.text(ok + "\n" + deep + "\n" + ok + "\n", LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.AZURE);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
  }

  @Test
  void aDeepArrayElementStopsTheArrayWithOneCountedLine() {
    var c = LogCollector.text("[" + OK + "," + DEEP + "," + OK + "]", LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class)).hasSize(1);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.firstUnparsed()).contains("invalid JSON in the array after entry 1");
  }
}
