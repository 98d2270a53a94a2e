package io.pgdba.history;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

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
 * @param score the difference of the log levels in standard errors (positive: faster after)
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
    double se = Math.sqrt(before.logVariance() + after.logVariance());
    double score = (before.logMean() - after.logMean()) / se;
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

  /**
   * One side: the calls-weighted mean (what the summary says), and the mean of the runs' log
   * means with its variance (what the score uses: run levels vary by ratios, and a side whose
   * runs disagree is known only as well as they agree, however many calls each had).
   */
  private record Side(long calls, double totalMs, double logMean, double logVariance) {

    /** Run-to-run noise assumed for a side of one run, whose own disagreement is unknown. */
    private static final double SINGLE_RUN_NOISE = 0.10;
    private static final double FLOOR = 0.02;

    double mean() {
      return calls == 0 ? Double.NaN : totalMs / calls;
    }

    static Side of(Map<String, List<QueryPoint>> series, Collection<String> fingerprints,
        Predicate<QueryPoint> side, boolean last) {
      var runs = new TreeMap<Long, double[]>();
      for (var fp : fingerprints) {
        var points = series.getOrDefault(fp, List.of()).stream().filter(side).toList();
        int from = last ? Math.max(0, points.size() - RUNS_PER_SIDE) : 0;
        int to = last ? points.size() : Math.min(points.size(), RUNS_PER_SIDE);
        for (var p : points.subList(from, to)) {
          var run = runs.computeIfAbsent(p.runId(), k -> new double[3]);
          run[0] += p.totalMs();
          run[1] += p.calls();
          run[2] += p.spreadMs() * p.spreadMs() * p.calls();
        }
      }
      long calls = 0;
      double total = 0;
      double logSum = 0;
      double sampling = 0;
      var logs = new double[runs.size()];
      int i = 0;
      for (var run : runs.values()) {
        calls += (long) run[1];
        total += run[0];
        double mean = run[0] / run[1];
        logs[i++] = Math.log(Math.max(mean, 1e-6));
        logSum += logs[i - 1];
        // the relative standard error of this run's mean, from its executions' spread
        sampling += run[2] / run[1] / run[1] / (mean * mean);
      }
      if (calls == 0) {
        return new Side(0, 0, Double.NaN, Double.NaN);
      }
      int n = logs.length;
      double logMean = logSum / n;
      double between;
      if (n >= 2) {
        double squares = 0;
        for (var l : logs) {
          squares += (l - logMean) * (l - logMean);
        }
        between = squares / (n - 1);
      } else {
        between = SINGLE_RUN_NOISE * SINGLE_RUN_NOISE;
      }
      double variance = between / n + sampling / n / n + FLOOR * FLOOR;
      return new Side(calls, total, logMean, variance);
    }
  }
}
