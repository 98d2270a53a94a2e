package io.pgdba.advisor.index;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Map;
import java.util.TreeMap;

/**
 * The definitions of the database's views, so that a query on a view is advised on the table
 * underneath (an index on a view's table is what serves it). One catalog query, read-only.
 */
final class ViewDefinitions {

  private static final String SQL = "select n.nspname, c.relname, pg_get_viewdef(c.oid)"
      + " from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'v'"
      + " and n.nspname not in ('pg_catalog', 'information_schema')"
      + " and n.nspname not like 'pg\\_%'";

  private ViewDefinitions() {}

  /** By schema + "." + name; empty when they cannot be read (the views are then skipped). */
  static Map<String, String> read(Connection connection) {
    var out = new TreeMap<String, String>();
    Savepoint savepoint = null;
    try {
      if (!connection.getAutoCommit()) {
        savepoint = connection.setSavepoint();
      }
      try (var st = connection.createStatement(); var rs = st.executeQuery(SQL)) {
        while (rs.next()) {
          out.put(rs.getString(1) + "." + rs.getString(2), rs.getString(3));
        }
      }
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
    } catch (SQLException e) {
      try {
        if (savepoint != null) {
          connection.rollback(savepoint);
        }
      } catch (SQLException ignored) {
        // The views are only a refinement: without them the queries on views are skipped.
      }
      return Map.of();
    }
    return out;
  }
}
