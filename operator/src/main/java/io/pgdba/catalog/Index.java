package io.pgdba.catalog;

import java.util.List;

/**
 * An existing index.
 *
 * @param keys key columns in order: a column name, or the expression text for expression keys
 * @param expressionKeys parallel to {@code keys}: true where the key is an expression
 * @param opclasses parallel to {@code keys}: non-default operator class names, null for default
 * @param includeColumns INCLUDE columns
 * @param predicate the partial-index WHERE clause as pg_get_expr prints it, null if none
 * @param definition pg_get_indexdef, the exact re-creation DDL
 * @param constraintName the constraint this index backs, null if none
 */
public record Index(
    String schema,
    String name,
    String table,
    String method,
    List<String> keys,
    List<Boolean> expressionKeys,
    List<String> opclasses,
    List<String> includeColumns,
    String predicate,
    boolean unique,
    boolean primary,
    boolean valid,
    long sizeBytes,
    long scans,
    String definition,
    String constraintName) {}
