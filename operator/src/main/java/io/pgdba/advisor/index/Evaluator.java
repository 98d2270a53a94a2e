package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import java.util.List;
import java.util.Map;

/**
 * Estimates what one candidate index would do to the planner cost of the queries reading its
 * table: HypoPG's hypothetical indexes when available, else the advisor's own cost model.
 */
interface Evaluator {

  EstimateMethod method();

  /**
   * The candidate's effect.
   *
   * @param queries the analyzed queries that read the candidate's table
   * @param before per fingerprint, the planner cost today
   */
  Estimate evaluate(Candidate candidate, List<AnalyzedQuery> queries, Map<String, Double> before)
      throws ExplainException;

  /**
   * @param costAfter per fingerprint, the cost with the candidate (equal to before: no gain)
   */
  record Estimate(Map<String, Double> costAfter, long sizeBytes) {}
}
