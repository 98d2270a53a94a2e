package io.pgdba.history;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the runs after an index was applied say about it: the measured effect on the queries it
 * was for ({@link Effect}), once enough runs came after, and whether any query used it.
 *
 * <p>A run whose log period began before the apply and ended after it mixes both sides: it
 * counts on neither.
 *
 * @param effect the measured effect, null while waiting for runs
 * @param runsAfter runs recorded after the apply (mixed runs excluded)
 * @param runsNeeded runs after the apply needed before measuring
 * @param usageRuns of the runs after, those that asked the target how often the index was scanned
 * @param indexScans the scans of the index at the last of those, null when none asked
 * @param summary one line: the effect's, or {@code waiting for runs after the apply (n of m)}
 */
public record IndexFollowUp(
    Effect effect,
    int runsAfter,
    int runsNeeded,
    int usageRuns,
    Long indexScans,
    String summary) {

  /** True once the effect is measured (enough runs after the apply saw the queries). */
  public boolean measured() {
    return effect != null && !effect.outcome().equals("not-enough-data");
  }

  /** The affected queries got measurably slower. */
  public boolean slower() {
    return measured() && effect.outcome().equals("slower");
  }

  /** No scan of the index in at least {@code runs} runs after the apply. */
  public boolean unusedOver(int runs) {
    return runs > 0 && usageRuns >= runs && indexScans != null && indexScans == 0;
  }

  /**
   * Follows up the index {@code index} applied at {@code appliedAt} for {@code fingerprints},
   * from the runs of {@code analysis} within {@code window} before it and all runs after.
   */
  public static IndexFollowUp of(HistoryStore store, String analysis,
      Collection<String> fingerprints, Instant appliedAt, String index, int runsNeeded,
      Duration window) throws HistoryException {
    var far = Instant.now().plus(Duration.ofDays(3650));
    var from = appliedAt.minus(window);
    var runs = store.runs(analysis, from, far);
    var mixed = new HashSet<Long>();
    int after = 0;
    var afterIds = new HashSet<Long>();
    for (var r : runs) {
      if (r.recordedAt().isBefore(appliedAt)) {
        continue;
      }
      if (r.periodStart() != null && r.periodStart().isBefore(appliedAt)) {
        mixed.add(r.id());
      } else {
        after++;
        afterIds.add(r.id());
      }
    }
    var scans = store.indexScans(analysis, index, appliedAt);
    scans.keySet().retainAll(afterIds);
    Long lastScans = scans.isEmpty() ? null : List.copyOf(scans.values()).get(scans.size() - 1);
    if (after < runsNeeded) {
      return new IndexFollowUp(null, after, runsNeeded, scans.size(), lastScans,
          "waiting for runs after the apply (" + after + " of " + runsNeeded + ")");
    }
    Map<String, List<QueryPoint>> series = new LinkedHashMap<>();
    for (var e : store.series(analysis, from, far, fingerprints).entrySet()) {
      series.put(e.getKey(), e.getValue().stream()
          .filter(p -> !mixed.contains(p.runId())).toList());
    }
    var effect = Effect.measure(series, fingerprints, appliedAt);
    return new IndexFollowUp(effect, after, runsNeeded, scans.size(), lastScans,
        effect.summary());
  }
}
