package io.pgdba.apply;

import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.JdbcTarget;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Opens the read-write sessions that build and drop indexes (with the DDL credentials); analysis
 * sessions are {@link io.pgdba.catalog.ReadOnlySession}s instead.
 */
public final class TargetConnections {

  private TargetConnections() {}

  public static Connection open(ConnectionSettings target, String applicationName)
      throws SQLException {
    return DriverManager.getConnection(
        JdbcTarget.url(target), JdbcTarget.properties(target, applicationName, 10));
  }
}
