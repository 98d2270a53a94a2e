package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.finding.Finding;
import io.pgdba.workload.Workload;
import java.util.List;

/**
 * The part of an analysis that talks to the target database: take the workload from
 * pg_stat_statements when there are no logs, read the catalog and ask the index advisor. Kept
 * behind this seam so that log analysis runs without any database, and so that the operator or a
 * test can substitute its own.
 */
@FunctionalInterface
public interface TargetStep {

  /**
   * What the target gave: the workload analysed (the logs' or pg_stat_statements'), index advice
   * and the other advisors' findings.
   */
  record Result(Workload workload, IndexAdvice advice, List<Finding> findings, SchemaMap schema) {

    public Result {
      findings = findings == null ? List.of() : List.copyOf(findings);
    }

    public Result(Workload workload, IndexAdvice advice, List<Finding> findings) {
      this(workload, advice, findings, null);
    }

    public Result(Workload workload, IndexAdvice advice) {
      this(workload, advice, List.of());
    }
  }

  /**
   * Runs the target part of {@code request} (whose {@code target()} is set).
   *
   * @param logWorkload the workload read from the logs, or null when the request has no logs and
   *     the workload must come from the target's pg_stat_statements
   * @param warnings where to add one-line notes for the user (no HypoPG, estimated percentiles...)
   * @throws AnalysisException when the target is unreachable, refuses the login, etc.
   */
  Result run(AnalysisRequest request, Workload logWorkload, List<String> warnings)
      throws AnalysisException;
}
