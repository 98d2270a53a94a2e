package io.pgdba.catalog;

import java.time.Instant;

/** pg_stat_user_tables of one table. */
public record TableActivity(
    long seqScans,
    long seqTuplesRead,
    long idxScans,
    long liveTuples,
    long deadTuples,
    long inserts,
    long updates,
    long deletes,
    long hotUpdates,
    Instant lastAnalyze,
    Instant lastAutoanalyze,
    Instant lastVacuum,
    Instant lastAutovacuum) {

  public static final TableActivity NONE =
      new TableActivity(0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null, null);

  /** Rows written (inserted, updated, deleted) since the statistics were reset. */
  public long writes() {
    return inserts + updates + deletes;
  }

  /**
   * Rows written per second over {@code sinceReset}, the age of the statistics (from {@link
   * Catalog#statsReset()} to now); 0 for an empty window. Each written row costs every index.
   */
  public double writesPerSecond(java.time.Duration sinceReset) {
    double seconds = sinceReset.toMillis() / 1000.0;
    return seconds <= 0 ? 0 : writes() / seconds;
  }
}
