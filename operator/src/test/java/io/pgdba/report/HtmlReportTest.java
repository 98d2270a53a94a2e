package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.TimeBucket;
import io.pgdba.workload.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  static final String ATTACK = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)>"
      + " \u2028 & ]]>";

  /** The data block of a page: what sits between its one data script's tags. */
  static String dataBlock(String html) {
    var m = Pattern.compile("(?s)<script id=\"pgdba-data\" type=\"application/json\">(.*?)</script>")
        .matcher(html);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void hostileTextCannotLeaveTheDataBlockAndReadsBackUnchanged() throws Exception {
    var q = ReportFixtures.query("00000000000000dd", "SELECT 1 FROM \"" + ATTACK + "\"", 3, 9, 4);
    var workload = new Workload(ReportFixtures.workload().totals(), List.of(q));
    var report = new AnalysisReport(ReportFixtures.sources(), workload, null, List.of(ATTACK));
    String html = HtmlReport.render(report, new ReportOptions(0, 1000));

    String data = dataBlock(html);
    assertThat(data).doesNotContain("<").doesNotContain(">").doesNotContain("\u2028");
    // the element holds exactly the data: nothing the attacker wrote opened a new script
    assertThat(html.split("<script", -1)).hasSize(4);
    assertThat(html).doesNotContain("alert(1)</script>").doesNotContain("<img");
    var tree = new ObjectMapper().readTree(data);
    assertThat(tree.at("/queries/0/query").asText()).isEqualTo(q.query());
    assertThat(tree.at("/warnings/0").asText()).isEqualTo(ATTACK);
  }

  @Test
  void thePageIsSelfContained() {
    String html = HtmlReport.render(ReportFixtures.reportWithAdvice(), new ReportOptions(0, 1000));
    // nothing loads from the network: no src/href to another origin, and the CSP forbids it
    assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?(https?:)?//");
    assertThat(html).contains("default-src 'none'");
    assertThat(html).contains("uPlot");
    // the script assets themselves cannot close their element early
    String withoutData = html.replace(dataBlock(html), "");
    assertThat(withoutData.split("</script>", -1)).hasSize(4);
  }

  /** The app puts data on the page as text only: no API that parses a string as markup. */
  @Test
  void theAppNeverParsesDataAsMarkup() throws Exception {
    String app;
    try (var in = HtmlReport.class.getResourceAsStream("/io/pgdba/report/html/app.js")) {
      app = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(app).doesNotContain("innerHTML").doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML").doesNotContain("document.write")
        .doesNotContain("eval(").doesNotContain("new Function");
  }

  /** The README's budget: the page without data (app, style, uPlot) stays under 150 kB. */
  @Test
  void theApplicationStaysUnderItsSizeBudget() {
    var empty = new AnalysisReport(List.of(), new Workload(ReportFixtures.workload().totals(),
        List.of()), null, List.of());
    String html = HtmlReport.render(empty, new ReportOptions(0, 1000));
    assertThat(html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThan(150 * 1024);
  }

  @Test
  void perQueryExtrasCarryParametersAndTheSeriesOfTheTopQueriesOnly() {
    var queries = new ArrayList<QueryStats>();
    Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
    for (int i = 0; i < HtmlReport.SERIES_QUERIES + 5; i++) {
      var base = ReportFixtures.query(String.format("%016x", i), "SELECT " + i, 2, 1000 - i, 9);
      queries.add(withBuckets(base, List.of(new TimeBucket(t0, 1, 1.5),
          new TimeBucket(t0.plus(Duration.ofMinutes(5)), 1, 2.5))));
    }
    var report = new AnalysisReport(List.of(),
        new Workload(ReportFixtures.workload().totals(), queries), null, List.of());
    var data = HtmlReport.data(report, new ReportOptions(0, 1000));
    var extras = data.at("/html/queries");
    assertThat(extras.at("/0000000000000000/exampleParameters/0").asText()).isEqualTo("42");
    assertThat(extras.at("/0000000000000000/series/0/1").asLong())
        .isEqualTo(t0.getEpochSecond() + 300);
    assertThat(extras.at("/0000000000000000/series/2/1").asDouble()).isEqualTo(2.5);
    long withSeries = 0;
    for (var n : (Iterable<com.fasterxml.jackson.databind.JsonNode>) extras::elements) {
      withSeries += n.has("series") ? 1 : 0;
    }
    assertThat(withSeries).isEqualTo(HtmlReport.SERIES_QUERIES);
    // the summed timeline: every query's two calls, in two five-minute slices
    assertThat(data.at("/html/timeline/bucketSeconds").asDouble()).isEqualTo(300.0);
    assertThat(data.at("/html/timeline/buckets/0/statements").asLong())
        .isEqualTo(HtmlReport.SERIES_QUERIES + 5);
  }

  @Test
  void theSummedTimelineKeepsMergedSlicesWholeAndBoundsItsPoints() {
    Instant t0 = Instant.parse("2025-03-01T00:00:00Z");
    var fine = new ArrayList<TimeBucket>();
    for (int i = 0; i < 400; i++) {
      fine.add(new TimeBucket(t0.plus(Duration.ofMinutes(5L * i)), 1, 1.0));
    }
    // a query whose slices merged to 20 minutes (four of the base width)
    var coarse = new ArrayList<TimeBucket>();
    for (int i = 0; i < 100; i++) {
      coarse.add(new TimeBucket(t0.plus(Duration.ofMinutes(20L * i)), 4, 4.0));
    }
    var a = withBuckets(ReportFixtures.query("a", "SELECT 1", 400, 400, 1), fine);
    var b = withBuckets(ReportFixtures.query("b", "SELECT 2", 400, 400, 1), coarse);
    var tl = HtmlReport.timeline(List.of(a, b));
    assertThat(tl.get("buckets").size()).isLessThanOrEqualTo(HtmlReport.TIMELINE_POINTS);
    long sum = 0;
    for (var n : tl.get("buckets")) {
      sum += n.get("statements").asLong();
      // 20-minute slices hold 4 fine and 1 coarse slice: 4 + 4 each, never smeared
      assertThat(n.get("statements").asLong() % 8).isZero();
    }
    assertThat(sum).isEqualTo(800);
  }

  static QueryStats withBuckets(QueryStats q, List<TimeBucket> buckets) {
    return new QueryStats(q.fingerprint(), q.query(), q.example(), q.exampleParameters(),
        q.examplePlan(), q.calls(), q.totalTimeMs(), q.minTimeMs(), q.maxTimeMs(), q.meanTimeMs(),
        q.p50TimeMs(), q.p95TimeMs(), q.p99TimeMs(), q.firstSeen(), q.lastSeen(), q.databases(),
        q.users(), q.applications(), buckets);
  }
}
