package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses indexes over the whole workload by greedy selection with re-evaluation (the AutoAdmin
 * and Dexter scheme): each round costs every remaining candidate together with the indexes
 * already chosen (and the existing ones), so a candidate is worth only what it adds: two indexes
 * serving the same queries are never both taken, and a join's second index shows its value once
 * the first is in. The round takes the candidate with the largest calls-weighted saving net of its
 * write overhead. A table gets as many indexes as pay for themselves; the per-table count and the
 * storage budget are only the user's optional limits. The what-if cache keeps each round cheap:
 * a choice on one table leaves the costs of the queries that do not read it unchanged.
 */
final class Selection {

  /** Share of the workload's weighted cost a second index on the same queries must save. */
  static final double MATERIAL_SHARE = 0.01;

  /** The candidate's size, or a failure when the evaluator cannot take it. */
  @FunctionalInterface
  interface Sizes {
    long of(Candidate candidate) throws ExplainException;
  }

  /**
   * A chosen index.
   *
   * @param affected per fingerprint the query's cost before this index (with the ones chosen
   *     earlier) and after it; only queries it makes cheaper
   * @param improvementPercent calls-weighted saving on the affected queries
   * @param overheadCost write overhead over the workload's window, in planner cost units
   */
  record Pick(Candidate candidate, long sizeBytes, Map<String, double[]> affected,
      double improvementPercent, double savingCost, double overheadCost) {}

  /**
   * Why a candidate was not chosen, with its best evaluation.
   *
   * @param savings per fingerprint, what it saved when last evaluated (positive only)
   */
  record Rejection(String reason, Map<String, Double> savings) {}

  private final List<AnalyzedQuery> queries;
  private final Map<String, Double> before;
  private final Map<String, Long> calls;
  private final double minImprovementPercent;
  private final int maxPerTable;
  private final long budget;
  private final WhatIf whatIf;
  private final Sizes sizes;
  private final java.util.function.ToDoubleFunction<Candidate> overhead;
  private final double workloadCost;
  private final Map<Candidate, Rejection> rejections = new LinkedHashMap<>();

  Selection(List<AnalyzedQuery> queries, Map<String, Double> before, Map<String, Long> calls,
      AdvisorOptions options, WhatIf whatIf, Sizes sizes,
      java.util.function.ToDoubleFunction<Candidate> overhead) {
    this.queries = queries;
    this.before = before;
    this.calls = calls;
    this.minImprovementPercent = options.minImprovementPercent();
    this.maxPerTable = options.maxIndexesPerTable();
    this.budget = options.storageBudgetBytes();
    this.whatIf = whatIf;
    this.sizes = sizes;
    this.overhead = overhead;
    this.workloadCost = queries.stream().mapToDouble(q -> before.get(fp(q)) * calls.get(fp(q)))
        .sum();
  }

  /** Reasons for the candidates not chosen (after {@link #select}). */
  Map<Candidate, Rejection> rejections() {
    return rejections;
  }

  private record Eval(double gain, double affectedBefore, boolean overlaps,
      Map<String, double[]> affected) {}

