package io.pgdba.history;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Is one run's figure off its history's level? Works on logarithms (query times vary by ratios,
 * and a 2 ms query going to 4 ms matters as much as a 2 s one going to 4 s) with robust statistics
 * (median and MAD, so that one bad hour in the history does not hide the next one), widened by the
 * sampling error of a mean over few calls. With fewer than {@value #MIN_ROBUST} earlier runs it
 * falls back to Welch's t between this run and the last one, from their spreads and calls.
 */
final class LevelChange {

  static final int MIN_ROBUST = 3;
  /** MAD to standard deviation, for normal data. */
  private static final double MAD_SCALE = 1.4826;
  /** Runs of the same query never agree closer than this (log scale, about 2 %). */
  private static final double FLOOR = 0.02;
  /** Hour-of-day seasonality needs this much history and this many runs at the hour. */
  private static final Duration SEASONAL_HISTORY = Duration.ofDays(7);
  private static final int SEASONAL_POINTS = 4;

  /**
   * @param reference the level compared with (exp of the median log, or the last run's value)
   * @param score how many standard errors the run is above it (negative when below)
   * @param method {@code robust}, {@code robust-by-hour} or {@code welch}
   */
  record Result(double reference, double score, String method, int points) {}

  private LevelChange() {}

  /** Null when the history has no usable point for the metric. */
  static Result of(List<QueryPoint> history, QueryPoint current, Metric metric) {
    var usable = history.stream().filter(p -> p.value(metric) > 0).toList();
    if (usable.isEmpty() || current.value(metric) <= 0) {
      return null;
    }
    String method = "robust";
    var seasonal = sameHour(usable, current);
    if (seasonal != null) {
      usable = seasonal;
      method = "robust-by-hour";
    }
    double x = Math.log(current.value(metric));
    if (usable.size() < MIN_ROBUST) {
      var last = usable.get(usable.size() - 1);
      double ref = last.value(metric);
      double se = Math.sqrt(sq(relativeError(current, metric)) + sq(relativeError(last, metric))
          + sq(FLOOR));
      return new Result(ref, (x - Math.log(ref)) / se, "welch", usable.size());
    }
    double[] logs = usable.stream().mapToDouble(p -> Math.log(p.value(metric))).toArray();
    double median = median(logs);
    double[] deviations = Arrays.stream(logs).map(v -> Math.abs(v - median)).toArray();
    double mad = MAD_SCALE * median(deviations);
    double historyError = median(usable.stream().mapToDouble(p -> relativeError(p, metric))
        .toArray()) / Math.sqrt(usable.size());
    double se = Math.sqrt(sq(mad) + sq(relativeError(current, metric)) + sq(historyError)
        + sq(FLOOR));
    return new Result(Math.exp(median), (x - median) / se, method, usable.size());
  }

  /**
   * The standard error of a run's mean, relative to the mean (so on the log scale). The p95 of
   * n calls is known about as well as a mean of n/10 (order statistics of the tail); totals and
   * call counts are exact.
   */
  static double relativeError(QueryPoint p, Metric metric) {
    if (p.calls() <= 0 || p.meanMs() <= 0) {
      return 0;
    }
    double relSpread = p.spreadMs() / p.meanMs();
    return switch (metric) {
      case MEAN -> relSpread / Math.sqrt(p.calls());
      case P95 -> relSpread / Math.sqrt(Math.max(1, p.calls() / 10.0));
      case TOTAL, CALLS, TEMP_BYTES_PER_CALL -> 0;
    };
  }

  /** Runs at the same time of day, when the history is long enough for it. */
  private static List<QueryPoint> sameHour(List<QueryPoint> history, QueryPoint current) {
    var first = history.get(0).at();
    if (Duration.between(first, current.at()).compareTo(SEASONAL_HISTORY) < 0) {
      return null;
    }
    int hour = current.at().atZone(ZoneOffset.UTC).getHour();
    // the same hour when there are enough of them, else its neighbours too
    for (int width = 0; width <= 1; width++) {
      int w = width;
      var same = history.stream().filter(p -> {
        int d = Math.abs(p.at().atZone(ZoneOffset.UTC).getHour() - hour);
        return Math.min(d, 24 - d) <= w;
      }).toList();
      if (same.size() >= SEASONAL_POINTS) {
        return same;
      }
    }
    return null;
  }

  static double median(double[] values) {
    var sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double sq(double v) {
    return v * v;
  }
}
