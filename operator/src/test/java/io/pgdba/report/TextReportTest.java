package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.workload.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportTest {

  private static String section(String text, String title) {
    int start = text.indexOf(title);
    assertThat(start).as("section %s", title).isNotNegative();
    int end = text.indexOf("\n\n", start);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }

  /** The fingerprints of a ranking's rows, in order. */
  private static List<String> fingerprints(String section) {
    return section.lines().skip(2).map(l -> l.trim().split("\\s+")[6]).toList();
  }

  @Test
  void rankingsOrderByTotalMeanAndCalls() {
    var text = TextReport.render(ReportFixtures.report(), new ReportOptions(10, 1000));
    assertThat(fingerprints(section(text, "Top queries by total time")))
        .containsExactly("00000000000000aa", "00000000000000bb", "00000000000000cc");
    assertThat(fingerprints(section(text, "Top queries by mean time")))
        .containsExactly("00000000000000bb", "00000000000000aa", "00000000000000cc");
    assertThat(fingerprints(section(text, "Top queries by calls")))
        .containsExactly("00000000000000aa", "00000000000000cc", "00000000000000bb");
  }

  @Test
  void rowsShowCallsTotalMeanP95AndMax() {
    var text = TextReport.render(ReportFixtures.report(), new ReportOptions(1, 1000));
    var section = section(text, "Top queries by total time");
    assertThat(section.lines().skip(1).findFirst().orElseThrow())
        .contains("calls", "total ms", "mean ms", "p95 ms", "max ms", "query");
    assertThat(section.lines().count()).isEqualTo(3);
    assertThat(section).contains("1,000", "5,000.00", "5.00", "36.00", "40.00",
        "SELECT * FROM orders WHERE id = $1");
  }

  @Test
  void longQueriesAreCutToOneLine() {
    var text = TextReport.render(ReportFixtures.report(), new ReportOptions(10, 1000));
    var row = section(text, "Top queries by mean time").lines().skip(2).findFirst().orElseThrow();
    assertThat(row).contains("SELECT count(*) FROM orders o JOIN").endsWith("...");
    assertThat(row.substring(row.indexOf("SELECT"))).hasSize(TextReport.QUERY_WIDTH);
    assertThat(TextReport.truncate("SELECT\n\t1   +  2", 80)).isEqualTo("SELECT 1 + 2");
  }

  @Test
  void slowQueriesFollowTheThreshold() {
    var text = TextReport.render(ReportFixtures.report(), new ReportOptions(10, 4.0));
    var slow = section(text, "Slow queries (mean >= 4.00 ms): 2");
    assertThat(fingerprints(slow)).containsExactly("00000000000000bb", "00000000000000aa");
    var none = TextReport.render(ReportFixtures.report(), new ReportOptions(10, 1e6));
    assertThat(section(none, "Slow queries")).contains(": 0\n  none");
  }

  @Test
  void totalsAndWhatCouldNotBeRead() {
    var text = TextReport.render(ReportFixtures.report(), ReportOptions.defaults());
    var totals = section(text, "Log analysis");
    assertThat(totals).contains("1,230 (2 unparsed)", "1,032 in 3 distinct queries, 9,090.00 ms",
        "2025-03-01T10:00:00.123Z .. 2025-03-01T11:30:00Z", "8.0 MiB", "12 connections");
    var unread = section(text, "What could not be read");
    assertThat(unread).contains("b.log", "b.log:7: no log_line_prefix match")
        .doesNotContain("a.log");
    assertThat(section(text, "Warnings")).contains("- b.log:7: no prefix match");
    assertThat(text).doesNotContain("Index recommendations");
  }

  @Test
  void anEmptyWorkloadSaysNone() {
    var base = ReportFixtures.report();
    var empty = new AnalysisReport(base.sources(), new Workload(base.workload().totals(),
        List.of()), null, List.of());
    var text = TextReport.render(empty, ReportOptions.defaults());
    assertThat(section(text, "Top queries by calls")).endsWith("  none");
  }

  @Test
  void recommendationsWithTheirDdl() {
    var text = TextReport.render(ReportFixtures.reportWithAdvice(), ReportOptions.defaults());
    var advice = text.substring(text.indexOf("Index recommendations: 2"));
    assertThat(advice)
        .contains("1. create orders_created_idx on public.orders (created): 87.46% less cost"
            + " (hypopg), about 16.0 MiB")
        .contains("apply: CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_customer_idx\"")
        .contains("rollback: DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_created_idx\"")
        .contains("why: a seq scan of orders filters on created in 2 calls\n")
        .contains("Queries without an index: 1\n  00000000000000cc  not a SELECT\n");
  }
}
