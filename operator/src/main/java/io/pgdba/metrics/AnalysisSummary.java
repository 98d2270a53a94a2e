package io.pgdba.metrics;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import java.util.List;

/**
 * The figures of one finished analysis that become metrics. Plain numbers, so that a caller
 * without an {@link AnalysisReport} at hand (a status read back, a test) can report them too.
 *
 * @param linesRead log lines read by this run (a periodic run reads only new lines)
 * @param slowQueries distinct queries whose mean time reaches the slow-query threshold
 * @param topQueries the queries to export, at most {@link PgdbaMetrics#topQueries()} are kept
 */
public record AnalysisSummary(
    long linesRead,
    long unparsedLines,
    long statements,
    long distinctQueries,
    long slowQueries,
    long durationMs,
    List<QueryFigures> topQueries) {

  public AnalysisSummary {
    topQueries = List.copyOf(topQueries);
  }

  /**
   * The summary of an engine report: lines over all sources, the workload's totals and its top
   * {@code topN} queries by total time (the "other" bucket of folded queries is left out: it is
   * no query one could act on).
   */
  public static AnalysisSummary of(
      AnalysisReport report, double slowMs, int topN, long durationMs) {
    long lines = 0;
    long unparsed = 0;
    var sources = report.sources() == null ? List.<LogReadResult>of() : report.sources();
    for (var source : sources) {
      lines += source.linesRead();
      unparsed += source.unparsedLines();
    }
    var workload = report.workload();
    if (workload == null) {
      return new AnalysisSummary(lines, unparsed, 0, 0, 0, durationMs, List.of());
    }
    var top =
        workload.queries().stream()
            .filter(q -> !QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint()))
            .sorted((a, b) -> Double.compare(b.totalTimeMs(), a.totalTimeMs()))
            .limit(Math.max(0, topN))
            .map(q -> new QueryFigures(q.fingerprint(), q.calls(), q.totalTimeMs(), q.meanTimeMs()))
            .toList();
    long slow =
        workload.queries().stream()
            .filter(q -> !QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint()))
            .filter(q -> q.meanTimeMs() >= slowMs)
            .count();
    var totals = workload.totals();
    return new AnalysisSummary(
        lines,
        unparsed,
        totals.statements(),
        totals.distinctQueries(),
        slow,
        durationMs,
        top);
  }
}
