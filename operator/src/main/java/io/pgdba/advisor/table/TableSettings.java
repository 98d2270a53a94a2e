package io.pgdba.advisor.table;

import java.time.Duration;
import java.util.Map;

/**
 * The table advisor's thresholds, from the analysis' advisor settings ({@code table.*} keys) or
 * their defaults. Defaults are what a DBA would not bother about below: a 5 MB table's bloat or a
 * 2 000-row table's column types.
 *
 * @param minRows tables with fewer estimated rows get no data type or structure finding
 * @param bloatMinBytes bloat below this many bytes is not worth a rewrite
 * @param bloatMinPercent bloat below this share of the relation is normal churn
 * @param pgstattupleBudgetBytes how many bytes of tables and indexes pgstattuple may read in one
 *     analysis (it reads them, approximately for tables); beyond it bloat is estimated
 * @param unusedMinStatsAge statistics younger than this cannot call an index unused
 * @param xidAgeWarning a table whose relfrozenxid is older gets a wraparound warning; 0 means
 *     the server's autovacuum_freeze_max_age (autovacuum should have frozen it by then)
 * @param partitionMinBytes tables smaller than this are not worth partitioning
 * @param wideMinColumns tables with at least this many columns are checked for sparseness
 * @param minCalls workload evidence (JSON keys, 1:1 joins) needs at least this many calls
 * @param statementTimeout bounds every statement the advisor sends
 */
record TableSettings(
    long minRows,
    long bloatMinBytes,
    double bloatMinPercent,
    long pgstattupleBudgetBytes,
    Duration unusedMinStatsAge,
    long xidAgeWarning,
    long partitionMinBytes,
    int wideMinColumns,
    long minCalls,
    Duration statementTimeout) {

  static TableSettings of(Map<String, String> settings) {
    var s = settings == null ? Map.<String, String>of() : settings;
    return new TableSettings(
        number(s, "table.min-rows", 10_000),
        number(s, "table.bloat-min-bytes", 8L << 20),
        number(s, "table.bloat-min-percent", 30),
        number(s, "table.pgstattuple-budget-bytes", 1L << 30),
        Duration.ofDays(number(s, "table.unused-min-stats-days", 7)),
        number(s, "table.xid-age-warning", 0),
        number(s, "table.partition-min-bytes", 1L << 30),
        (int) number(s, "table.wide-min-columns", 30),
        number(s, "table.min-calls", 100),
        Duration.ofMillis(number(s, "table.statement-timeout-ms", 10_000)));
  }

  private static long number(Map<String, String> s, String key, long fallback) {
    String v = s.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n < 0) {
        throw new IllegalArgumentException("advisor setting " + key + " must be >= 0, not " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("advisor setting " + key + " is not a whole number: " + v);
    }
  }
}
