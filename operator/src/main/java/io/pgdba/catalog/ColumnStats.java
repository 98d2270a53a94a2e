package io.pgdba.catalog;

import java.util.List;

/**
 * pg_stats of one column.
 *
 * @param nDistinct as in pg_stats: positive is a count, negative is minus the fraction of rows
 * @param mostCommonValues the MCV list as text, parallel to {@code mostCommonFreqs}
 * @param correlation physical order correlation, null when unknown
 */
public record ColumnStats(
    double nullFrac,
    double nDistinct,
    int avgWidth,
    List<String> mostCommonValues,
    List<Double> mostCommonFreqs,
    Double correlation) {}
