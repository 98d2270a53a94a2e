package io.pgdba.apply;

import io.pgdba.catalog.ConnectionSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens JDBC connections from {@link ConnectionSettings}, never putting the password in a URL. */
public final class TargetConnections {

  private TargetConnections() {}

  public static Connection open(ConnectionSettings target, String applicationName)
      throws SQLException {
    var props = new Properties();
    if (target.user() != null) {
      props.setProperty("user", target.user());
    }
    if (target.password() != null) {
      props.setProperty("password", target.password());
    }
    props.setProperty("sslmode", target.sslMode() == null ? "prefer" : target.sslMode());
    if (target.sslRootCert() != null) {
      props.setProperty("sslrootcert", target.sslRootCert().toString());
    }
    int timeout = target.connectTimeoutSeconds() > 0 ? target.connectTimeoutSeconds() : 10;
    props.setProperty("connectTimeout", Integer.toString(timeout));
    props.setProperty("ApplicationName", applicationName);
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    String url = "jdbc:postgresql://" + host + ":" + target.port() + "/" + encode(target.database());
    return DriverManager.getConnection(url, props);
  }

  private static String encode(String database) {
    return java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
