package io.pgdba.workload;

import java.time.Duration;

/**
 * How to build a workload.
 *
 * @param maxFingerprints distinct fingerprints kept before the rarest are folded into "other"
 * @param bucketWidth width of the time buckets of each query (it doubles for a query that spans
 *     more than {@value BucketSeries#MAX_BUCKETS} buckets)
 */
public record WorkloadOptions(int maxFingerprints, Duration bucketWidth) {

  public WorkloadOptions {
    if (maxFingerprints < 1) {
      throw new IllegalArgumentException(
          "maxFingerprints must be at least 1, was " + maxFingerprints);
    }
    if (bucketWidth == null || bucketWidth.toMillis() < 1) {
      throw new IllegalArgumentException(
          "bucketWidth must be at least 1 ms, was " + bucketWidth);
    }
  }

  public static WorkloadOptions defaults() {
    return new WorkloadOptions(20_000, Duration.ofMinutes(5));
  }
}
