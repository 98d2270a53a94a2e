package io.pgdba.workload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a DBA reads in a log besides the per-query statistics: the time distribution, query types,
 * errors, lock waits, deadlocks, temporary files, checkpoints, autovacuum and sessions. Built by
 * {@link LogReportAccumulator}; every list is bounded (the rarest keys past a cap fold into one
 * {@code "(other)"} row) and already sorted as the reports show it. A section the log had no event
 * for is empty (or null for the single-object sections).
 */
public record LogReport(
    Timeline timeline,
    List<HistogramBin> durationHistogram,
    List<QueryType> queryTypes,
    List<ErrorGroup> errors,
    List<ErrorGroup> cancellations,
    List<LockWaitGroup> lockWaits,
    List<Deadlock> deadlocks,
    long deadlocksNotListed,
    List<TempFileGroup> tempFiles,
    Checkpoints checkpoints,
    List<TableMaintenance> autovacuum,
    Sessions sessions) {

  /** The label of the row that holds what a bounded section no longer keys separately. */
  public static final String OTHER = "(other)";

  /** True when the log had none of the events these sections count. */
  public boolean isEmpty() {
    return timeline == null && errors.isEmpty() && cancellations.isEmpty() && lockWaits.isEmpty()
        && deadlocks.isEmpty() && tempFiles.isEmpty() && checkpoints == null
        && autovacuum.isEmpty() && sessions == null;
  }

  /**
   * Counts per time slice: one minute for logs shorter than two hours, else one hour (doubled
   * again for very long logs, so that there are never more than a few hundred slices).
   *
   * @param peak the slice with the most statements (the earliest on a tie), null without any
   */
  public record Timeline(long bucketSeconds, List<Bucket> buckets, Bucket peak) {}

  /** One slice; {@code p95Ms} is within 1 % (HdrHistogram, 2 significant digits). */
  public record Bucket(
      Instant start,
      long statements,
      double totalTimeMs,
      double p95Ms,
      long errors,
      long tempFiles,
      long tempFileBytes,
      long checkpoints,
      long connections) {}

  /**
   * Statements that took less than {@code upToMs} and at least the previous bin's bound (pgBadger's
   * bins); null = the last bin, from the previous bound up.
   */
  public record HistogramBin(Double upToMs, long count) {}

  /** select, insert, update, delete, ddl, transaction, utility or other. */
  public record QueryType(String type, long count, double totalTimeMs) {}

  /**
   * Errors of one SQLSTATE, severity and message pattern (quoted text and numbers replaced).
   *
   * @param sqlState null when the log format carries none (stderr without {@code %e})
   * @param example the statement of the first occurrence when it was logged, else its message
   */
  public record ErrorGroup(
      String sqlState,
      String severity,
      String pattern,
      long count,
      Instant firstSeen,
      Instant lastSeen,
      String example) {}

  /**
   * Waits of one query for one kind of lock. A wait is a {@code still waiting for} line, or an
   * {@code acquired ... after} line whose process had none in the log (it started waiting before);
   * its time is that of the {@code acquired} line when there is one, else the time logged when it
   * was still waiting (a lower bound).
   *
   * @param fingerprint null when the waiting statement was not logged
   */
  public record LockWaitGroup(
      String fingerprint,
      String query,
      String lockType,
      long count,
      double totalWaitMs,
      double maxWaitMs) {}

  /** One deadlock: the statements of the processes involved, as PostgreSQL logged them. */
  public record Deadlock(Instant at, List<String> statements) {}

  /** Temporary files written by one query. */
  public record TempFileGroup(
      String fingerprint, String query, long count, long totalBytes, long maxBytes) {}

  /**
   * Checkpoints ({@code checkpoint complete}); restartpoints of a standby are counted apart.
   *
   * @param avgDistanceKb NaN when the log does not give distances (before PG 10)
   * @param byReason what started them ({@code time}, {@code wal}, {@code immediate force wait}...)
   */
  public record Checkpoints(
      long count,
      long restartpoints,
      long buffersWritten,
      double writeMs,
      double syncMs,
      double avgDistanceKb,
      long tooFrequent,
      Map<String, Long> byReason) {}

  /** Automatic vacuums and analyzes of one table ({@code database.schema.table} as logged). */
  public record TableMaintenance(
      String table,
      long vacuums,
      long analyzes,
      double totalMs,
      long tuplesRemoved,
      long pagesRemoved) {}

  /**
   * Sessions: {@code connection authorized} lines, {@code disconnection} lines and the durations
   * they carry. The peak is counted from the log alone: sessions opened before it starts are not
   * seen until they end, so it is a lower bound.
   */
  public record Sessions(
      long connections,
      long disconnections,
      long peakConcurrent,
      Instant peakAt,
      double meanDurationMs,
      Map<String, Long> byDatabase,
      Map<String, Long> byUser,
      Map<String, Long> byHost,
      Map<String, Long> byApplication) {}
}
