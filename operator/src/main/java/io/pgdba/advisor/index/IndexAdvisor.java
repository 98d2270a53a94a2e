package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.IndexAdvice.SkippedQuery;
import io.pgdba.advisor.index.Recommendation.AffectedQuery;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDdl;
import io.pgdba.ddl.IndexKey;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The index advisor: analyzes the workload's queries, derives candidate indexes, evaluates them
 * with HypoPG or the cost model on the target's read-only session, selects over the whole
 * workload, and adds advice on existing indexes. Only EXPLAIN and HypoPG calls reach the target.
 */
public final class IndexAdvisor {

  private static final double SCAN_BYTES_PER_SECOND = 100e6;
  private static final double BUILD_BYTES_PER_SECOND = 20e6;

  private final Instant now;

  private IndexAdvisor(Instant now) {
    this.now = now;
  }

  /** Advice for {@code workload} on the database described by {@code catalog}. */
  public static IndexAdvice advise(Workload workload, Catalog catalog, Connection readOnly,
      AdvisorOptions options) {
    return advise(workload, catalog, readOnly, options, Instant.now());
  }

  /** As {@link #advise(Workload, Catalog, Connection, AdvisorOptions)} at a given time. */
  public static IndexAdvice advise(Workload workload, Catalog catalog, Connection readOnly,
      AdvisorOptions options, Instant now) {
    return new IndexAdvisor(now).run(workload, catalog, readOnly, options);
  }

  /** True when the database collation makes LIKE 'prefix%' need text_pattern_ops. */
  static boolean needsPatternOps(Catalog catalog) {
    String collate = catalog.settings() == null ? null : catalog.settings().get("lc_collate");
    return collate == null || !CandidateGenerator.isC(collate);
  }

  private IndexAdvice run(Workload workload, Catalog catalog, Connection connection,
      AdvisorOptions options) {
    var skipped = new ArrayList<SkippedQuery>();
    var analyzer = new QueryAnalyzer(catalog);
    var explainer = new Explainer(connection);
    boolean patternOps = needsPatternOps(catalog);
    var model = new CostModel(explainer, catalog.settings(), patternOps);

    var analyzed = new ArrayList<AnalyzedQuery>();
    Map<String, Double> before = new HashMap<>();
    Map<String, Long> calls = new HashMap<>();
    Map<Table, Long> writes = new HashMap<>();
    for (QueryStats q : workload.queries()) {
      if (QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint())) {
        skipped.add(new SkippedQuery(q.fingerprint(), "bucket of rare queries, no single text"));
        continue;
      }
      if (q.calls() < options.minCalls()) {
        skipped.add(new SkippedQuery(q.fingerprint(),
            "fewer calls (" + q.calls() + ") than minCalls (" + options.minCalls() + ")"));
        continue;
      }
      var result = analyzer.analyze(q);
      if (result instanceof QueryAnalyzer.Skipped s) {
        Table target = analyzer.insertTarget(q);
        if (target != null) {
          writes.merge(target, q.calls(), Long::sum);
        }
        skipped.add(new SkippedQuery(q.fingerprint(), s.reason()));
        continue;
      }
      var a = ((QueryAnalyzer.Analyzed) result).query();
      if (a.writeTarget() != null) {
        writes.merge(a.writeTarget(), q.calls(), Long::sum);
      }
      try {
        before.put(q.fingerprint(), explainer.cost(a.sql()));
      } catch (ExplainException e) {
        skipped.add(new SkippedQuery(q.fingerprint(), "EXPLAIN failed: " + e.getMessage()));
        continue;
      }
      calls.put(q.fingerprint(), q.calls());
      analyzed.add(a);
    }

