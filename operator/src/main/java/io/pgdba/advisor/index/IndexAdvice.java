package io.pgdba.advisor.index;

import java.util.List;

/**
 * The index advisor's answer for a workload.
 *
 * @param skipped queries it could not analyze, each with the reason
 */
public record IndexAdvice(List<Recommendation> recommendations, List<SkippedQuery> skipped) {

  /** A query left out of the analysis and why (parse failure, not a SELECT, unknown table...). */
  public record SkippedQuery(String fingerprint, String reason) {}
}
