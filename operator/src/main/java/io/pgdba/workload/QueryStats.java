package io.pgdba.workload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Statistics of one query fingerprint over the workload.
 *
 * @param example one real execution: the SQL as logged with its parameters substituted for
 *     {@code $n}, so it can be EXPLAINed as is
 * @param exampleParameters the logged parameter values of that execution, empty if none
 * @param examplePlan an auto_explain plan seen for this query, or null
 * @param databases calls per database (likewise users and applications); bounded maps
 * @param buckets calls and time per time slice, oldest first; only non-empty slices are listed.
 *     A slice is {@link WorkloadOptions#bucketWidth()} wide, or that times a power of two for a
 *     query seen over more than 120 slices (neighbours merge to bound memory)
 */
public record QueryStats(
    String fingerprint,
    String query,
    String example,
    List<String> exampleParameters,
    String examplePlan,
    long calls,
    double totalTimeMs,
    double minTimeMs,
    double maxTimeMs,
    double meanTimeMs,
    double p50TimeMs,
    double p95TimeMs,
    double p99TimeMs,
    Instant firstSeen,
    Instant lastSeen,
    Map<String, Long> databases,
    Map<String, Long> users,
    Map<String, Long> applications,
    List<TimeBucket> buckets) {

  /** The fingerprint of the bucket that holds the rarest queries once the cap is reached. */
  public static final String OTHER_FINGERPRINT = "other";
}