    var candidates = new CandidateGenerator(patternOps).generate(analyzed);
    boolean hypopg = options.useHypopg() && catalog.extensions() != null
        && catalog.extensions().containsKey("hypopg") && hypopgWorks(explainer);
    Evaluator evaluator = hypopg ? new HypopgEvaluator(explainer) : model;
    Set<String> taken = new HashSet<>();
    catalog.tables().forEach(t -> t.indexes().forEach(i -> taken.add(i.name())));
    var evaluated = new ArrayList<Selection.Evaluated>();
    for (Candidate c : candidates) {
      var e = evaluate(c, analyzed, before, evaluator, model, writes, taken);
      if (e != null) {
        evaluated.add(e);
      }
    }
    var selection = new Selection(before, calls, options.minImprovementPercent(),
        options.maxIndexesPerTable(), options.storageBudgetBytes());
    var recommendations = new ArrayList<Recommendation>();
    var names = new HashSet<>(taken);
    for (var e : selection.select(evaluated)) {
      String name = IndexDdl.name(e.candidate().definition(), names);
      names.add(name);
      recommendations.add(create(e, name, selection, calls, before, writes, evaluator, model));
    }
    recommendations.sort(Comparator
        .comparingDouble(Recommendation::estimatedImprovementPercent).reversed()
        .thenComparing(Recommendation::indexName));
    skipped.sort(Comparator.comparing(SkippedQuery::fingerprint));
    return new IndexAdvice(List.copyOf(recommendations), List.copyOf(skipped));
  }

  /** Installed is not enough: the analysis role may lack EXECUTE on HypoPG's functions. */
  private static boolean hypopgWorks(Explainer explainer) {
    try {
      explainer.query("SELECT hypopg_reset()");
      return true;
    } catch (ExplainException e) {
      return false; // the cost model takes over, and every recommendation says "model"
    }
  }

  private Selection.Evaluated evaluate(Candidate c, List<AnalyzedQuery> analyzed,
      Map<String, Double> before, Evaluator evaluator, CostModel model, Map<Table, Long> writes,
      Set<String> taken) {
    var reading = analyzed.stream()
        .filter(q -> q.accesses().stream().anyMatch(a -> a.table().equals(c.table())))
        .toList();
    Evaluator.Estimate estimate;
    try {
      estimate = evaluator.evaluate(c, reading, before);
    } catch (ExplainException | RuntimeException e) {
      return null; // an index HypoPG or the planner cannot take is no advice of ours
    }
    var after = estimate.costAfter();
    long size = estimate.sizeBytes();
    long tableWrites = writes.getOrDefault(c.table(), 0L);
    double overhead = tableWrites * model.maintenanceCostPerWrite(c.table());
    return new Selection.Evaluated(c, IndexDdl.name(c.definition(), taken), size, after,
        overhead);
  }

  private Recommendation create(Selection.Evaluated e, String name, Selection selection,
      Map<String, Long> calls, Map<String, Double> before, Map<Table, Long> writes,
      Evaluator evaluator, CostModel model) {
    var def = e.candidate().definition();
    Table table = e.candidate().table();
    var affected = new ArrayList<AffectedQuery>();
    e.costAfter().forEach((fp, after) -> {
      if (selection.saving(e, fp) > 0) {
        affected.add(new AffectedQuery(fp, calls.get(fp), round(before.get(fp)), round(after)));
      }
    });
    affected.sort(Comparator.comparing(AffectedQuery::fingerprint));
    double improvement = Math.round(selection.improvementPercent(e) * 10) / 10.0;
    String reason = e.candidate().purpose() + " on " + table.name() + " saves " + improvement
        + " % of the planner cost of " + affected.size() + " "
        + (affected.size() == 1 ? "query" : "queries") + " ("
        + affected.stream().mapToLong(AffectedQuery::calls).sum() + " calls), estimated by "
        + evaluator.method();
    return new Recommendation(Kind.CreateIndex, table.schema(), table.name(), name,
        def.keys().stream().map(IndexKey::text).toList(), def.include(), def.method(),
        def.where(), IndexDdl.create(def, name), IndexDdl.drop(table.schema(), name),
        e.sizeBytes(), improvement, evaluator.method(), List.copyOf(affected),
        writeOverhead(table, writes.getOrDefault(table, 0L), e, model), reason,
        guidance(table, e.sizeBytes()));
  }

  private static String writeOverhead(Table table, long workloadWrites, Selection.Evaluated e,
      CostModel model) {
    var act = table.activity();
    long rowWrites = act == null ? 0 : act.inserts() + act.updates() + act.deletes();
    long scans = act == null ? 0 : act.seqScans() + act.idxScans();
    double share = rowWrites + scans == 0 ? 0 : 100.0 * rowWrites / (rowWrites + scans);
    var text = new StringBuilder("every INSERT, and every UPDATE that is not HOT, of a row in ")
        .append(table.name()).append(" also writes an entry of this index (about ")
        .append(String.format(Locale.ROOT, "%.1f", model.maintenanceCostPerWrite(table)))
        .append(" cost units each); the table has seen ").append(rowWrites)
        .append(" row writes and ").append(scans).append(" scans since the statistics reset (")
        .append(String.format(Locale.ROOT, "%.0f", share)).append(" % writes)");
    if (workloadWrites > 0) {
      text.append("; the workload's ").append(workloadWrites)
          .append(" writing statements on it add about ")
          .append(String.format(Locale.ROOT, "%.0f", e.overheadCost())).append(" cost units");
    }
    return text.toString();
  }

  private static String guidance(Table table, long indexBytes) {
    double seconds = 2 * table.sizeBytes() / SCAN_BYTES_PER_SECOND
        + indexBytes / BUILD_BYTES_PER_SECOND;
    String estimate = seconds < 1 ? "under a second"
        : seconds < 120 ? "about " + Math.round(Math.ceil(seconds)) + " s"
        : "about " + Math.round(Math.ceil(seconds / 60)) + " min";
    return "CREATE INDEX CONCURRENTLY does not block reads or writes on " + table.name()
        + ", but it scans the table twice and waits for every transaction open on it before each"
        + " phase, and it cannot run inside a transaction block. Estimated build time "
        + estimate + " for " + table.sizeBytes() / (1024 * 1024) + " MB of table; run it at a"
        + " quiet time. If it fails it leaves an INVALID index: run the rollback and retry.";
  }

  private static double round(double cost) {
    return Math.round(cost * 100) / 100.0;
  }

}
