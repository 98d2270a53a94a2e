package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;

/**
 * Estimates what one candidate index would do to the planner cost of a query: HypoPG's
 * hypothetical indexes when available, else the advisor's own cost model.
 */
interface Evaluator {

  EstimateMethod method();

  /** Prepares the evaluation of {@code candidate} (e.g. creates its hypothetical index). */
  void begin(Candidate candidate) throws ExplainException;

  /** The cost of {@code query} with the candidate in place; {@code before} without it. */
  double costWith(AnalyzedQuery query, double before) throws ExplainException;

  /** The candidate's estimated size in bytes. */
  long sizeBytes() throws ExplainException;

  /** Undoes {@link #begin}; always called, also after a failure. */
  void end();
}
