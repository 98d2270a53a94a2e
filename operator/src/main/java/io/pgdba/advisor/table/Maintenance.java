package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;

import io.pgdba.ddl.Identifiers;
import io.pgdba.finding.Severity;
import java.sql.SQLException;

/**
 * Vacuum and statistics health per table: the transaction-ID wraparound horizon, statistics that
 * are missing or stale, tables never vacuumed. One query over pg_class and pg_stat_user_tables.
 */
final class Maintenance {

  /** Past this age PostgreSQL starts warning in its log; wraparound protection is near. */
  static final long XID_CRITICAL_AGE = 1_200_000_000L;
  /** The server stops assigning XIDs this close to 2^31. */
  static final long XID_STOP = (1L << 31) - 3_000_000L;

  private static final String SQL =
      "select n.nspname, c.relname, age(c.relfrozenxid), c.reltuples::bigint, c.relpages,"
          + " s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, s.n_tup_ins,"
          + " s.last_analyze is null and s.last_autoanalyze is null,"
          + " s.last_vacuum is null and s.last_autovacuum is null,"
          + " current_setting('autovacuum_freeze_max_age')::bigint,"
          + " current_setting('autovacuum_analyze_scale_factor')::float8,"
          + " current_setting('autovacuum_analyze_threshold')::bigint,"
          + " s.relid is not null"
          + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
          + " left join pg_stat_user_tables s on s.relid = c.oid"
          + " where c.relkind in ('r', 'm')"
          + " and n.nspname not in ('pg_catalog', 'information_schema')"
          + " and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'"
          + " order by 1, 2";

  private final Scan scan;

  Maintenance(Scan scan) {
    this.scan = scan;
  }

  void run() throws SQLException {
    scan.query(SQL, rs -> {
      String schema = rs.getString(1);
      String name = rs.getString(2);
      String object = Names.object(schema, name);
      String qualified = Identifiers.qualified(schema, name);
      long age = rs.getLong(3);
      long reltuples = rs.getLong(4);
      long pages = rs.getLong(5);
      long live = rs.getLong(6);
      long dead = rs.getLong(7);
      long modified = rs.getLong(8);
      long inserted = rs.getLong(9);
      // pg_stats survives a statistics reset, last_analyze does not
      var table = scan.table(schema, name).orElse(null);
      boolean neverAnalyzed = table == null ? rs.getBoolean(10)
          : table.columns().stream().allMatch(c -> c.stats() == null);
      boolean neverVacuumed = rs.getBoolean(11);
      long freezeMaxAge = rs.getLong(12);
      double scale = rs.getDouble(13);
      long threshold = rs.getLong(14);
      boolean counted = rs.getBoolean(15);
      long warnAge = scan.settings.xidAgeWarning() > 0 ? scan.settings.xidAgeWarning()
          : freezeMaxAge;
      if (age > warnAge) {
        scan.add("table.xid-wraparound", age >= XID_CRITICAL_AGE ? Severity.CRITICAL
                : Severity.WARNING, object,
            "table " + object + " is " + age + " transactions from its last freeze",
            evidence("xidAge", age, "warnAge", warnAge, "autovacuumFreezeMaxAge", freezeMaxAge,
                "transactionsLeft", XID_STOP - age),
            "Autovacuum freezes a table once its age passes autovacuum_freeze_max_age; if this"
                + " one stays behind, something holds it back: a long transaction, an abandoned prepared transaction or replication"
                + " slot (pg_prepared_xacts, pg_replication_slots), or autovacuum too slow for"
                + " the table. Fix the cause, then VACUUM (FREEZE) it (SHARE UPDATE EXCLUSIVE"
                + " lock: reads and writes go on). At " + XID_STOP + " the server refuses new"
                + " transactions until the database is vacuumed.",
            "VACUUM (FREEZE, VERBOSE) " + qualified, null);
      }
      if (!counted) {
        return;
      }
      long rows = Math.max(live, reltuples);
      if (neverAnalyzed && (live >= 1000 || pages >= 10)) {
        scan.add("table.missing-statistics", Severity.WARNING, object,
            "table " + object + " has never been analyzed",
            evidence("liveTuples", live, "pages", pages, "modifiedSinceAnalyze", modified),
            "Without statistics the planner guesses row counts and value distributions and"
                + " can choose very bad plans (nested loops over millions of rows). ANALYZE"
                + " reads a sample (cheap, no blocking lock); then check why autovacuum did"
                + " not (autovacuum off, or the table was just loaded).",
            "ANALYZE VERBOSE " + qualified, null);
      } else if (!neverAnalyzed && rows >= 1000) {
        long autoAt = threshold + (long) (scale * Math.max(reltuples, 0));
        if (modified > 2 * autoAt && modified >= 1000) {
          scan.add("table.stale-statistics", Severity.WARNING, object,
              "table " + object + " changed " + modified + " rows since its last analyze",
              evidence("modifiedSinceAnalyze", modified, "rows", rows,
                  "autoanalyzeThreshold", autoAt),
              "More than twice the rows that should have triggered autoanalyze changed: its"
                  + " statistics describe older data. ANALYZE it now (cheap, no blocking"
                  + " lock) and check why autoanalyze lags (autovacuum disabled on the"
                  + " table, workers busy: autovacuum_max_workers, naptime).",
              "ANALYZE VERBOSE " + qualified, null);
        }
      }
      if (neverVacuumed && (dead >= 1000 || inserted >= 100_000)) {
        scan.add("table.never-vacuumed", Severity.WARNING, object,
            "table " + object + " has not been vacuumed since the statistics were reset",
            evidence("deadTuples", dead, "liveTuples", live, "insertedSinceReset", inserted,
                "statsReset", scan.catalog.statsReset() == null ? "never"
                    : scan.catalog.statsReset().toString()),
            "Dead rows are never reclaimed, the visibility map is never set (index-only"
                + " scans read the heap) and the table's XIDs are not frozen. VACUUM it (no"
                + " blocking lock) and check that autovacuum is on for it.",
            "VACUUM (ANALYZE, VERBOSE) " + qualified, null);
      }
    });
  }
}
