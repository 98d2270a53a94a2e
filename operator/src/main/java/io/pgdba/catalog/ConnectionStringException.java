package io.pgdba.catalog;

/**
 * A malformed connection URI, conninfo string or PG* variable: a user mistake, reported as one
 * line that names the part at fault and never repeats the password.
 */
public final class ConnectionStringException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConnectionStringException(String message) {
    super(message);
  }
}
