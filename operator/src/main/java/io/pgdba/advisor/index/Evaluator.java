package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import java.util.List;

/**
 * What-if costing: the planner cost a query would have if a configuration of hypothetical
 * indexes were added to the existing ones. HypoPG's hypothetical indexes when available, else the
 * advisor's own cost model. Evaluating a configuration, not one index at a time, is what lets the
 * selection value a candidate by what it adds to the indexes already chosen.
 */
interface Evaluator {

  EstimateMethod method();

  /**
   * The query's cost with {@code config} (candidates on any table; those on tables the query does
   * not read change nothing).
   *
   * @param before the query's planner cost today
   */
  double cost(AnalyzedQuery query, double before, List<Candidate> config) throws ExplainException;

  /**
   * True when adding {@code candidate} to any configuration can never raise the query's cost, so
   * that the cost with all such candidates at once bounds every configuration of them from below
   * (see {@link WhatIf#floors}). False unless the evaluator is sure.
   */
  default boolean monotone(AnalyzedQuery query, Candidate candidate) {
    return false;
  }

  /** Estimated size of the candidate once built. */
  long sizeBytes(Candidate candidate) throws ExplainException;

  /**
   * The query's plan (EXPLAIN FORMAT JSON, top node) with exactly {@code config} added, for the
   * report to show before (empty config) and after; null when the evaluator cannot plan with
   * hypothetical indexes (the cost model).
   */
  default com.fasterxml.jackson.databind.JsonNode plan(AnalyzedQuery query, List<Candidate> config)
      throws ExplainException {
    return null;
  }

  /** Releases what the evaluator holds on the session (hypothetical indexes). */
  default void close() {}
}
