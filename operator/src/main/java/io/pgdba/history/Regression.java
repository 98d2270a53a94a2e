package io.pgdba.history;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something in this run that is worse than before, with the figures it rests on.
 *
 * @param kind {@code level} (mean or p95 significantly above its history), {@code new-query} (never
 *     seen, and already among the costliest), {@code plan-changed} (another plan shape than the
 *     last one known), {@code baseline-deviation} (significantly above the named baseline),
 *     {@code temp-files} (temporary bytes per call at least twice the largest earlier run's, 16 MB
 *     at least) or
 *     {@code target-exceeded} (above a user's limit)
 * @param before the reference value (history's level, the baseline's, the limit), null for a new
 *     query
 * @param after this run's value
 * @param since when it began; this run unless the series says earlier
 */
public record Regression(
    String kind,
    String fingerprint,
    String query,
    Metric metric,
    Double before,
    double after,
    Double changePercent,
    Instant since,
    Map<String, Object> evidence) {

  public Regression {
    evidence = evidence == null
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }
}
