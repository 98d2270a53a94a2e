package io.pgdba.catalog;

/**
 * @param type the formatted type, e.g. {@code character varying(100)}
 * @param collation the column's collation name, null when the type is not collatable or default
 * @param stats pg_stats of the column, null when never analyzed
 */
public record Column(
    String name, int position, String type, boolean notNull, String collation, ColumnStats stats) {}
