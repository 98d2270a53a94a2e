package io.pgdba.catalog;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;

/**
 * One statement that may fail inside the caller's read-only transaction: rolled back to a
 * savepoint so that the transaction goes on (in autocommit there is nothing to protect).
 */
public final class Savepoints {

  /** A JDBC call. */
  @FunctionalInterface
  public interface SqlCall<T> {
    T call() throws SQLException;
  }

  private Savepoints() {}

  /** Runs {@code call}; on failure rolls back to the savepoint and rethrows the original error. */
  public static <T> T run(Connection connection, SqlCall<T> call) throws SQLException {
    Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
    try {
      T result = call.call();
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return result;
    } catch (SQLException e) {
      if (savepoint != null) {
        try {
          connection.rollback(savepoint);
        } catch (SQLException ignored) {
          // the original error is the one worth reporting
        }
      }
      throw e;
    }
  }
}
