package io.pgdba.workload;

import java.time.Duration;

/**
 * How to build a workload.
 *
 * @param maxFingerprints distinct fingerprints kept before the rarest are folded into "other"
 * @param bucketWidth width of the time buckets of each query
 */
public record WorkloadOptions(int maxFingerprints, Duration bucketWidth) {
  public static WorkloadOptions defaults() {
    return new WorkloadOptions(20_000, Duration.ofMinutes(5));
  }
}
