package io.pgdba.apply;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Catalog look-ups about one index. Names are quoted by the server ({@code format('%I')}), so a
 * hostile name cannot change the statements.
 */
final class IndexCatalog {

  private static final String RELATION =
      "to_regclass(format('%I.%I', coalesce(?, current_schema()), ?))";

  private final Connection connection;

  IndexCatalog(Connection connection) {
    this.connection = connection;
  }

  IndexState state(String schema, String indexName) throws SQLException {
    String sql =
        "SELECT i.indisvalid, EXISTS (SELECT 1 FROM pg_stat_progress_create_index p"
            + " WHERE p.index_relid = i.indexrelid AND p.pid <> pg_backend_pid())"
            + " FROM pg_index i WHERE i.indexrelid = " + RELATION;
    try (var ps = connection.prepareStatement(sql)) {
      ps.setString(1, schema);
      ps.setString(2, indexName);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return IndexState.ABSENT;
        }
        if (rs.getBoolean(1)) {
          return IndexState.VALID;
        }
        return rs.getBoolean(2) ? IndexState.BUILDING : IndexState.INVALID;
      }
    }
  }

  /** True when the index exists and is a partitioned table's (relkind 'I'). */
  boolean partitioned(String schema, String indexName) throws SQLException {
    try (var ps = connection.prepareStatement(
        "SELECT relkind = 'I' FROM pg_class WHERE oid = " + RELATION)) {
      ps.setString(1, schema);
      ps.setString(2, indexName);
      try (var rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /**
   * The partitions' index names of a partitioned index (a plan names those, never the parent's)
   * and their total size; a partitioned index itself has no storage.
   */
  java.util.Map<String, Long> partitionIndexes(String schema, String indexName)
      throws SQLException {
    var out = new java.util.TreeMap<String, Long>();
    try (var ps = connection.prepareStatement("SELECT c.relname, pg_relation_size(t.relid)"
        + " FROM pg_partition_tree(" + RELATION + ") t JOIN pg_class c ON c.oid = t.relid"
        + " WHERE t.isleaf")) {
      ps.setString(1, schema);
      ps.setString(2, indexName);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  String qualifiedName(String schema, String indexName) throws SQLException {
    try (var ps =
        connection.prepareStatement(
            "SELECT format('%I.%I', coalesce(?, current_schema()), ?)")) {
      ps.setString(1, schema);
      ps.setString(2, indexName);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  long sizeBytes(String schema, String indexName) throws SQLException {
    try (var ps =
        connection.prepareStatement("SELECT coalesce(pg_relation_size(" + RELATION + "), 0)")) {
      ps.setString(1, schema);
      ps.setString(2, indexName);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  void dropConcurrently(String schema, String indexName) throws SQLException {
    String drop = "DROP INDEX CONCURRENTLY IF EXISTS " + qualifiedName(schema, indexName);
    try (var st = connection.createStatement()) {
      st.execute(drop);
    }
  }
}
