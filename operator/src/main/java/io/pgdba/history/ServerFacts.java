package io.pgdba.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The target's version and a hash of its settings, stored with a run so that a regression after
 * an upgrade or a configuration change says so. Read the same way by the CLI and the operator.
 */
public record ServerFacts(String serverVersion, String settingsHash) {

  public static final ServerFacts NONE = new ServerFacts(null, null);

  /**
   * The settings that make the hash: those set by the server's configuration, not the session's
   * own (a pgdba session's options must not look like a change of the server).
   */
  static final String SETTINGS = "SELECT name, setting FROM pg_settings"
      + " WHERE source NOT IN ('default', 'session', 'client', 'override') ORDER BY name";

  /** Reads the facts through a (read-only) session on the target. */
  public static ServerFacts read(Connection c) throws SQLException {
    String version;
    try (var st = c.createStatement(); var rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      version = rs.getString(1).strip().split("\\s+")[0];
    }
    var settings = new StringBuilder();
    try (var st = c.createStatement(); var rs = st.executeQuery(SETTINGS)) {
      while (rs.next()) {
        settings.append(rs.getString(1)).append('=').append(rs.getString(2)).append('\n');
      }
    }
    return new ServerFacts(version, hash(settings.toString()));
  }

  static String hash(String text) {
    try {
      var digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
