package io.pgdba.catalog;

import io.pgdba.workload.Workload;

/**
 * A workload read from pg_stat_statements, with what the caller must know about its limits.
 *
 * <p>Unlike a log, pg_stat_statements keeps no percentiles and no real parameter values: each
 * query's p50 is its mean and p95/p99 are estimated from the mean and standard deviation (normal
 * approximation, clamped to [min, max]); its example is the normalized text with {@code $n}
 * placeholders, which {@link SafeExplain} plans as a generic plan (no value is ever bound).
 *
 * @param extensionVersion the installed pg_stat_statements version
 * @param genericPlanAvailable true on PostgreSQL 16+, which has {@code EXPLAIN (GENERIC_PLAN)}
 * @param hiddenQueries rows whose text this user may not read (needs pg_read_all_stats), skipped
 */
public record StatStatementsWorkload(
    Workload workload, String extensionVersion, boolean genericPlanAvailable, int hiddenQueries) {

  /** Always true: see the class comment for how percentiles are derived. */
  public boolean percentilesEstimated() {
    return true;
  }
}
