package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReadResult;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class JsonReportTest {

  private static final ReportOptions ALL = new ReportOptions(0, 1000);

  private static JsonNode json(AnalysisReport report, ReportOptions options) throws Exception {
    return new ObjectMapper().readTree(JsonReport.render(report, options));
  }

  private static List<String> keys(JsonNode node) {
    var keys = new ArrayList<String>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void summaryHasTheContractKeysInOrder() throws Exception {
    var summary = json(ReportFixtures.report(), ALL).get("summary");
    assertThat(keys(summary)).containsExactly(
        "format", "linesRead", "unparsedLines", "firstUnparsed", "statements", "distinctQueries",
        "totalTimeMs", "firstTimestamp", "lastTimestamp", "parse", "bind", "errors", "checkpoints",
        "autovacuums", "autoanalyzes", "tempFiles", "tempFileBytes", "lockWaits", "deadlocks",
        "connections", "disconnections", "foldedQueries");
    assertThat(keys(summary.get("parse"))).containsExactly("count", "totalTimeMs");
  }

  @Test
  void summaryAddsUpTheSourcesAndCopiesTheTotals() throws Exception {
    var summary = json(ReportFixtures.report(), ALL).get("summary");
    assertThat(summary.get("format").asText()).isEqualTo("stderr");
    assertThat(summary.get("linesRead").asLong()).isEqualTo(1230);
    assertThat(summary.get("unparsedLines").asLong()).isEqualTo(2);
    assertThat(summary.get("firstUnparsed").asText())
        .isEqualTo("b.log:7: no log_line_prefix match");
    assertThat(summary.get("statements").asLong()).isEqualTo(1032);
    assertThat(summary.get("distinctQueries").asLong()).isEqualTo(3);
    // 0.1 + 0.2 + 9089.7 is 9090.000000000002 in binary floating point
    assertThat(summary.get("totalTimeMs").toString()).isEqualTo("9090.0");
    assertThat(summary.get("firstTimestamp").asText()).isEqualTo("2025-03-01T10:00:00.123Z");
    assertThat(summary.get("lastTimestamp").asText()).isEqualTo("2025-03-01T11:30:00Z");
    assertThat(summary.get("bind").get("totalTimeMs").asDouble()).isEqualTo(2.25);
    assertThat(summary.get("tempFileBytes").asLong()).isEqualTo(8 << 20);
    assertThat(summary.get("disconnections").asLong()).isEqualTo(11);
  }

  @Test
  void formatIsMixedWhenSourcesDifferAndNullWhenNoneWasRecognised() throws Exception {
    var base = ReportFixtures.report();
    var mixed = new ArrayList<>(base.sources());
    mixed.add(new LogReadResult("c.csv", LogFormat.CSVLOG, null, 5, 0, null, 100, 0));
    var mixedReport = new AnalysisReport(mixed, base.workload(), null, List.of());
    assertThat(json(mixedReport, ALL).at("/summary/format").asText()).isEqualTo("mixed");

    var empty = new AnalysisReport(
        List.of(new LogReadResult("e.log", null, null, 0, 0, null, 0, 0)), base.workload(), null,
        List.of());
    assertThat(json(empty, ALL).at("/summary/format").isNull()).isTrue();
  }

  @Test
  void queriesAreSortedByTotalTimeWithEveryField() throws Exception {
    var queries = json(ReportFixtures.report(), ALL).get("queries");
    var fingerprints = StreamSupport.stream(queries.spliterator(), false)
        .map(q -> q.get("fingerprint").asText()).toList();
    assertThat(fingerprints)
        .containsExactly("00000000000000aa", "00000000000000bb", "00000000000000cc");
    var first = queries.get(0);
    assertThat(keys(first)).containsExactly(
        "fingerprint", "query", "example", "calls", "totalTimeMs", "meanTimeMs", "minTimeMs",
        "p50TimeMs", "p95TimeMs", "p99TimeMs", "maxTimeMs", "firstSeen", "lastSeen", "databases",
        "users", "applications", "slow");
    assertThat(first.get("example").asText()).isEqualTo("SELECT * FROM orders WHERE id = 42");
    assertThat(first.get("calls").asLong()).isEqualTo(1000);
    assertThat(first.get("meanTimeMs").asDouble()).isEqualTo(5.0);
    assertThat(first.get("p95TimeMs").asDouble()).isEqualTo(36.0);
  }

  @Test
  void mapsAreSortedByNameWhateverTheirIterationOrder() throws Exception {
    var q = json(ReportFixtures.report(), ALL).get("queries").get(0);
    assertThat(keys(q.get("databases"))).containsExactly("app", "shop");
    assertThat(keys(q.get("applications"))).containsExactly("psql", "shop-web");
    assertThat(q.get("databases").get("shop").asLong()).isEqualTo(999);
  }

  @Test
  void slowFollowsTheThreshold() throws Exception {
    var queries = json(ReportFixtures.report(), new ReportOptions(0, 5.0)).get("queries");
    // means: aa 5.0 (exactly the threshold), bb 2000, cc 3
    assertThat(queries.get(0).get("slow").asBoolean()).isTrue();
    assertThat(queries.get(1).get("slow").asBoolean()).isTrue();
    assertThat(queries.get(2).get("slow").asBoolean()).isFalse();
    var strict = json(ReportFixtures.report(), new ReportOptions(0, 5.001)).get("queries");
    assertThat(strict.get(0).get("slow").asBoolean()).isFalse();
  }

  @Test
  void topLimitsTheQueriesAndZeroMeansAll() throws Exception {
    assertThat(json(ReportFixtures.report(), new ReportOptions(2, 1000)).get("queries")).hasSize(2);
    assertThat(json(ReportFixtures.report(), ALL).get("queries")).hasSize(3);
  }

  @Test
  void recommendationsOnlyWithAdviceAndWithEveryFieldOfTheRecord() throws Exception {
    var without = json(ReportFixtures.report(), ALL);
    assertThat(keys(without))
        .containsExactly("summary", "sources", "queries", "findings", "warnings");
    assertThat(without.get("warnings").get(0).asText()).isEqualTo("b.log:7: no prefix match");

    var with = json(ReportFixtures.reportWithAdvice(), ALL);
    assertThat(keys(with)).containsExactly(
        "summary", "sources", "queries", "recommendations", "skippedQueries", "findings", "warnings");
    var rec = with.get("recommendations").get(0);
    var recordFields = Arrays.stream(Recommendation.class.getRecordComponents())
        .map(c -> c.getName()).toList();
    assertThat(keys(rec)).containsExactlyElementsOf(recordFields);
    assertThat(rec.get("kind").asText()).isEqualTo("CreateIndex");
    assertThat(rec.get("ddl").asText()).startsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS");
    assertThat(rec.get("estimatedImprovementPercent").asDouble()).isEqualTo(87.46);
    assertThat(rec.at("/affectedQueries/0/costAfter").asDouble()).isEqualTo(10.0);
    assertThat(with.at("/skippedQueries/0/reason").asText()).isEqualTo("not a SELECT");
  }

  @Test
  void sourcesAreListedPerFile() throws Exception {
    var sources = json(ReportFixtures.report(), ALL).get("sources");
    assertThat(sources).hasSize(2);
    assertThat(keys(sources.get(1))).containsExactly(
        "source", "format", "logLinePrefix", "linesRead", "unparsedLines", "firstUnparsed",
        "bytesRead", "truncatedLines");
    assertThat(sources.get(1).get("unparsedLines").asLong()).isEqualTo(2);
    assertThat(sources.get(0).get("firstUnparsed").isNull()).isTrue();
  }

  @Test
  void sameAnalysisSameBytesAndWriteMatchesRender() {
    var a = JsonReport.render(ReportFixtures.reportWithAdvice(), ALL);
    var b = JsonReport.render(ReportFixtures.reportWithAdvice(), ALL);
    assertThat(a).isEqualTo(b).endsWith("}\n");
    var out = new StringWriter();
    JsonReport.write(ReportFixtures.reportWithAdvice(), ALL, out);
    assertThat(out.toString()).isEqualTo(a);
  }

  /**
   * The queries are written field by field, not from their tree: on every odd value (nulls,
   * NaN and infinite times, maps empty, of one name, of a null name that folds into "", logged
   * text with quotes and control characters) the bytes must be the tree's.
   */
  @Test
  void queriesWrittenFieldByFieldAreTheTreesBytes() {
    var base = ReportFixtures.reportWithAdvice();
    var oneNull = new java.util.HashMap<String, Long>();
    oneNull.put(null, 4L);
    var folding = new java.util.HashMap<String, Long>();
    folding.put(null, 2L);
    folding.put("", 3L);
    folding.put("z\"\u0001", 1L);
    folding.put("a", 9L);
    var at = java.time.Instant.parse("2026-11-30T10:00:00.123456789Z");
    var queries = new java.util.ArrayList<io.pgdba.workload.QueryStats>();
    queries.add(new io.pgdba.workload.QueryStats(null, null, null, List.of(), null, 0,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2, -0.0,
        1e300, 5e-324, null, null, java.util.Map.of(), oneNull, folding, List.of()));
    queries.add(new io.pgdba.workload.QueryStats("ff", "select '\u2028' \"x\"\n\t\\",
        "select 1 -- \u0000", List.of("1"), "plan", Long.MAX_VALUE, 12.3456789, 0.0005,
        0.0004999, 123456.7894, 1, 2, 3, at, at, java.util.Map.of("db", 1L),
        java.util.Map.of("u", Long.MIN_VALUE), java.util.Map.of("b", 1L, "a", 2L), List.of()));
    var report = new io.pgdba.analysis.AnalysisReport(base.sources(),
        new io.pgdba.workload.Workload(base.workload().totals(), queries), null, List.of());
    var streamed = new StringWriter();
    JsonReport.write(report, ALL, streamed);
    assertThat(streamed.toString()).isEqualTo(JsonReport.render(report, ALL))
        .contains("\"\" : 4").contains("\"\" : 5").contains("\"minTimeMs\" : null");
  }

  @Test
  void theStreamedReportIsByteForByteTheTree() {
    var base = ReportFixtures.reportWithAdvice();
    var evidence = new java.util.LinkedHashMap<String, Object>();
    evidence.put("deadTuples", 1_200_000L);
    evidence.put("bloatPercent", 41.23456);
    evidence.put("list", List.of("a", "b"));
    var finding = new io.pgdba.finding.Finding(io.pgdba.finding.Category.TABLE, "table.bloat",
        io.pgdba.finding.Severity.WARNING, "public.orders", "dead space", evidence, "VACUUM",
        null, null);
    var full = new io.pgdba.analysis.AnalysisReport(base.sources(), base.workload(),
        base.advice(), List.of("a warning", "\"quoted\"\n"), List.of(finding));
    var empty = new io.pgdba.analysis.AnalysisReport(List.of(),
        new io.pgdba.workload.Workload(base.workload().totals(), List.of()), null, List.of());
    var at = java.time.Instant.parse("2026-11-30T10:00:00Z");
    var history = full.withHistory(new io.pgdba.history.HistoryReport("shop", 7, 3, "before",
        List.of(new io.pgdba.history.Trend("aa", "select 1", io.pgdba.history.Metric.MEAN,
            "slower", 1.5, 4.25, 183.33, at, 9)),
        List.of(new io.pgdba.history.Regression("level", "aa", "select 1",
            io.pgdba.history.Metric.P95, 2.0, 9.0, 350.0, at, java.util.Map.of("score", 7.5))),
        1));
    for (var report : List.of(base, full, empty, ReportFixtures.report(), history)) {
      for (var options : List.of(ALL, new ReportOptions(1, 0))) {
        var streamed = new StringWriter();
        JsonReport.write(report, options, streamed);
        String tree;
        try {
          tree = new com.fasterxml.jackson.databind.ObjectMapper()
              .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(JsonReport.toTree(report, options)) + "\n";
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        assertThat(streamed.toString()).isEqualTo(tree);
      }
    }
  }
}
