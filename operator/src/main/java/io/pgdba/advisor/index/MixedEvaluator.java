package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import java.util.List;

/**
 * HypoPG as the judge for what it can build (btree, one index at a time), the cost model for
 * the rest: HypoPG has no GIN (its documentation lists btree, brin, hash and bloom), and a group
 * of indexes proposed together (the arms of an OR) is costed as a whole by the model. A
 * configuration that holds any such candidate on a table the query reads is costed by the model,
 * so that one plan is never half hypothetical.
 */
final class MixedEvaluator implements Evaluator {

  private final Evaluator hypopg;
  private final CostModel model;

  MixedEvaluator(Evaluator hypopg, CostModel model) {
    this.hypopg = hypopg;
    this.model = model;
  }

  @Override
  public EstimateMethod method() {
    return hypopg.method();
  }

  /** The method that estimates this candidate. */
  EstimateMethod method(Candidate candidate) {
    return candidate.needsModel() ? model.method() : hypopg.method();
  }

  @Override
  public double cost(AnalyzedQuery query, double before, List<Candidate> config)
      throws ExplainException {
    boolean modelOnly = config.stream().anyMatch(Candidate::needsModel);
    return modelOnly ? model.cost(query, before, config) : hypopg.cost(query, before, config);
  }

  /** A configuration with a candidate HypoPG cannot build is the model's, whole: not bounded. */
  @Override
  public boolean monotone(AnalyzedQuery query, Candidate candidate) {
    return !candidate.needsModel() && hypopg.monotone(query, candidate);
  }

  @Override
  public long sizeBytes(Candidate candidate) throws ExplainException {
    return candidate.needsModel() ? model.sizeBytes(candidate) : hypopg.sizeBytes(candidate);
  }

  /** HypoPG's plan when it can build every candidate of the config; none from the model. */
  @Override
  public com.fasterxml.jackson.databind.JsonNode plan(AnalyzedQuery query, List<Candidate> config)
      throws ExplainException {
    return config.stream().anyMatch(Candidate::needsModel) ? null : hypopg.plan(query, config);
  }

  @Override
  public void close() {
    hypopg.close();
  }
}
