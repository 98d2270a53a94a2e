package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.catalog.Index;
import io.pgdba.ddl.Identifiers;
import io.pgdba.ddl.IndexDdl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Evaluation with HypoPG. HypoPG keeps hypothetical indexes in the backend's memory and writes
 * nothing, so it works in the read-only analysis session (verified on PostgreSQL 15, HypoPG 1.3).
 *
 * <p>Its known trap: a hypothetical index is estimated smaller than a real one (no bloat, no
 * real size), so a twin of an existing index looks cheaper than the index itself. The comparison
 * is therefore made between two hypothetical worlds: first hypothetical twins of the table's
 * existing indexes alone (the baseline), then the twins plus the candidate. A plan that does not
 * use the candidate counts as no gain. The saving found is taken off the real planner cost.
 */
final class HypopgEvaluator implements Evaluator {

  private static final Pattern INDEX_NAME = Pattern.compile(
      "^(CREATE (?:UNIQUE )?INDEX) (?:\"(?:[^\"]|\"\")*\"|\\S+) ON ", Pattern.CASE_INSENSITIVE);

  private final Explainer explainer;

  HypopgEvaluator(Explainer explainer) {
    this.explainer = explainer;
  }

  @Override
  public EstimateMethod method() {
    return EstimateMethod.hypopg;
  }

  @Override
  public Estimate evaluate(Candidate candidate, List<AnalyzedQuery> queries,
      Map<String, Double> before) throws ExplainException {
    try {
      reset();
      for (Index index : candidate.table().indexes()) {
        if (index.valid()) {
          twin(index);
        }
      }
      var baseline = new LinkedHashMap<String, Double>();
      for (AnalyzedQuery q : queries) {
        baseline.put(q.stats().fingerprint(), explainer.cost(q.sql()));
      }
      // HypoPG parses a plain CREATE INDEX; CONCURRENTLY / IF NOT EXISTS are not for it.
      String ddl = IndexDdl.create(candidate.definition(), "pgdba_candidate")
          .replace("CREATE INDEX CONCURRENTLY IF NOT EXISTS pgdba_candidate", "CREATE INDEX");
      String row = explainer.query("SELECT indexrelid || ' ' || indexname"
          + " FROM hypopg_create_index(" + Identifiers.literal(ddl) + ")");
      if (row == null) {
        throw new ExplainException("hypopg_create_index returned nothing for " + ddl);
      }
      int space = row.indexOf(' ');
      String oid = row.substring(0, space);
      String name = row.substring(space + 1);
      var after = new LinkedHashMap<String, Double>();
      for (AnalyzedQuery q : queries) {
        String fp = q.stats().fingerprint();
        JsonNode plan = explainer.plan(q.sql());
        double saving = uses(plan, name)
            ? baseline.get(fp) - plan.get("Total Cost").asDouble() : 0;
        double real = before.get(fp);
        after.put(fp, saving > 0 ? Math.max(0, real - saving) : real);
      }
      String size = explainer.query("SELECT hypopg_relation_size(" + oid + ")");
      return new Estimate(after, size == null ? 0 : Long.parseLong(size));
    } finally {
      reset();
    }
  }

  /** A hypothetical copy of an existing index; one HypoPG cannot model is left out. */
  private void twin(Index index) {
    var m = INDEX_NAME.matcher(index.definition() == null ? "" : index.definition());
    if (!m.find()) {
      return;
    }
    String ddl = m.group(1) + " ON " + index.definition().substring(m.end());
    try {
      explainer.query("SELECT count(*) FROM hypopg_create_index(" + Identifiers.literal(ddl)
          + ")");
    } catch (ExplainException e) {
      // e.g. an access method HypoPG does not support: the real index stays in the baseline.
    }
  }

  private void reset() {
    try {
      explainer.query("SELECT hypopg_reset()");
    } catch (ExplainException e) {
      // Nothing left to clean: hypothetical indexes die with the session anyway.
    }
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
