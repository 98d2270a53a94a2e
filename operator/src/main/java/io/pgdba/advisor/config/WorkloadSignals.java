package io.pgdba.advisor.config;

import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;

/**
 * What the analysed workload (logs or pg_stat_statements) adds to the server's statistics: the
 * log-only events (temporary files, lock waits) and the shape of the queries (short OLTP ones,
 * long analytic ones, plans that used JIT).
 *
 * @param analyticQueries fingerprints whose mean time reaches {@link #ANALYTIC_MS}
 * @param analyticShare their share of the total time, 0..1
 * @param shortJitPlans auto_explain plans with a JIT section on queries whose mean is under
 *     {@link #SHORT_MS}
 */
public record WorkloadSignals(
    boolean fromLogs,
    long statements,
    double meanMs,
    long tempFiles,
    long tempFileBytes,
    long lockWaits,
    long deadlocks,
    long analyticQueries,
    double analyticShare,
    long shortJitPlans) {

  static final double ANALYTIC_MS = 1000;
  static final double SHORT_MS = 100;

  public static final WorkloadSignals NONE =
      new WorkloadSignals(false, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public static WorkloadSignals of(Workload w, boolean fromLogs) {
    if (w == null) {
      return NONE;
    }
    var t = w.totals();
    long analytic = 0;
    double analyticMs = 0;
    long jit = 0;
    for (QueryStats q : w.queries()) {
      if (QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint())) {
        continue;
      }
      if (q.meanTimeMs() >= ANALYTIC_MS) {
        analytic++;
        analyticMs += q.totalTimeMs();
      }
      if (q.examplePlan() != null && q.examplePlan().contains("JIT:")
          && q.meanTimeMs() < SHORT_MS) {
        jit++;
      }
    }
    return new WorkloadSignals(fromLogs, t.statements(),
        t.statements() == 0 ? 0 : t.totalTimeMs() / t.statements(), t.tempFiles(),
        t.tempFileBytes(), t.lockWaits(), t.deadlocks(), analytic,
        t.totalTimeMs() <= 0 ? 0 : analyticMs / t.totalTimeMs(), jit);
  }
}
