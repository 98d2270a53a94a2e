package io.pgdba.workload;

import java.time.Instant;

/**
 * Counts over the whole workload. {@code statements} and {@code totalTimeMs} cover executed
 * statements (simple {@code statement:} and {@code execute}); parse and bind are apart.
 *
 * @param distinctQueries distinct fingerprints executed: exact until the cap folds, then a
 *     HyperLogLog estimate (about 1.6 % error)
 * @param foldedQueries fingerprints folded into the "other" bucket by the cap (one folded, seen
 *     again and folded again counts twice)
 */
public record WorkloadTotals(
    long statements,
    double totalTimeMs,
    long parseCount,
    double parseTimeMs,
    long bindCount,
    double bindTimeMs,
    long errors,
    long checkpoints,
    long autovacuums,
    long autoanalyzes,
    long tempFiles,
    long tempFileBytes,
    long lockWaits,
    long deadlocks,
    long connections,
    long disconnections,
    long distinctQueries,
    long foldedQueries,
    Instant firstTimestamp,
    Instant lastTimestamp) {}
