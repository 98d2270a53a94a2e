package io.pgdba.workload;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The workload profile: totals and per-fingerprint statistics, sorted by total time.
 *
 * @param log the log report sections (time distribution, errors, locks, sessions...), null when
 *     the workload did not come from logs
 */
public record Workload(WorkloadTotals totals, List<QueryStats> queries, LogReport log) {

  public Workload(WorkloadTotals totals, List<QueryStats> queries) {
    this(totals, queries, null);
  }

  public Workload withLog(LogReport log) {
    return new Workload(totals, queries, log);
  }

  /** The statistics of one fingerprint ({@link QueryStats#OTHER_FINGERPRINT} included). */
  public Optional<QueryStats> byFingerprint(String fingerprint) {
    return queries.stream().filter(q -> q.fingerprint().equals(fingerprint)).findFirst();
  }

  public List<QueryStats> topByTotalTime(int n) {
    return queries.stream()
        .sorted(Comparator.comparingDouble(QueryStats::totalTimeMs).reversed())
        .limit(n)
        .toList();
  }

  public List<QueryStats> topByMeanTime(int n) {
    return queries.stream()
        .sorted(Comparator.comparingDouble(QueryStats::meanTimeMs).reversed())
        .limit(n)
        .toList();
  }

  public List<QueryStats> topByCalls(int n) {
    return queries.stream()
        .sorted(Comparator.comparingLong(QueryStats::calls).reversed())
        .limit(n)
        .toList();
  }

  /** Queries whose mean time reaches {@code thresholdMs}, slowest first. */
  public List<QueryStats> slow(double thresholdMs) {
    return queries.stream()
        .filter(q -> q.meanTimeMs() >= thresholdMs)
        .sorted(Comparator.comparingDouble(QueryStats::meanTimeMs).reversed())
        .toList();
  }
}
