package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.log.LogEvent.ExecutedStatement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * The cloud CLIs print a pretty JSON array ({@code gcloud logging read --format json}, {@code az
 * monitor log-analytics query}): read as one record a line, whatever the format inside.
 */
class JsonArrayStreamTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void gcloudsPrettyArrayOfCloudSqlEntries() throws IOException {
    var entries = new ArrayList<JsonNode>();
    for (String line : CloudLoggingTest.gunzip(
        Path.of("src/test/resources/logs/pgbadger/cloudsql.log.gz")).lines().toList()) {
      entries.add(JSON.readTree(line));
    }
    String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(entries);
    var c = LogCollector.text(pretty, LogReaderOptions.auto());
    var ndjson = LogCollector.read(Path.of("src/test/resources/logs/pgbadger/cloudsql.log.gz"));
    assertThat(c.result.format()).isEqualTo(LogFormat.CLOUDSQL);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.linesRead()).isEqualTo(entries.size());
    assertThat(c.records).hasSameSizeAs(ndjson.records);
    assertThat(c.records.get(5).message()).isEqualTo(ndjson.records.get(5).message());
  }

  @Test
  void azMonitorQueryOutput() {
    var c = LogCollector.fixture("azure/az-monitor-query.json");
    assertThat(c.result.format()).isEqualTo(LogFormat.AZURE);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.events(ExecutedStatement.class)).extracting(ExecutedStatement::durationMs)
        .containsExactly(12.5, 3.25);
  }

  /** Broken JSON stops the array with one counted line; the entries before it are read. */
  @Test
  void brokenJsonMidArrayIsCountedAfterTheEntriesBeforeIt() {
    String ok = "{\"textPayload\":\"[7]: [1-1] db=a,user=b LOG:  duration: 1.000 ms  statement:"
        + " select 1\",\"timestamp\":\"2024-01-01T00:00:00Z\"}";
    var c = LogCollector.text("[\n  " + ok + ",\n  " + ok + ",\n  {\"textPayload\": \"[7]: x\n"
        + "  ]\n", LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class)).hasSize(2);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.firstUnparsed())
        .startsWith("text:3: invalid JSON in the array after entry 2 (")
        .endsWith("): the rest is not read");
  }

  /** An element over the cap is cut, so it fails and is counted; memory stays bounded. */
  @Test
  void aHugeElementIsCutAndCounted() {
    String ok = "{\"textPayload\":\"[7]: [1-1] db=a,user=b LOG:  duration: 1.000 ms  statement:"
        + " select 1\",\"timestamp\":\"2024-01-01T00:00:00Z\"}";
    String huge = "{\"textPayload\":\"[7]: [2-1] db=a,user=b LOG:  duration: 2.000 ms  statement:"
        + " select '" + "x".repeat(3 * JsonArrayStream.MAX_ELEMENT)
        + "'\",\"timestamp\":\"2024-01-01T00:00:00Z\"}";
    var c = LogCollector.text("[" + ok + "," + huge + "," + ok + "]", LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class)).extracting(ExecutedStatement::durationMs)
        .containsExactly(1.0, 1.0);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
  }

  /** A stderr prefix that starts with '[' is no array. */
  @Test
  void aBracketedPrefixIsStillStderr() {
    var c = LogCollector.text("[42] 2024-01-01 00:00:00 UTC LOG:  duration: 1.000 ms  statement:"
        + " select 1\n", LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.events(ExecutedStatement.class)).hasSize(1);
    assertThat(LogCollector.text("[]", LogReaderOptions.auto()).result.linesRead()).isOne();
  }
}
