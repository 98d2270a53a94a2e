package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  private IndexAdvice run(Workload workload, Catalog original, Connection connection,
      AdvisorOptions options) {
    var skipped = new ArrayList<SkippedQuery>();
    var explainer = new Explainer(connection);
    var facts = TableFacts.of(original, explainer);
    Catalog catalog = facts.catalog();
    var analyzer = new QueryAnalyzer(catalog, ViewDefinitions.read(connection));
    boolean patternOps = needsPatternOps(catalog);
    var model = new CostModel(explainer, catalog.settings(), patternOps);
    var pruning = PartitionPruning.read(catalog, explainer);
    model.pruning(pruning);

    var analyzed = new ArrayList<AnalyzedQuery>();
    Map<String, Double> before = new HashMap<>();
    Map<String, Set<String>> planIndexes = new HashMap<>();
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
        var plan = explainer.plan(a.sql());
        before.put(q.fingerprint(), plan.get("Total Cost").asDouble());
        var names = new TreeSet<String>();
        indexNames(plan, names);
        planIndexes.put(q.fingerprint(), names);
      } catch (ExplainException e) {
        skipped.add(new SkippedQuery(q.fingerprint(), "EXPLAIN failed: " + e.getMessage()));
        continue;
      }
      calls.put(q.fingerprint(), q.calls());
      analyzed.add(a);
    }

    boolean trigram = catalog.extensions() != null
        && catalog.extensions().containsKey("pg_trgm");
    var generator = new CandidateGenerator(patternOps, trigram);
    // A partitioned parent whose partitions are not all plain tables (sub-partitioned, foreign)
    // has no script here: its queries keep the reason that says so.
    var candidates = buildable(generator.generate(analyzed)).stream()
        .filter(c -> !Table.PARTITIONED_TABLE.equals(c.table().kind())
            || facts.indexablePartitions(c.table()))
        .filter(c -> readsEnough(c, analyzed, pruning))
        .toList();
    boolean hypopg = options.useHypopg() && catalog.extensions() != null
        && catalog.extensions().containsKey("hypopg") && hypopgWorks(explainer);
    Evaluator evaluator = hypopg ? new MixedEvaluator(new HypopgEvaluator(explainer), model)
        : model;
    Set<String> taken = new HashSet<>();
    catalog.tables().forEach(t -> t.indexes().forEach(i -> taken.add(i.name())));
    var totals = workload.totals();
    var load = WriteLoad.of(writes, totals == null ? null : totals.firstTimestamp(),
        totals == null ? null : totals.lastTimestamp(), catalog.statsReset(), now);
    var whatIf = new WhatIf(evaluator::cost, before, evaluator::monotone);
    var selection = new Selection(analyzed, before, calls, options, whatIf,
        evaluator::sizeBytes, c -> overhead(c, load, model));
    List<Selection.Pick> picks;
    Map<String, String[]> plans;
    try {
      picks = selection.select(candidates);
      plans = plans(picks, analyzed, evaluator, explainer);
    } finally {
      evaluator.close();
    }
    lastCostings = whatIf.misses();
    lastStatements = explainer.sent;
    var recommendations = new ArrayList<Recommendation>();
    var names = new HashSet<>(taken);
    var served = new HashSet<String>();
    var built = new HashSet<io.pgdba.ddl.IndexDefinition>();
    for (var pick : picks) {
      served.addAll(pick.affected().keySet());
      var defs = pick.candidate().definitions();
      for (var def : defs) {
        if (!built.add(def)) {
          continue; // an OR group's arm that an earlier pick already builds
        }
        String name = IndexDdl.name(def, names);
        names.add(name);
        recommendations.add(
            create(pick, def, name, calls, load, evaluator, model, facts, plans, names));
      }
    }
    recommendations.sort(Comparator
        .comparingDouble(Recommendation::estimatedImprovementPercent).reversed()
        .thenComparing(Recommendation::indexName));
    var reasons = new NoIndexReasons(explainer, selection.rejections(), generator.servedBy(),
        planIndexes, facts, catalog.extensions() != null
            && catalog.extensions().containsKey("pg_trgm"), pruning);
    for (AnalyzedQuery a : analyzed) {
      if (!served.contains(a.stats().fingerprint())) {
        skipped.add(new SkippedQuery(a.stats().fingerprint(), reasons.reason(a)));
      }
    }
    skipped.sort(Comparator.comparing(SkippedQuery::fingerprint));
    return new IndexAdvice(List.copyOf(recommendations), List.copyOf(skipped));
  }

  /** PostgreSQL's INDEX_MAX_KEYS: CREATE INDEX refuses more key and INCLUDE columns. */
  static final int MAX_INDEX_COLUMNS = 32;

  /**
   * A safety net: a candidate with more columns than PostgreSQL allows (a query with dozens of
   * ANDed equalities) is cut to its leading columns, so that no advice is DDL the server refuses.
   */
  static List<Candidate> buildable(List<Candidate> candidates) {
    var out = new java.util.LinkedHashMap<List<io.pgdba.ddl.IndexDefinition>, Candidate>();
    for (Candidate c : candidates) {
      var d = c.definition();
      if (d.keys().size() + d.include().size() > MAX_INDEX_COLUMNS) {
        var keys = d.keys().subList(0, Math.min(d.keys().size(), MAX_INDEX_COLUMNS));
        var include = d.include().subList(0, MAX_INDEX_COLUMNS - keys.size());
        d = new io.pgdba.ddl.IndexDefinition(d.schema(), d.table(), d.method(), keys, include,
            d.where());
        c = new Candidate(d, c.table(), c.purpose(), c.fingerprints(), c.companions());
      }
      out.putIfAbsent(c.definitions(), c);
    }
    return List.copyOf(out.values());
  }

  /**
   * A partitioned parent's candidate is worth evaluating only if one of its queries reads
   * partitions big enough to need an index (what the tiny-table rule says of a plain table):
   * the whole parent may be large while every query reads one small partition.
   */
  private static boolean readsEnough(Candidate c, List<AnalyzedQuery> analyzed,
      PartitionPruning pruning) {
    if (!Table.PARTITIONED_TABLE.equals(c.table().kind())) {
      return true;
    }
    for (AnalyzedQuery a : analyzed) {
      if (!c.fingerprints().contains(a.stats().fingerprint())) {
        continue;
      }
      for (var access : a.accesses()) {
        if (!access.table().equals(c.table())) {
          continue;
        }
        try {
          var kept = pruning.kept(access);
          if (kept == null || kept.pages() >= CandidateGenerator.TINY_TABLE_PAGES) {
            return true;
          }
        } catch (ExplainException e) {
          return true; // unknown: priced whole, as before
        }
      }
    }
    return false;
  }

  /** What-if costings of the last advice (EXPLAINs with HypoPG), for the benchmark. */
  static int lastCostings;

  /** Statements the last advice sent up to the selection's end, for the benchmark. */
  static int lastStatements;

  private static void indexNames(JsonNode node, Set<String> out) {
    if (node == null) {
      return;
    }
    JsonNode name = node.get("Index Name");
    if (name != null) {
      out.add(name.asText());
    }
    JsonNode plans = node.get("Plans");
    if (plans != null) {
      plans.forEach(child -> indexNames(child, out));
    }
  }

  private static double overhead(Candidate c, WriteLoad load, CostModel model) {
    return c.definitions().size() * load.of(c.table()).rows()
        * model.maintenanceCostPerWrite(c.table());
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

  /** Plans kept per recommendation for the report: this many of its queries, first by name. */
  static final int PLANS_PER_RECOMMENDATION = 3;

  /**
   * The plans before and after of the first few queries of each pick, keyed by the pick's index
   * definition and fingerprint: two more EXPLAINs per query shown, nothing run. Without HypoPG
   * only the plan before. A query that cannot be planned again simply has no plan shown.
   */
  private static Map<String, String[]> plans(List<Selection.Pick> picks,
      List<AnalyzedQuery> analyzed, Evaluator evaluator, Explainer explainer) {
    var byFingerprint = new HashMap<String, AnalyzedQuery>();
    analyzed.forEach(a -> byFingerprint.put(a.stats().fingerprint(), a));
    var out = new HashMap<String, String[]>();
    for (var pick : picks) {
      var fps = new ArrayList<>(pick.affected().keySet());
      fps.sort(Comparator.naturalOrder());
      for (String fp : fps.subList(0, Math.min(PLANS_PER_RECOMMENDATION, fps.size()))) {
        AnalyzedQuery a = byFingerprint.get(fp);
        if (a == null) {
          continue;
        }
        try {
          JsonNode before = evaluator.plan(a, List.of());
          if (before == null) {
            before = explainer.plan(a.sql());
          }
          JsonNode after = evaluator.plan(a, List.of(pick.candidate()));
          out.put(pick.candidate().definition() + " " + fp, new String[] {
              before.toString(), after == null ? null : after.toString()});
        } catch (ExplainException e) {
          // the costs stand; this query's plans are just not shown
        }
      }
    }
    return out;
  }

  private Recommendation create(Selection.Pick pick, io.pgdba.ddl.IndexDefinition def,
      String name, Map<String, Long> calls, WriteLoad load, Evaluator evaluator, CostModel model,
      TableFacts facts, Map<String, String[]> plans, Set<String> names) {
    var method = evaluator instanceof MixedEvaluator mixed ? mixed.method(pick.candidate())
        : evaluator.method();
    int group = pick.candidate().definitions().size();
    Table table = pick.candidate().table();
    var affected = new ArrayList<AffectedQuery>();
    pick.affected().forEach((fp, ba) -> {
      String[] p = plans.getOrDefault(pick.candidate().definition() + " " + fp, new String[2]);
      affected.add(new AffectedQuery(fp, calls.get(fp), round(ba[0]), round(ba[1]), p[0], p[1]));
    });
    affected.sort(Comparator.comparing(AffectedQuery::fingerprint));
    double improvement = Math.round(pick.improvementPercent() * 10) / 10.0;
    String reason = pick.candidate().purpose() + " on " + table.name() + " saves " + improvement
        + " % of the planner cost of " + affected.size() + " "
        + (affected.size() == 1 ? "query" : "queries") + " ("
        + affected.stream().mapToLong(AffectedQuery::calls).sum() + " calls), estimated by "
        + method + (method == Recommendation.EstimateMethod.model && evaluator.method()
            == Recommendation.EstimateMethod.hypopg ? " (HypoPG cannot simulate "
            + (group > 1 ? "a group of indexes" : "a " + def.method() + " index") + ")" : "")
        + (group > 1 ? "; the figures are for the " + group + " indexes together" : "");
    String note = facts.note(table);
    if (note != null) {
      reason += "; " + note;
    }
    var writes = load.of(table);
    String overhead = "every INSERT, and every UPDATE that is not HOT, of a row in "
        + table.name() + " also writes an entry of this index (about "
        + String.format(Locale.ROOT, "%.1f", model.maintenanceCostPerWrite(table))
        + " cost units each); " + String.format(Locale.ROOT, "%.0f", writes.rows())
        + " row writes over " + load.windowSource() + ", " + writes.explanation()
        + String.format(Locale.ROOT, ": about %.0f cost units against a saving of %.0f",
            pick.overheadCost(), pick.savingCost());
    String ddl = IndexDdl.create(def, name);
    String rollback = IndexDdl.drop(table.schema(), name);
    String guidance = guidance(table, pick.sizeBytes());
    if (Table.PARTITIONED_TABLE.equals(table.kind())) {
      var parts = new ArrayList<IndexDdl.PartitionIndex>();
      for (var p : facts.partitions(table)) {
        // Each partition's index is named as if advised on the partition alone.
        String partName = IndexDdl.name(new io.pgdba.ddl.IndexDefinition(p.schema(), p.name(),
            def.method(), def.keys(), def.include(), def.where()), names);
        names.add(partName);
        parts.add(new IndexDdl.PartitionIndex(p.schema(), p.name(), partName));
      }
      ddl = IndexDdl.script(IndexDdl.createOnParent(def, name, parts));
      rollback = IndexDdl.dropOnParent(table.schema(), name);
      guidance = partitionedGuidance(table, parts.size(), pick.sizeBytes());
    }
    return new Recommendation(Kind.CreateIndex, table.schema(), table.name(), name,
        def.keys().stream().map(IndexKey::text).toList(), def.include(), def.method(),
        def.where(), ddl, rollback, pick.sizeBytes() / group, improvement, method,
        List.copyOf(affected), overhead, reason, guidance);
  }

  private static String partitionedGuidance(Table table, int partitions, long indexBytes) {
    return table.name() + " is partitioned: CREATE INDEX CONCURRENTLY is refused on the parent"
        + " and a plain CREATE INDEX would block writes on every partition for the whole build."
        + " The script creates the parent's index ON ONLY (no build, INVALID until complete),"
        + " builds each of the " + partitions + " partitions' indexes CONCURRENTLY (no write"
        + " lock; run those statements outside a transaction block) and attaches it; the"
        + " parent's index turns valid when the last one is attached. Every statement is"
        + " idempotent: re-run the whole script after a failure (drop an INVALID partition"
        + " index first). " + guidance(table, indexBytes).replaceFirst(
            "^CREATE INDEX CONCURRENTLY does not block.*?Estimated", "Estimated")
        + " The rollback DROP INDEX (CONCURRENTLY is refused on a partitioned index) drops the"
        + " partitions' indexes too and takes an ACCESS EXCLUSIVE lock on each partition"
        + " briefly.";
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
