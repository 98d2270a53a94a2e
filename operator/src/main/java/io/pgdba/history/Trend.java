package io.pgdba.history;

import java.time.Instant;

/**
 * A lasting change of one query's level across runs.
 *
 * @param direction {@code slower} or {@code faster}
 * @param before the level before {@code since} (geometric mean of the runs' means)
 * @param after the level from {@code since} on, this run included
 * @param since the first run at the new level
 * @param runs runs in the series
 */
public record Trend(
    String fingerprint,
    String query,
    Metric metric,
    String direction,
    double before,
    double after,
    double changePercent,
    Instant since,
    int runs) {}
