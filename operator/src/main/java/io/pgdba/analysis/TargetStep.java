package io.pgdba.analysis;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.workload.Workload;
import java.util.List;

/**
 * The part of an analysis that talks to the target database: read its catalog and ask the index
 * advisor about the workload. Kept behind this seam so that log analysis works (and is tested)
 * without a database, and so that the operator can substitute its own session handling.
 */
@FunctionalInterface
public interface TargetStep {

  /**
   * Advises on {@code workload} for {@code target}.
   *
   * @param warnings where to add one-line notes for the user (no HypoPG, skipped queries...)
   * @return the advice, or null when this build cannot advise
   * @throws AnalysisException when the target is unreachable, refuses the login, etc.
   */
  IndexAdvice advise(
      Workload workload, ConnectionSettings target, AdvisorOptions options, List<String> warnings)
      throws AnalysisException;

  /**
   * Until the catalog reader and the index advisor are wired in, a target yields no advice and a
   * warning saying so, rather than a failure: the log part of the analysis is still worth having.
   */
  TargetStep PENDING =
      (workload, target, options, warnings) -> {
        warnings.add(
            "index advice for " + target.host() + "/" + target.database()
                + " is not available in this build yet; the report covers the logs only");
        return null;
      };
}
