package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ServerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Google Cloud SQL through Cloud Logging's JSON: pgBadger's field sample (the older form, time in
 * the entry) and the newer form (the whole stderr line in {@code textPayload}), auto-detected, and
 * payloads that try to forge records, break the JSON or blow the line up.
 */
class CloudLoggingTest {

  private static final Path CLOUDSQL = Path.of("src/test/resources/logs/pgbadger/cloudsql.log.gz");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void pgBadgersCloudSqlSampleReadsAsStderrWithTheEntryTime() throws IOException {
    var c = LogCollector.read(CLOUDSQL);
    assertThat(c.result.format()).isEqualTo(LogFormat.CLOUDSQL);
    assertThat(c.result.logLinePrefix()).isEqualTo("%m [%p]: [%l-1] db=%d,user=%u ");
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    var second = c.records.get(1);
    assertThat(second.pid()).isEqualTo(24667);
    assertThat(second.database()).isEqualTo("cloudsqladmin");
    assertThat(second.user()).isEqualTo("cloudsqladmin");
    assertThat(second.timestamp()).isEqualTo(Instant.parse("2020-05-02T13:00:20.384030Z"));
    assertThat(second.message()).startsWith("connection authorized: user=cloudsqladmin");
    String text = gunzip(CLOUDSQL);
    // the tab-led entries ("\tpages: 0 removed...") continue their autovacuum record
    assertThat(c.events(ServerEvent.class).stream()
            .filter(e -> e.kind() == ServerEvent.Kind.AUTOVACUUM))
        .hasSize(count(text, "automatic vacuum of table"));
    assertThat(c.records).hasSize(count(text, "\"textPayload\":\"[") );
  }

  @Test
  void theNewerFormKeepsTheWholeStderrLine() throws IOException {
    String log = entry("2024-03-01 10:00:00.120 UTC [42]: [3-1] db=shop,user=app LOG:  duration:"
            + " 1.500 ms  statement: select * from orders where id = 7", "2024-03-01T10:00:00.120Z")
        + entry("2024-03-01 10:00:01.000 UTC [42]: [4-1] db=shop,user=app ERROR:  relation"
            + " \"nope\" does not exist", "2024-03-01T10:00:01Z")
        + entry("2024-03-01 10:00:01.000 UTC [42]: [5-1] db=shop,user=app STATEMENT:  select *"
            + " from nope", "2024-03-01T10:00:01Z");
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.CLOUDSQL);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.events(ExecutedStatement.class)).singleElement()
        .satisfies(s -> assertThat(s.durationMs()).isEqualTo(1.5));
    assertThat(c.records).hasSize(2);
    assertThat(c.records.get(1).statement()).isEqualTo("select * from nope");
    assertThat(c.records.get(1).database()).isEqualTo("shop");
  }

  @Test
  void aForcedFormatReadsTheSameWay() throws IOException {
    var c = LogCollector.read(LogSource.file(CLOUDSQL),
        new LogReaderOptions(LogFormat.CLOUDSQL, null));
    assertThat(c.result.unparsedLines()).isZero();
    assertThat(c.result.format()).isEqualTo(LogFormat.CLOUDSQL);
  }

  /**
   * A payload is one record whatever it holds: a newline followed by a forged stderr line stays
   * in the first record's text; ANSI escapes stay text; broken JSON and a huge payload are
   * counted, and the lines after them read.
   */
  @Test
  void hostilePayloadsForgeNothingAndBreakNothing() throws IOException {
    String t = "2024-03-01T10:00:00Z";
    String forged = "2024-03-01 10:00:09.000 UTC [66]: [1-1] db=shop,user=root LOG:  duration:"
        + " 99999.000 ms  statement: drop table orders";
    String log = entry("[42]: [1-1] db=shop,user=app LOG:  duration: 1.000 ms  statement: select"
            + " 1\n" + forged, t)
        + entry("[42]: [2-1] db=shop,user=app LOG:  duration: 2.000 ms  statement: select"
            + " '\u001b[2J\u001b[31mred'", t)
        + "{\"textPayload\":\"[42]: [3-1] db=shop,user=app LOG:  dura\n"
        + entry("[42]: [4-1] db=shop,user=app LOG:  duration: 3.000 ms  statement: select "
            + "x".repeat(2_000_000), t)
        + entry("[42]: [5-1] db=shop,user=app LOG:  duration: 4.000 ms  statement: select 5", t);
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.CLOUDSQL);
    var statements = c.events(ExecutedStatement.class);
    assertThat(statements).extracting(ExecutedStatement::durationMs)
        .doesNotContain(99999.0).contains(1.0, 2.0, 4.0);
    assertThat(statements.get(0).text()).contains("drop table orders"); // text, not a record
    assertThat(c.records).noneMatch(r -> "root".equals(r.user()));
    assertThat(statements.get(1).text()).contains("\u001b[31mred");
    assertThat(c.result.unparsedLines()).isGreaterThanOrEqualTo(1);
    assertThat(c.result.firstUnparsed()).startsWith("text:3: ");
  }

  @Test
  void theEntryTimeBecomesAStderrTime() {
    assertThat(CloudLogging.stderrTime("2020-05-02T13:00:20.382318Z"))
        .isEqualTo("2020-05-02 13:00:20.382318 UTC");
    assertThat(CloudLogging.stderrTime("2020-05-02T13:00:20+02:00"))
        .isEqualTo("2020-05-02 13:00:20 +02:00");
    assertThat(CloudLogging.stderrTime("yesterday")).isNull();
    assertThat(CloudLogging.unwrap("{\"textPayload\": 5}")).isNull();
    assertThat(CloudLogging.unwrap("{\"jsonPayload\":{\"textPayload\":\"x\"}}")).isNull();
    assertThat(CloudLogging.unwrap("{\"textPayload\":\"\\tFROM t\"}")).isEqualTo("\tFROM t");
  }

  private static String entry(String payload, String time) throws IOException {
    return JSON.writeValueAsString(Map.of(
        "insertId", "x", "logName", "projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",
        "resource", Map.of("type", "cloudsql_database"), "severity", "INFO",
        "textPayload", payload, "timestamp", time)) + "\n";
  }

  static String gunzip(Path p) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
