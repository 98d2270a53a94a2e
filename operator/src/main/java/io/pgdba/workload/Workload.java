package io.pgdba.workload;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The workload profile: totals and per-fingerprint statistics, sorted by total time.
 *
 * @param sessions what the order of statements within sessions showed (logs only; {@link
 *     SessionPatterns#none()} for pg_stat_statements)
 */
public record Workload(WorkloadTotals totals, List<QueryStats> queries,
    SessionPatterns sessions) {

  public Workload {
    sessions = sessions == null ? SessionPatterns.none() : sessions;
  }

  /** Without session patterns (pg_stat_statements, tests). */
  public Workload(WorkloadTotals totals, List<QueryStats> queries) {
    this(totals, queries, SessionPatterns.none());
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
