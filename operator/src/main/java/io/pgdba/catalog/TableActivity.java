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
}
