package io.pgdba.k8s.analysis;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import java.time.Instant;
import java.util.List;

/**
 * What one background run gave the reconciler: a report, or the condition that failed.
 *
 * @param generation the spec generation the run was made for; a result for an older one is dropped
 * @param failedCondition TargetReachable, LogsRead or Analyzed when the run failed, else null
 */
public record RunResult(
    long generation,
    Instant finishedAt,
    AnalysisReport report,
    List<PodLogPosition> positions,
    long linesRead,
    String failedCondition,
    String reason,
    String message) {

  public boolean succeeded() {
    return failedCondition == null;
  }

  static RunResult failed(long generation, Instant at, String condition, String reason,
      String message) {
    return new RunResult(generation, at, null, null, 0, condition, reason, message);
  }
}
