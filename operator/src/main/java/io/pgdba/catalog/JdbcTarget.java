package io.pgdba.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.postgresql.PGProperty;

/**
 * The JDBC form of {@link ConnectionSettings}, shared by every session pgdba opens (read-only
 * analysis, index builds). The password travels only in the driver properties, never in the URL,
 * which drivers and pools log.
 */
public final class JdbcTarget {

  private JdbcTarget() {}

  /** The JDBC URL: host, port and database only (IPv6 in brackets, the name URL-encoded). */
  public static String url(ConnectionSettings target) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    return "jdbc:postgresql://"
        + host
        + ":"
        + target.port()
        + "/"
        + URLEncoder.encode(target.database(), StandardCharsets.UTF_8);
  }

  /** Driver properties: credentials, TLS, connect timeout and the application name. */
  public static Properties properties(
      ConnectionSettings target, String applicationName, int defaultConnectSeconds) {
    var p = new Properties();
    if (target.user() != null) {
      PGProperty.USER.set(p, target.user());
    }
    if (target.password() != null) {
      PGProperty.PASSWORD.set(p, target.password());
    }
    PGProperty.APPLICATION_NAME.set(p, applicationName);
    // libpq's sslmode names are pgjdbc's; both default to prefer.
    PGProperty.SSL_MODE.set(p, target.sslMode() == null ? "prefer" : target.sslMode());
    if (target.sslRootCert() != null) {
      PGProperty.SSL_ROOT_CERT.set(p, target.sslRootCert().toString());
    }
    int connectSeconds =
        target.connectTimeoutSeconds() > 0 ? target.connectTimeoutSeconds() : defaultConnectSeconds;
    PGProperty.CONNECT_TIMEOUT.set(p, connectSeconds);
    PGProperty.LOGIN_TIMEOUT.set(p, connectSeconds);
    return p;
  }
}
