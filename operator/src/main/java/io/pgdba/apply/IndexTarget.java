package io.pgdba.apply;

/**
 * The index an apply or rollback is about.
 *
 * @param schema its schema, null for the first schema of the role's search_path
 * @param indexName its name, unquoted
 * @param statement the DDL to run: a single CREATE INDEX CONCURRENTLY or DROP INDEX CONCURRENTLY
 */
public record IndexTarget(String schema, String indexName, String statement) {}
