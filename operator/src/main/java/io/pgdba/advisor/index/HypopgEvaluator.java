package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.ddl.IndexDdl;

/**
 * Evaluation with HypoPG: one hypothetical index at a time, EXPLAIN of the example queries, then
 * {@code hypopg_reset()}. HypoPG keeps hypothetical indexes in the backend's memory and writes
 * nothing, so it works in the read-only analysis session (verified on PostgreSQL 15, HypoPG 1.3).
 * A plan that does not use the hypothetical index counts as no gain, so that a cost difference
 * from elsewhere in the plan is never credited to the index.
 */
final class HypopgEvaluator implements Evaluator {

  private final Explainer explainer;
  private String hypoName;
  private long hypoOid;

  HypopgEvaluator(Explainer explainer) {
    this.explainer = explainer;
  }

  @Override
  public EstimateMethod method() {
    return EstimateMethod.hypopg;
  }

  @Override
  public void begin(Candidate candidate) throws ExplainException {
    // HypoPG parses a plain CREATE INDEX; CONCURRENTLY / IF NOT EXISTS are not for it.
    String ddl = IndexDdl.create(candidate.definition(), "pgdba_candidate")
        .replace("CREATE INDEX CONCURRENTLY IF NOT EXISTS pgdba_candidate", "CREATE INDEX");
    String row = explainer.query("SELECT indexrelid || ' ' || indexname FROM hypopg_create_index("
        + io.pgdba.ddl.Identifiers.literal(ddl) + ")");
    if (row == null) {
      throw new ExplainException("hypopg_create_index returned nothing for " + ddl);
    }
    int space = row.indexOf(' ');
    hypoOid = Long.parseLong(row.substring(0, space));
    hypoName = row.substring(space + 1);
  }

  @Override
  public double costWith(AnalyzedQuery query, double before) throws ExplainException {
    JsonNode plan = explainer.plan(query.sql());
    if (!uses(plan, hypoName)) {
      return before;
    }
    return Math.min(before, plan.get("Total Cost").asDouble());
  }

  @Override
  public long sizeBytes() throws ExplainException {
    String size = explainer.query("SELECT hypopg_relation_size(" + hypoOid + ")");
    return size == null ? 0 : Long.parseLong(size);
  }

  @Override
  public void end() {
    try {
      explainer.query("SELECT hypopg_reset()");
    } catch (ExplainException e) {
      // Nothing left to clean: hypothetical indexes die with the session anyway.
    }
    hypoName = null;
  }

  static boolean uses(JsonNode node, String indexName) {
    if (node == null) {
      return false;
    }
    JsonNode name = node.get("Index Name");
    if (name != null && name.asText().equals(indexName)) {
      return true;
    }
    JsonNode plans = node.get("Plans");
    if (plans != null) {
      for (JsonNode child : plans) {
        if (uses(child, indexName)) {
          return true;
        }
      }
    }
    return false;
  }
}
