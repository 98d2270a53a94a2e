package io.pgdba.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * both survive a proxy that drops one. HypoPG works in such a session (it writes nothing).
 *
 * <p>The password travels only in the driver {@link Properties}, never in the JDBC URL, which
 * drivers and pools log.
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

  /** The JDBC URL: host, port and database only (IPv6 in brackets, the name URL-encoded). */
  static String url(ConnectionSettings target) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    return "jdbc:postgresql://"
        + host
        + ":"
        + target.port()
        + "/"
        + URLEncoder.encode(target.database(), StandardCharsets.UTF_8);
  }

  /** Driver properties: credentials, TLS, timeouts and the read-only startup options. */
  static Properties properties(ConnectionSettings target, SessionOptions options) {
    var p = new Properties();
    PGProperty.USER.set(p, target.user());
    if (target.password() != null) {
      PGProperty.PASSWORD.set(p, target.password());
    }
    PGProperty.APPLICATION_NAME.set(p, options.applicationName());
    PGProperty.OPTIONS.set(
        p,
        "-c default_transaction_read_only=on"
            + " -c statement_timeout="
            + millis(options.statementTimeout())
            + " -c lock_timeout="
            + millis(options.lockTimeout()));
    PGProperty.READ_ONLY.set(p, true);
    PGProperty.READ_ONLY_MODE.set(p, "always");
    // libpq's sslmode names are pgjdbc's; both default to prefer.
    PGProperty.SSL_MODE.set(p, target.sslMode() == null ? "prefer" : target.sslMode());
    if (target.sslRootCert() != null) {
      PGProperty.SSL_ROOT_CERT.set(p, target.sslRootCert().toString());
    }
    int connectSeconds =
        target.connectTimeoutSeconds() > 0
            ? target.connectTimeoutSeconds()
            : (int) Math.max(1, options.connectTimeout().toSeconds());
    PGProperty.CONNECT_TIMEOUT.set(p, connectSeconds);
    PGProperty.LOGIN_TIMEOUT.set(p, connectSeconds);
    if (options.simpleQueryProtocol()) {
      PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    }
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
