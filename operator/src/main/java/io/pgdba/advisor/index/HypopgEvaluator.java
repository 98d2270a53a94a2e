package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
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
 * existing indexes alone (the baseline), then the twins plus the configuration. A plan that uses
 * none of the configuration's indexes counts as no gain. The saving found is taken off the real
 * planner cost. Hypothetical indexes live for the whole advice (the twins once per table, the
 * candidates created and dropped as configurations change) and are reset at the end.
 */
final class HypopgEvaluator implements Evaluator {

  private static final Pattern INDEX_NAME = Pattern.compile(
      "^(CREATE (?:UNIQUE )?INDEX) (?:\"(?:[^\"]|\"\")*\"|\\S+) ON ", Pattern.CASE_INSENSITIVE);

  private final Explainer explainer;

  private final Map<IndexDefinition, String[]> live = new LinkedHashMap<>();
  private final Map<IndexDefinition, Table> liveTables = new HashMap<>();
  private final Set<Table> twinned = new HashSet<>();
  private final Map<String, Double> twinBaseline = new HashMap<>();
  private final Map<IndexDefinition, Long> sizes = new HashMap<>();

  HypopgEvaluator(Explainer explainer) {
    this.explainer = explainer;
    reset();
  }

  @Override
  public EstimateMethod method() {
    return EstimateMethod.hypopg;
  }

  @Override
  public double cost(AnalyzedQuery query, double before, List<Candidate> config)
      throws ExplainException {
    var tables = new HashSet<Table>();
    query.accesses().forEach(a -> tables.add(a.table()));
    for (Table t : tables) {
      if (twinned.add(t)) {
        for (Index index : t.indexes()) {
          if (index.valid()) {
            twin(index);
          }
        }
      }
    }
    String fp = query.stats().fingerprint();
    Double baseline = twinBaseline.get(fp);
    if (baseline == null) {
      ensure(List.of(), tables);
      baseline = explainer.cost(query.sql());
      twinBaseline.put(fp, baseline);
    }
    var relevant = config.stream().filter(c -> tables.contains(c.table())).toList();
    if (relevant.isEmpty()) {
      return before;
    }
    ensure(relevant, tables);
    JsonNode plan = explainer.plan(query.sql());
    boolean uses = false;
    for (Candidate c : relevant) {
      uses |= uses(plan, live.get(c.definition())[1]);
    }
    double saving = uses ? baseline - plan.get("Total Cost").asDouble() : 0;
    return saving > 0 ? Math.max(0, before - saving) : before;
  }

  /**
   * The planner keeps the cheapest path it finds, and one more hypothetical index only adds
   * paths; a plan that uses none of the candidates counts as no saving, and such a plan is open
   * to every configuration too.
   */
  @Override
  public boolean monotone(AnalyzedQuery query, Candidate candidate) {
    return true;
  }

  @Override
  public JsonNode plan(AnalyzedQuery query, List<Candidate> config) throws ExplainException {
    var tables = new HashSet<Table>();
    query.accesses().forEach(a -> tables.add(a.table()));
    for (Table t : tables) {
      if (twinned.add(t)) {
        for (Index index : t.indexes()) {
          if (index.valid()) {
            twin(index);
          }
        }
      }
    }
    ensure(config.stream().filter(c -> tables.contains(c.table())).toList(), tables);
    return explainer.plan(query.sql());
  }

  @Override
  public long sizeBytes(Candidate candidate) throws ExplainException {
    Long size = sizes.get(candidate.definition());
    if (size == null) {
      String[] h = create(candidate);
      String text = explainer.query("SELECT hypopg_relation_size(" + h[0] + ")");
      size = text == null ? 0 : Long.parseLong(text);
      sizes.put(candidate.definition(), size);
    }
    return size;
  }

  @Override
  public void close() {
    reset();
    live.clear();
    twinned.clear();
  }

  /**
   * Makes the hypothetical candidates on {@code tables} exactly {@code config}: hypothetical
   * indexes on other tables cannot change the query's plan and are left, so that successive
   * evaluations create and drop only what differs.
   */
  private void ensure(List<Candidate> config, Set<Table> tables) throws ExplainException {
    var wanted = new HashSet<IndexDefinition>();
    config.forEach(c -> wanted.add(c.definition()));
    var drop = new ArrayList<String>();
    var it = live.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (!wanted.contains(e.getKey()) && tables.contains(liveTables.get(e.getKey()))) {
        drop.add(e.getValue()[0]);
        it.remove();
      }
    }
    // One round trip for all: after the first pass every candidate of a table is live at once.
    if (!drop.isEmpty()) {
      explainer.query("SELECT count(hypopg_drop_index(h)) FROM unnest('{"
          + String.join(",", drop) + "}'::oid[]) h");
    }
    for (Candidate c : config) {
      create(c);
    }
  }

  /** The candidate as a hypothetical index, created once: {oid, name}. */
  private String[] create(Candidate c) throws ExplainException {
    String[] h = live.get(c.definition());
    if (h != null) {
      return h;
    }
    // HypoPG parses a plain CREATE INDEX; CONCURRENTLY / IF NOT EXISTS are not for it.
    String ddl = IndexDdl.create(c.definition(), "pgdba_candidate")
        .replace("CREATE INDEX CONCURRENTLY IF NOT EXISTS pgdba_candidate", "CREATE INDEX");
    String row = explainer.query("SELECT indexrelid || ' ' || indexname"
        + " FROM hypopg_create_index(" + Identifiers.literal(ddl) + ")");
    if (row == null) {
      throw new ExplainException("hypopg_create_index returned nothing for " + ddl);
    }
    int space = row.indexOf(' ');
    // The oid goes back into pgdba's own SQL (ensure): a number, whatever the server said.
    h = new String[] {Long.toString(Long.parseLong(row.substring(0, space))),
        row.substring(space + 1)};
    live.put(c.definition(), h);
    liveTables.put(c.definition(), c.table());
    return h;
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
