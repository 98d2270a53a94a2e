package io.pgdba.metrics;

/**
 * How many of an analysis' IndexRecommendations are in one phase, of one kind.
 *
 * @param phase the IndexRecommendation phase ({@code Proposed}, {@code Applied}...)
 * @param kind {@code CreateIndex} or {@code DropIndex}
 */
public record RecommendationCount(String phase, String kind, long count) {}
