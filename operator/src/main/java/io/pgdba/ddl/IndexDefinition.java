package io.pgdba.ddl;

import java.util.List;

/**
 * What an index is made of, independent of its name.
 *
 * @param method access method, e.g. {@code btree}
 * @param include INCLUDE columns (unquoted names), empty if none
 * @param where partial-index predicate as SQL with identifiers quoted, null if none
 */
public record IndexDefinition(
    String schema,
    String table,
    String method,
    List<IndexKey> keys,
    List<String> include,
    String where) {

  public IndexDefinition {
    keys = List.copyOf(keys);
    include = include == null ? List.of() : List.copyOf(include);
  }

  public static IndexDefinition btree(String schema, String table, List<IndexKey> keys) {
    return new IndexDefinition(schema, table, "btree", keys, List.of(), null);
  }

  public IndexDefinition withWhere(String predicate) {
    return new IndexDefinition(schema, table, method, keys, include, predicate);
  }
}
