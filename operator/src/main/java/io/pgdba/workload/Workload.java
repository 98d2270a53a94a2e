package io.pgdba.workload;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The workload profile: totals and per-fingerprint statistics, sorted by total time.
 *
 * @param errorsByFingerprint errors logged with the statement that caused them (ERROR ...
 *     STATEMENT:), by the statement's fingerprint; empty when the source does not say
 * @param log the log report sections (time distribution, errors, locks, sessions...), null when
 *     the workload did not come from logs
 * @param sessions what the order of statements within sessions showed (logs only; {@link
 *     SessionPatterns#none()} for pg_stat_statements)
 */
public record Workload(WorkloadTotals totals, List<QueryStats> queries,
    Map<String, Long> errorsByFingerprint, LogReport log, SessionPatterns sessions) {

  public Workload {
    errorsByFingerprint = errorsByFingerprint == null ? Map.of() : Map.copyOf(errorsByFingerprint);
    sessions = sessions == null ? SessionPatterns.none() : sessions;
  }

  /** Without per-query errors, log sections or session patterns (pg_stat_statements, tests). */
  public Workload(WorkloadTotals totals, List<QueryStats> queries) {
    this(totals, queries, Map.of(), null, SessionPatterns.none());
  }

  public Workload(WorkloadTotals totals, List<QueryStats> queries,
      Map<String, Long> errorsByFingerprint) {
    this(totals, queries, errorsByFingerprint, null, SessionPatterns.none());
  }

  public Workload(WorkloadTotals totals, List<QueryStats> queries, SessionPatterns sessions) {
    this(totals, queries, Map.of(), null, sessions);
  }

  public Workload withLog(LogReport log) {
    return new Workload(totals, queries, errorsByFingerprint, log, sessions);
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
