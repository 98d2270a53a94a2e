package io.pgdba.history;

import java.util.List;

/**
 * The one split of a series into "before" and "after" where the level moved most, judged like a
 * two-sample t-test on the logarithms (each side needs three runs at least). One split is enough
 * for "since when did it get slower"; a series that moves every day is noise, not a trend.
 */
final class ChangePoint {

  private static final double FLOOR = 0.02;
  /** Runs on each side of a split: fewer, and one odd run would make a "trend". */
  private static final int MIN_SIDE = 3;

  /** @param index the first point of the "after" side */
  record Split(int index, double before, double after, double score) {}

  private ChangePoint() {}

  /** The strongest split, or null when the series is shorter than six points. */
  static Split strongest(List<QueryPoint> series, Metric metric) {
    var usable = series.stream().filter(p -> p.value(metric) > 0).toList();
    int n = usable.size();
    if (n < 2 * MIN_SIDE || n != series.size()) {
      return null;
    }
    double[] x = usable.stream().mapToDouble(p -> Math.log(p.value(metric))).toArray();
    Split best = null;
    for (int k = MIN_SIDE; k <= n - MIN_SIDE; k++) {
      double ml = mean(x, 0, k);
      double mr = mean(x, k, n);
      // pooled: a side of three runs says little about its own variance
      double pooled = (squares(x, 0, k, ml) + squares(x, k, n, mr)) / (n - 2);
      double se = Math.sqrt(pooled * (1.0 / k + 1.0 / (n - k)) + FLOOR * FLOOR);
      double score = (mr - ml) / se;
      if (best == null || Math.abs(score) > Math.abs(best.score())) {
        best = new Split(k, Math.exp(ml), Math.exp(mr), score);
      }
    }
    return best;
  }

  private static double mean(double[] x, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += x[i];
    }
    return s / (to - from);
  }

  private static double squares(double[] x, int from, int to, double mean) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += (x[i] - mean) * (x[i] - mean);
    }
    return s;
  }
}
