package io.pgdba.history;

import java.time.Instant;

/**
 * One query's figures in one run: a point of its series.
 *
 * @param spreadMs the standard deviation of one execution's time within the run (from
 *     pg_stat_statements, or estimated from the log's p50 and p95 as {@code (p95 - p50) / 1.645});
 *     with {@code calls} it says how precise {@code meanMs} is
 * @param planShape the plan's node types in order (from auto_explain), or null when unknown
 * @param tempFiles temporary files its statements wrote in the run (log_temp_files), or null
 *     when the source does not say (pg_stat_statements)
 * @param tempBytes their bytes, or null likewise
 */
public record QueryPoint(
    long runId,
    Instant at,
    long calls,
    double totalMs,
    double meanMs,
    double p95Ms,
    double spreadMs,
    String planShape,
    Long tempFiles,
    Long tempBytes) {

  public QueryPoint(long runId, Instant at, long calls, double totalMs, double meanMs,
      double p95Ms, double spreadMs, String planShape) {
    this(runId, at, calls, totalMs, meanMs, p95Ms, spreadMs, planShape, null, null);
  }

  /** Temporary bytes per call, NaN when unknown. */
  public double tempBytesPerCall() {
    return tempBytes == null || calls <= 0 ? Double.NaN : (double) tempBytes / calls;
  }

  /** The value of {@code metric} at this point. */
  public double value(Metric metric) {
    return switch (metric) {
      case MEAN -> meanMs;
      case P95 -> p95Ms;
      case TOTAL -> totalMs;
      case CALLS -> calls;
      case TEMP_BYTES_PER_CALL -> tempBytesPerCall();
    };
  }
}
