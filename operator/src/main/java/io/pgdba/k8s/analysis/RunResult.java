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
    Instant startedAt,
    Instant finishedAt,
    AnalysisReport report,
    List<PodLogPosition> positions,
    long linesRead,
    String failedCondition,
    String reason,
    String message,
    List<PodLogCollector.LogProblem> logProblems) {

  public RunResult {
    logProblems = logProblems == null ? List.of() : List.copyOf(logProblems);
  }

  public RunResult(long generation, Instant startedAt, Instant finishedAt, AnalysisReport report,
      List<PodLogPosition> positions, long linesRead, String failedCondition, String reason,
      String message) {
    this(generation, startedAt, finishedAt, report, positions, linesRead, failedCondition, reason,
        message, List.of());
  }

  /** Every selected pod's log was read, every line placed: LogsRead is True. */
  public boolean logsComplete() {
    return logProblems.isEmpty();
  }

  /** The LogsRead reason of a successful run: what went wrong first, or LogsRead. */
  public String logsReason() {
    return logsComplete() ? "LogsRead" : logProblems.get(0).reason();
  }

  /** The LogsRead message of a successful run: the lines read, and each pod left out. */
  public String logsMessage() {
    var sb = new StringBuilder(linesRead + " new log lines read");
    logProblems.forEach(p -> sb.append("; ").append(p.message()));
    return sb.toString();
  }

  RunResult withLogProblems(List<PodLogCollector.LogProblem> problems) {
    return new RunResult(generation, startedAt, finishedAt, report, positions, linesRead,
        failedCondition, reason, message, problems);
  }

  public boolean succeeded() {
    return failedCondition == null;
  }

  static RunResult failed(long generation, Instant at, String condition, String reason,
      String message) {
    return new RunResult(generation, at, at, null, null, 0, condition, reason, message);
  }
}
