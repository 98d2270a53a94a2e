package io.pgdba.catalog;

import java.util.List;

/**
 * @param indexName the index that backs the constraint (PK, unique, exclusion), else null
 * @param referencedSchema for a foreign key, the referenced table's schema (likewise table,
 *     columns)
 */
public record Constraint(
    String name,
    Kind kind,
    List<String> columns,
    String indexName,
    String referencedSchema,
    String referencedTable,
    List<String> referencedColumns) {

  public enum Kind {
    PRIMARY_KEY,
    UNIQUE,
    FOREIGN_KEY,
    EXCLUSION,
    CHECK
  }
}