  List<Pick> select(List<Candidate> candidates) {
    var readers = new HashMap<Table, List<AnalyzedQuery>>();
    for (AnalyzedQuery q : queries) {
      q.accesses().stream().map(TableAccess -> TableAccess.table()).distinct()
          .forEach(t -> readers.computeIfAbsent(t, k -> new ArrayList<>()).add(q));
    }
    var remaining = new ArrayList<>(candidates);
    remaining.sort(Comparator.comparing(c -> c.definition().toString()));
    Map<Candidate, Long> size = new HashMap<>();
    for (var it = remaining.iterator(); it.hasNext(); ) {
      Candidate c = it.next();
      try {
        size.put(c, sizes.of(c));
      } catch (ExplainException | RuntimeException e) {
        rejections.put(c, new Rejection("the planner cannot take this index: " + e.getMessage(),
            Map.of()));
        it.remove();
      }
    }
    whatIf.floors(queries, remaining);
    var chosen = new ArrayList<Candidate>();
    var picks = new ArrayList<Pick>();
    Map<String, Double> current = new HashMap<>(before);
    // Queries already made cheaper by a chosen index, per table.
    var helped = new HashMap<Table, java.util.Set<String>>();
    Map<Table, Integer> perTable = new HashMap<>();
    long used = 0;
    // Lazy greedy (CELF): a candidate's last net saving bounds what it can add now, since the
    // indexes chosen since can only have taken queries from it; a round re-costs candidates in
    // order of that bound and stops when none left can beat the best fresh one. A join's second
    // index can gain from an earlier choice: when the lazy round finds nothing, one full round
    // re-costs every candidate before the selection ends.
    Map<Candidate, Double> bound = new HashMap<>();
    boolean fullRound = false;
    while (true) {
      Candidate pick = null;
      Eval pickEval = null;
      double pickNet = 0;
      var order = new ArrayList<>(remaining);
      order.sort(Comparator.comparingDouble(
          (Candidate c) -> -bound.getOrDefault(c, Double.POSITIVE_INFINITY)));
      for (Candidate c : order) {
        if (!fullRound && pickNet > 0
            && bound.getOrDefault(c, Double.POSITIVE_INFINITY) <= pickNet) {
          break;
        }
        Eval e;
        try {
          e = evaluate(c, chosen, readers.getOrDefault(c.table(), List.of()), current,
              helped.getOrDefault(c.table(), java.util.Set.of()));
        } catch (ExplainException | RuntimeException ex) {
          // An index HypoPG or the planner cannot take is no advice of ours.
          rejections.put(c, new Rejection("the planner cannot evaluate this index: "
              + ex.getMessage(), Map.of()));
          remaining.remove(c);
          continue;
        }
        String reason = null;
        double net = e.gain - overhead.applyAsDouble(c);
        double percent = e.affectedBefore <= 0 ? 0 : 100 * e.gain / e.affectedBefore;
        if (e.gain <= 0) {
          reason = "the planner's cost is no lower with it";
        } else if (percent < minImprovementPercent) {
          reason = String.format(Locale.ROOT, "saves only %.1f %% of its queries' cost"
              + " (the minimum is %.0f %%)", percent, minImprovementPercent);
        } else if (e.overlaps && e.gain < MATERIAL_SHARE * workloadCost) {
          reason = "an index already chosen serves its queries nearly as well";
        } else if (net <= 0) {
          reason = String.format(Locale.ROOT, "its write overhead (%.0f cost units over the"
              + " workload) exceeds what it saves (%.0f)", overhead.applyAsDouble(c), e.gain);
        } else if (budget > 0 && used + size.get(c) > budget) {
          reason = "it does not fit the storage budget of " + budget + " bytes";
        } else if (maxPerTable > 0 && perTable.getOrDefault(c.table(), 0) >= maxPerTable) {
          reason = "the table already has the maximum of " + maxPerTable
              + " new indexes (maxIndexesPerTable)";
        }
        Map<String, Double> savings = new HashMap<>();
        e.affected.forEach((fp, ba) -> savings.put(fp, ba[0] - ba[1]));
        // Not eligible now: left to the full round, which re-costs everything.
        bound.put(c, reason == null ? net : 0.0);
        if (reason != null) {
          var old = rejections.get(c);
          // Keep the first (standalone) evaluation's savings: they explain the query best.
          rejections.put(c, new Rejection(reason, old == null || old.savings().isEmpty()
              ? savings : old.savings()));
          continue;
        }
        if (net > pickNet) {
          pick = c;
          pickEval = e;
          pickNet = net;
        }
      }
      if (pick == null) {
        if (fullRound) {
          return picks;
        }
        fullRound = true;
        continue;
      }
      fullRound = false;
      rejections.remove(pick);
      chosen.add(pick);
      remaining.remove(pick);
      // An index the pick already builds (an arm of its OR group) is never proposed twice.
      var built = new java.util.HashSet<>(pick.definitions());
      remaining.removeIf(c -> c.companions().isEmpty() && built.contains(c.definition()));
      perTable.merge(pick.table(), 1, Integer::sum);
      used += size.get(pick);
      pickEval.affected.forEach((fp, ba) -> current.put(fp, ba[1]));
      helped.computeIfAbsent(pick.table(), k -> new java.util.HashSet<>())
          .addAll(pickEval.affected.keySet());
      picks.add(new Pick(pick, size.get(pick), pickEval.affected,
          100 * pickEval.gain / pickEval.affectedBefore, pickEval.gain,
          overhead.applyAsDouble(pick)));
    }
  }

  private Eval evaluate(Candidate c, List<Candidate> chosen, List<AnalyzedQuery> readers,
      Map<String, Double> current, java.util.Set<String> helped) throws ExplainException {
    var config = new ArrayList<>(chosen);
    config.add(c);
    double gain = 0;
    double affectedBefore = 0;
    boolean overlaps = false;
    var affected = new LinkedHashMap<String, double[]>();
    var costed = new ArrayList<AnalyzedQuery>();
    for (AnalyzedQuery q : readers) {
      // Not costed: it cannot change this query's plan (see WhatIf#relevant), or the query is
      // already as cheap as every candidate together makes it.
      if (whatIf.relevant(q, c) && !whatIf.atFloor(q, config, current.get(fp(q)))) {
        costed.add(q);
      }
    }
    // Costed grouped by the part of the configuration each query sees, so that HypoPG changes
    // its hypothetical indexes once per group, not back and forth; summed in the readers' order.
    var withs = new IdentityHashMap<AnalyzedQuery, Double>();
    var seen = new IdentityHashMap<AnalyzedQuery, String>();
    costed.forEach(q -> seen.put(q, whatIf.relevantKey(q, config)));
    var grouped = new ArrayList<>(costed);
    grouped.sort(Comparator.comparing(seen::get));
    for (AnalyzedQuery q : grouped) {
      try {
        withs.put(q, whatIf.cost(q, config));
      } catch (ExplainException e) {
        // this query cannot be costed with it: no gain counted, the others stand
      }
    }
    for (AnalyzedQuery q : costed) {
      String fp = fp(q);
      double now = current.get(fp);
      Double with = withs.get(q);
      if (with != null && with < now) {
        gain += calls.get(fp) * (now - with);
        affectedBefore += calls.get(fp) * now;
        overlaps |= helped.contains(fp);
        affected.put(fp, new double[] {now, with});
      }
    }
    return new Eval(gain, affectedBefore, overlaps, affected);
  }

  private static String fp(AnalyzedQuery q) {
    return q.stats().fingerprint();
  }
}
