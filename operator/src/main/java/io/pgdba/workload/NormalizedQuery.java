package io.pgdba.workload;

/**
 * A query with its literals replaced by {@code $n}, lists collapsed and layout normalized.
 *
 * @param fingerprint a stable 16-hex-digit id of {@code text}, equal for queries that
 *     pg_stat_statements would group together
 * @param text the normalized SQL
 */
public record NormalizedQuery(String fingerprint, String text) {}
