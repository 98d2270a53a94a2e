package io.pgdba.catalog;

import java.time.Duration;

/**
 * Limits of an analysis session on the target.
 *
 * @param statementTimeout longest statement (catalog reads, EXPLAIN); zero for none
 * @param lockTimeout longest wait for a lock: an analysis must never queue behind (and so in front
 *     of) an ACCESS EXCLUSIVE lock of the application; zero for none
 * @param connectTimeout used when the settings give no {@code connect_timeout}
 * @param applicationName shown in pg_stat_activity and the server log
 */
public record SessionOptions(
    Duration statementTimeout,
    Duration lockTimeout,
    Duration connectTimeout,
    String applicationName) {

  /**
   * One minute per statement (a catalog read of thousands of tables takes seconds), two seconds for
   * a lock, ten seconds to connect, application_name {@code pgdba}.
   */
  public static SessionOptions defaults() {
    return new SessionOptions(
        Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofSeconds(10), "pgdba");
  }

  public SessionOptions withStatementTimeout(Duration timeout) {
    return new SessionOptions(timeout, lockTimeout, connectTimeout, applicationName);
  }

  public SessionOptions withLockTimeout(Duration timeout) {
    return new SessionOptions(statementTimeout, timeout, connectTimeout, applicationName);
  }
}
