package io.pgdba.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * Opens analysis sessions on the target that cannot write, by construction: the server starts the
 * session with {@code default_transaction_read_only=on} (a startup option, so it holds before the
 * first statement), and the driver makes every transaction READ ONLY too ({@code readOnly} with
 * {@code readOnlyMode=always}). Either alone would refuse INSERT, CREATE TABLE and CREATE INDEX;
 * both survive a proxy that drops one. HypoPG works in such a session (it writes nothing). The
 * driver always uses the extended query protocol ({@link SafeExplain} relies on it).
 *
 * <p>The password travels only in the driver properties ({@link JdbcTarget}), never in the URL.
 */
public final class ReadOnlySession {

  private ReadOnlySession() {}

  /**
   * Connects and checks that the session is read-only.
   *
   * @throws TargetConnectionException with a one-line reason when the target cannot be used
   */
  public static Connection open(ConnectionSettings target, SessionOptions options) {
    Connection c;
    try {
      c = DriverManager.getConnection(url(target), properties(target, options));
    } catch (SQLException e) {
      throw TargetConnectionException.from(e, target);
    }
    try (var st = c.createStatement();
        var rs = st.executeQuery("select current_setting('transaction_read_only')")) {
      rs.next();
      if (!"on".equals(rs.getString(1))) {
        c.close();
        throw new TargetConnectionException(
            TargetConnectionException.Reason.OTHER,
            "the session on "
                + TargetConnectionException.hostPort(target)
                + " is not read-only (a connection pooler dropping startup options?); refusing"
                + " to analyze through it",
            null);
      }
    } catch (SQLException e) {
      closeQuietly(c);
      throw TargetConnectionException.from(e, target);
    }
    return c;
  }

  public static Connection open(ConnectionSettings target) {
    return open(target, SessionOptions.defaults());
  }

  static String url(ConnectionSettings target) {
    return JdbcTarget.url(target);
  }

  /** Driver properties: {@link JdbcTarget}'s plus timeouts and the read-only startup options. */
  static Properties properties(ConnectionSettings target, SessionOptions options) {
    var p = JdbcTarget.properties(target, options.applicationName(),
        (int) Math.max(1, options.connectTimeout().toSeconds()));
    PGProperty.OPTIONS.set(
        p,
        "-c default_transaction_read_only=on"
            + " -c statement_timeout="
            + millis(options.statementTimeout())
            + " -c lock_timeout="
            + millis(options.lockTimeout()));
    PGProperty.READ_ONLY.set(p, true);
    PGProperty.READ_ONLY_MODE.set(p, "always");
    // Extended protocol, whatever a default says: one Parse message holds one command, which is
    // what SafeExplain relies on; the simple protocol runs every command of a text.
    PGProperty.PREFER_QUERY_MODE.set(p, "extended");
    // Unnamed statements only: the driver otherwise names a statement run five times (its
    // DEALLOCATE, SET plan_cache_mode...) and it stays prepared on the target until pgdba leaves;
    // behind a transaction-mode pgBouncer a named statement may even meet another server session.
    PGProperty.PREPARE_THRESHOLD.set(p, 0);
    return p;
  }

  private static long millis(Duration d) {
    return d == null ? 0 : d.toMillis();
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // already failing; the first error is the one to report
    }
  }
}
