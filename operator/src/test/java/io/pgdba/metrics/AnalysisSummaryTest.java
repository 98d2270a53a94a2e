package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisSummaryTest {

  private static QueryStats query(String fingerprint, long calls, double totalMs) {
    double mean = totalMs / calls;
    return new QueryStats(
        fingerprint, "select $1", "select 1", List.of(), null, calls, totalMs, mean, mean, mean,
        mean, mean, mean, null, null, Map.of(), Map.of(), Map.of(), List.of());
  }

  private static WorkloadTotals totals(long statements, long distinct) {
    return new WorkloadTotals(
        statements, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, distinct, 1, null, null);
  }

  private static LogReadResult source(String name, long lines, long unparsed) {
    return new LogReadResult(name, LogFormat.STDERR, "%m ", lines, unparsed, null, lines * 80, 0);
  }

  @Test
  void sumsSourcesAndKeepsTheTopQueriesByTotalTime() {
    var workload =
        new Workload(
            totals(1200, 4),
            List.of(
                query("aaaaaaaaaaaaaaaa", 10, 100), // mean 10 ms
                query("bbbbbbbbbbbbbbbb", 2, 900), // mean 450 ms, slow
                query(QueryStats.OTHER_FINGERPRINT, 500, 5000), // folded: not a query to act on
                query("cccccccccccccccc", 1000, 500))); // mean 0.5 ms
    var report =
        new AnalysisReport(
            List.of(source("pod-a", 700, 2), source("pod-b", 300, 1)), workload, null, List.of());

    var summary = AnalysisSummary.of(report, 100.0, 2, 1234);

    assertThat(summary.linesRead()).isEqualTo(1000);
    assertThat(summary.unparsedLines()).isEqualTo(3);
    assertThat(summary.statements()).isEqualTo(1200);
    assertThat(summary.distinctQueries()).isEqualTo(4);
    assertThat(summary.slowQueries()).isEqualTo(1);
    assertThat(summary.durationMs()).isEqualTo(1234);
    assertThat(summary.topQueries())
        .containsExactly(
            new QueryFigures("bbbbbbbbbbbbbbbb", 2, 900, 450),
            new QueryFigures("cccccccccccccccc", 1000, 500, 0.5));
  }

  @Test
  void aReportWithoutWorkloadStillCountsItsLines() {
    var report = new AnalysisReport(List.of(source("file", 42, 42)), null, null, List.of());

    var summary = AnalysisSummary.of(report, 100.0, 10, 5);

    assertThat(summary.linesRead()).isEqualTo(42);
    assertThat(summary.unparsedLines()).isEqualTo(42);
    assertThat(summary.statements()).isZero();
    assertThat(summary.topQueries()).isEmpty();
  }
}
