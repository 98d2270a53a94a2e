package io.pgdba.advisor.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses indexes over the whole workload, greedily: each round takes the candidate with the
 * largest calls-weighted saving net of its write overhead, counting only what it adds to the
 * indexes already chosen (so one index serving several queries beats two narrower ones), within
 * the per-table count and the storage budget, and never below the minimum improvement.
 */
final class Selection {

  /**
   * A candidate after evaluation.
   *
   * @param costAfter per query fingerprint, the cost with this index alone
   * @param overheadCost write overhead over the workload, in planner cost units
   */
  record Evaluated(Candidate candidate, String name, long sizeBytes, Map<String, Double> costAfter,
      double overheadCost) {}

  /** Share of the workload's weighted cost a second index on the same queries must save. */
  static final double MATERIAL_SHARE = 0.01;

  private final Map<String, Double> before;
  private final double workloadCost;
  private final Map<String, Long> calls;
  private final double minImprovementPercent;
  private final int maxPerTable;
  private final long budget;

  Selection(Map<String, Double> before, Map<String, Long> calls, double minImprovementPercent,
      int maxPerTable, long budget) {
    this.before = before;
    this.calls = calls;
    this.minImprovementPercent = minImprovementPercent;
    this.maxPerTable = maxPerTable;
    this.budget = budget;
    this.workloadCost = before.entrySet().stream()
        .mapToDouble(e -> e.getValue() * calls.getOrDefault(e.getKey(), 0L)).sum();
  }

  /** Saving of one query with the index, standalone. */
  double saving(Evaluated e, String fp) {
    Double after = e.costAfter().get(fp);
    return after == null ? 0 : Math.max(0, before.get(fp) - after);
  }

  /** Calls-weighted saving of the index on the queries it affects, in percent. */
  double improvementPercent(Evaluated e) {
    double weightedBefore = 0;
    double weightedSaving = 0;
    for (String fp : e.costAfter().keySet()) {
      double s = saving(e, fp);
      if (s > 0) {
        weightedBefore += calls.get(fp) * before.get(fp);
        weightedSaving += calls.get(fp) * s;
      }
    }
    return weightedBefore <= 0 ? 0 : 100 * weightedSaving / weightedBefore;
  }

  List<Evaluated> select(List<Evaluated> candidates) {
    var chosen = new ArrayList<Evaluated>();
    // Best saving so far per query and table: savings on one table read do not add up.
    Map<String, Double> best = new HashMap<>();
    Map<String, Integer> perTable = new HashMap<>();
    long used = 0;
    var remaining = new ArrayList<>(candidates);
    remaining.sort(Comparator.comparing(Evaluated::name));
    while (true) {
      Evaluated pick = null;
      double pickNet = 0;
      for (Evaluated e : remaining) {
        String tableKey = e.candidate().table().schema() + "." + e.candidate().table().name();
        if (perTable.getOrDefault(tableKey, 0) >= maxPerTable
            || (budget > 0 && used + e.sizeBytes() > budget)
            || improvementPercent(e) < minImprovementPercent) {
          continue;
        }
        double gain = 0;
        double affectedBefore = 0;
        boolean overlaps = false;
        for (String fp : e.costAfter().keySet()) {
          double already = best.getOrDefault(fp + "|" + tableKey, 0.0);
          double marginal = saving(e, fp) - already;
          if (marginal > 0) {
            gain += calls.get(fp) * marginal;
            affectedBefore += calls.get(fp) * (before.get(fp) - already);
            overlaps |= already > 0;
          }
        }
        // A second index for queries that a chosen one already helps must matter to the whole
        // workload, else every query would collect its own slightly better index.
        if (overlaps && gain < MATERIAL_SHARE * workloadCost) {
          continue;
        }
        // What it adds to the chosen set must itself clear the bar, measured on the cost that is
        // left once the indexes already chosen are in place.
        if (affectedBefore <= 0 || 100 * gain / affectedBefore < minImprovementPercent) {
          continue;
        }
        double net = gain - e.overheadCost();
        if (net > pickNet) {
          pick = e;
          pickNet = net;
        }
      }
      if (pick == null) {
        return chosen;
      }
      chosen.add(pick);
      remaining.remove(pick);
      String tableKey = pick.candidate().table().schema() + "." + pick.candidate().table().name();
      perTable.merge(tableKey, 1, Integer::sum);
      used += pick.sizeBytes();
      for (String fp : pick.costAfter().keySet()) {
        best.merge(fp + "|" + tableKey, saving(pick, fp), Math::max);
      }
    }
  }
}
