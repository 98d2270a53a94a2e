package io.pgdba.catalog;

/**
 * pg_stat_statements cannot give a workload (not installed in the database, not preloaded, not
 * readable): a setup problem of the target, reported as one line that says what to do.
 */
public final class StatStatementsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StatStatementsUnavailableException(String message) {
    super(message);
  }
}
