package io.pgdba.history;

import java.time.Instant;

/**
 * One query's figures in one run: a point of its series.
 *
 * @param spreadMs the standard deviation of one execution's time within the run (from
 *     pg_stat_statements, or estimated from the log's p50 and p95 as {@code (p95 - p50) / 1.645});
 *     with {@code calls} it says how precise {@code meanMs} is
 * @param planShape the plan's node types in order (from auto_explain), or null when unknown
 */
public record QueryPoint(
    long runId,
    Instant at,
    long calls,
    double totalMs,
    double meanMs,
    double p95Ms,
    double spreadMs,
    String planShape) {

  /** The value of {@code metric} at this point. */
  public double value(Metric metric) {
    return switch (metric) {
      case MEAN -> meanMs;
      case P95 -> p95Ms;
      case TOTAL -> totalMs;
      case CALLS -> calls;
    };
  }
}
