package io.pgdba.catalog;

import java.nio.file.Path;

/**
 * Where and how to connect to the target, resolved from a URI or conninfo, the PG* environment and
 * ~/.pgpass (libpq conventions). {@link #toString()} never shows the password.
 *
 * @param sslMode disable, allow, prefer, require, verify-ca or verify-full
 * @param sslRootCert CA file for verify-ca / verify-full, null for the default
 */
public record ConnectionSettings(
    String host,
    int port,
    String database,
    String user,
    String password,
    String sslMode,
    Path sslRootCert,
    int connectTimeoutSeconds) {

  @Override
  public String toString() {
    return "host="
        + host
        + " port="
        + port
        + " dbname="
        + database
        + " user="
        + user
        + " sslmode="
        + sslMode
        + (password == null ? "" : " password=********");
  }
}
