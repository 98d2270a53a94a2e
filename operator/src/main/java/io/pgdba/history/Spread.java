package io.pgdba.history;

import io.pgdba.workload.QueryStats;

/** The within-run spread of one query's execution times. */
final class Spread {

  /** z of the 95th percentile of a normal distribution. */
  private static final double Z95 = 1.645;

  private Spread() {}

  /**
   * A standard deviation estimate from the percentiles the workload keeps: exact for a normal
   * distribution, conservative (too large) for the long right tail query times usually have,
   * which only makes regressions harder to call, never easier.
   */
  static double estimate(QueryStats q) {
    if (q.calls() < 2 || Double.isNaN(q.p95TimeMs()) || Double.isNaN(q.p50TimeMs())) {
      return 0;
    }
    return Math.max(0, (q.p95TimeMs() - q.p50TimeMs()) / Z95);
  }
}
