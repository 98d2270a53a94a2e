package io.pgdba.history;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an applied index did to the queries it was for, measured from the runs before and after
 * it: "mean 15.7 ms → 0.4 ms over 1,200 calls", or "no measurable change".
 *
 * @param outcome {@code improved}, {@code slower}, {@code no-measurable-change} or {@code
 *     not-enough-data}
 * @param meanBeforeMs calls-weighted mean of the affected queries before, NaN without data
 * @param meanAfterMs likewise after
 * @param callsBefore calls of the affected queries in the runs before
 * @param callsAfter calls in the runs after
 * @param score the difference in standard errors (positive: faster after)
 */
public record Effect(
    String outcome,
    double meanBeforeMs,
    double meanAfterMs,
    long callsBefore,
    long callsAfter,
    double score,
    String summary) {

  /** Runs on each side that count: the level just before, and what has been seen since. */
  static final int RUNS_PER_SIDE = 24;
  private static final double SIGNIFICANT = 3;
  private static final double MIN_CHANGE = 0.10;

  /**
   * Measures from {@code series} (by fingerprint, oldest first) the effect of a change at {@code
   * appliedAt} on the {@code fingerprints} it was meant for.
   */
  public static Effect measure(Map<String, List<QueryPoint>> series,
      Collection<String> fingerprints, Instant appliedAt) {
    var before = Side.of(series, fingerprints, p -> p.at().isBefore(appliedAt), true);
    var after = Side.of(series, fingerprints, p -> !p.at().isBefore(appliedAt), false);
    if (before.calls == 0 || after.calls == 0) {
      return new Effect("not-enough-data", before.mean(), after.mean(), before.calls, after.calls,
          0, after.calls == 0 ? "no run since the index was applied has seen its queries"
              : "no run before the index was applied saw its queries");
    }
    double se = Math.sqrt(before.variance() + after.variance());
    double score = se == 0 ? 0 : (before.mean() - after.mean()) / se;
    double relative = Math.abs(after.mean() - before.mean()) / before.mean();
    var figures = String.format(Locale.ROOT, "mean %s ms → %s ms over %,d calls",
        ms(before.mean()), ms(after.mean()), after.calls);
    String outcome;
    if (Math.abs(score) < SIGNIFICANT || relative < MIN_CHANGE) {
      outcome = "no-measurable-change";
      figures = "no measurable change (" + figures + ")";
    } else {
      outcome = score > 0 ? "improved" : "slower";
    }
    return new Effect(outcome, before.mean(), after.mean(), before.calls, after.calls,
        Math.round(score * 100) / 100.0, figures);
  }

  private static String ms(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  /** One side's calls-weighted mean and the variance of that mean. */
  private record Side(long calls, double totalMs, double variance) {

    double mean() {
      return calls == 0 ? Double.NaN : totalMs / calls;
    }

    static Side of(Map<String, List<QueryPoint>> series, Collection<String> fingerprints,
        java.util.function.Predicate<QueryPoint> side, boolean last) {
      long calls = 0;
      double total = 0;
      double withinVariance = 0;
      var runMeans = new java.util.TreeMap<Long, double[]>();
      for (var fp : fingerprints) {
        var points = series.getOrDefault(fp, List.of()).stream().filter(side).toList();
        int from = last ? Math.max(0, points.size() - RUNS_PER_SIDE) : 0;
        int to = last ? points.size() : Math.min(points.size(), RUNS_PER_SIDE);
        for (var p : points.subList(from, to)) {
          calls += p.calls();
          total += p.totalMs();
          withinVariance += p.spreadMs() * p.spreadMs() * p.calls();
          runMeans.computeIfAbsent(p.runId(), k -> new double[2]);
          runMeans.get(p.runId())[0] += p.totalMs();
          runMeans.get(p.runId())[1] += p.calls();
        }
      }
      if (calls == 0) {
        return new Side(0, 0, 0);
      }
      double mean = total / calls;
      // the mean's variance: executions' spread over the calls, or the runs' disagreement over
      // the runs, whichever is larger (a query whose runs differ by the hour is not known better
      // because each run had many calls)
      double sampling = withinVariance / calls / calls;
      double between = 0;
      if (runMeans.size() >= 2) {
        for (var r : runMeans.values()) {
          double m = r[0] / r[1];
          between += (m - mean) * (m - mean);
        }
        between = between / (runMeans.size() - 1) / runMeans.size();
      }
      return new Side(calls, total, Math.max(sampling, between));
    }
  }
}
