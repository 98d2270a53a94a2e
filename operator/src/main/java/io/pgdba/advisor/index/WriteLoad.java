package io.pgdba.advisor.index;

import io.pgdba.catalog.Table;
import io.pgdba.catalog.TableActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * How many row writes each table takes over the workload's window, so that an index's upkeep is
 * weighed against savings counted over the same time. Two witnesses, and the larger wins: the
 * workload's own INSERT/UPDATE/DELETE statements (a log filtered by duration misses fast writes),
 * and pg_stat_user_tables' index-writing row writes (inserts and non-HOT updates) as a rate over
 * the statistics' age, scaled to the window.
 * Right after a restore or bulk load a table's counters show its whole content as inserts: that is
 * history, not workload, so inserts that amount to (nearly) all its live rows are left out, and
 * the text says so.
 *
 * @param windowSeconds the workload's time span (log timestamps), or the statistics' age when
 *     the workload has none (pg_stat_statements accumulates since its own reset), 0 if unknown
 */
record WriteLoad(Map<Table, Long> workloadWrites, double windowSeconds, String windowSource,
    Duration statsAge) {

  /** The witnesses for one table. */
  record Writes(double rows, String explanation) {}

  static WriteLoad of(Map<Table, Long> workloadWrites, Instant first, Instant last,
      Instant statsReset, Instant now) {
    Duration age = statsReset == null || now.isBefore(statsReset) ? null
        : Duration.between(statsReset, now);
    if (first != null && last != null && last.isAfter(first)) {
      return new WriteLoad(workloadWrites, Duration.between(first, last).toMillis() / 1000.0,
          "the log's time span", age);
    }
    if (age != null) {
      return new WriteLoad(workloadWrites, age.toMillis() / 1000.0, "the statistics' age", age);
    }
    return new WriteLoad(workloadWrites, 0, "unknown", null);
  }

  Writes of(Table table) {
    long statements = workloadWrites.getOrDefault(table, 0L);
    TableActivity act = table.activity() == null ? TableActivity.NONE : table.activity();
    long inserts = act.inserts();
    String load = "";
    // A load leaves its rows in place; a queue deletes about as many as it inserts.
    if (inserts > 1000 && inserts >= 0.9 * Math.max(1, rows(table, act))
        && act.deletes() < 0.5 * inserts) {
      load = "; its " + inserts + " inserts since the statistics reset are its own load or"
          + " restore (about all its live rows), not counted";
      inserts = 0;
    }
    // What writes index entries: inserts and updates that are not HOT. A delete only marks the
    // heap tuple; vacuum then cleans all indexes in one pass per run, not per row.
    long rowWrites = inserts + Math.max(0, act.updates() - act.hotUpdates());
    double catalogRows = 0;
    String catalogText;
    if (statsAge != null && statsAge.toSeconds() > 0 && windowSeconds > 0) {
      double rate = rowWrites / (double) statsAge.toSeconds();
      catalogRows = rate * windowSeconds;
      catalogText = String.format(Locale.ROOT, "pg_stat_user_tables: %.2f index-writing row"
          + " writes/s (inserts, non-HOT updates) over the"
          + " statistics' age of %s, %.0f over %s", rate, human(statsAge), catalogRows,
          windowSource);
    } else {
      catalogText = "pg_stat_user_tables: " + rowWrites + " row writes, statistics' age unknown,"
          + " not counted";
    }
    boolean fromLog = statements >= catalogRows;
    String text = (fromLog
        ? "counted from the workload's " + statements + " writing statements on it ("
            + catalogText + ")"
        : String.format(Locale.ROOT, "counted from %s (the workload has %d writing statements"
            + " on it)", catalogText, statements)) + load;
    return new Writes(Math.max(statements, catalogRows), text);
  }

  /**
   * The table's rows, for the bulk-load test. n_live_tup alone can count a fresh load twice: when
   * the ANALYZE that follows the INSERT reaches the statistics before the INSERT's own report
   * (each backend sends its counts at most every 0.5 s on PostgreSQL 13-14, 1 s since 15), the
   * ANALYZE sets the live rows and the late report adds the inserts again (seen on PostgreSQL 13
   * and 17 on a table loaded and analyzed at once). reltuples is set by ANALYZE and VACUUM only,
   * so the smaller of the two is the load's size.
   */
  static double rows(Table table, TableActivity act) {
    double live = act.liveTuples();
    return table.rowEstimate() > 0 ? Math.min(live, table.rowEstimate()) : live;
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s < 172800 ? s / 3600 + " h"
        : s / 86400 + " d";
  }
}
