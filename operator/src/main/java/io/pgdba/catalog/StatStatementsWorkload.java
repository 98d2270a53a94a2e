package io.pgdba.catalog;

import io.pgdba.workload.Workload;
import java.util.Optional;

/**
 * A workload read from pg_stat_statements, with what the caller must know about its limits.
 *
 * <p>Unlike a log, pg_stat_statements keeps no percentiles and no real parameter values: each
 * query's p50 is its mean and p95/p99 are estimated from the mean and standard deviation (normal
 * approximation, clamped to [min, max]); its example is the normalized text with {@code $n}
 * placeholders, which only PostgreSQL 16+ can plan, with {@code EXPLAIN (GENERIC_PLAN)}.
 *
 * @param extensionVersion the installed pg_stat_statements version
 * @param genericPlanAvailable true on PostgreSQL 16+, where {@link #explainable} can plan
 *     placeholder queries
 * @param hiddenQueries rows whose text this user may not read (needs pg_read_all_stats), skipped
 */
public record StatStatementsWorkload(
    Workload workload,
    String extensionVersion,
    boolean genericPlanAvailable,
    int hiddenQueries) {

  /** Always true: see the class comment for how percentiles are derived. */
  public boolean percentilesEstimated() {
    return true;
  }

  /**
   * The EXPLAIN statement (without options beyond GENERIC_PLAN) for a pg_stat_statements query
   * text, or empty when it has {@code $n} placeholders and the server cannot plan those (PG < 16).
   * Run it on a session opened with {@link SessionOptions#withSimpleQueryProtocol}: pgjdbc's
   * extended protocol would treat the {@code $n} as parameters to bind.
   */
  public Optional<String> explainable(String query) {
    return StatStatementsWorkloadReader.explainStatement(query, genericPlanAvailable);
  }
}
