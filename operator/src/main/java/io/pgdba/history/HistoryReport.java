package io.pgdba.history;

import java.util.List;

/**
 * What comparing a run with its history gave.
 *
 * @param analysis the history name the run was stored under
 * @param runId the stored run's id
 * @param priorRuns runs of the same analysis within the window before this one
 * @param baseline the baseline compared with, or null
 * @param runsDeleted runs removed by the retention after recording
 */
public record HistoryReport(
    String analysis,
    long runId,
    int priorRuns,
    String baseline,
    List<Trend> trends,
    List<Regression> regressions,
    int runsDeleted) {

  public HistoryReport {
    trends = List.copyOf(trends);
    regressions = List.copyOf(regressions);
  }
}
