package io.pgdba.metrics;

/**
 * What the dashboard shows of one IndexRecommendation: where it stands and what it does.
 *
 * @param name the IndexRecommendation's name (deterministic, bounded by the advisor's limits)
 * @param analysis the owning PgAnalysis
 * @param phase current phase; the series of the previous phase disappears
 * @param estimatedImprovementPercent the advisor's estimate for the affected queries
 * @param observedImprovementPercent measured after apply, {@code Double.NaN} while unknown
 */
public record RecommendationState(
    String namespace,
    String analysis,
    String name,
    String table,
    String kind,
    String phase,
    double estimatedImprovementPercent,
    double observedImprovementPercent) {}
