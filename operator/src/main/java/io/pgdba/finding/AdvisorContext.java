package io.pgdba.finding;

import io.pgdba.catalog.Catalog;
import io.pgdba.workload.SessionPatterns;
import io.pgdba.workload.Workload;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

/**
 * What a {@link FindingAdvisor} may use: the read-only session on the target (already in a
 * read-only transaction with statement and lock timeouts), the catalog read once for all
 * advisors, the workload (from the logs or pg_stat_statements) and the user's settings for the
 * advisors that need more than the database tells (for example {@code memory}, {@code cpus},
 * {@code storage} for the configuration advisor).
 *
 * @param session the read-only connection; advisors must not change its settings for good
 * @param catalog the target's catalog and statistics
 * @param workload the analysed workload
 * @param fromLogs true when the workload came from logs, false for pg_stat_statements
 * @param settings advisor settings by name (absent means "not given"); never secrets
 * @param warnings where an advisor adds one-line notes for the user
 */
public record AdvisorContext(
    Connection session,
    Catalog catalog,
    Workload workload,
    boolean fromLogs,
    Map<String, String> settings,
    List<String> warnings) {

  /**
   * What the log's order of statements showed (N+1 loops, chatty transactions, repeats, the
   * parameter sets of prepared statements); empty for a workload from pg_stat_statements.
   */
  public SessionPatterns sessionPatterns() {
    return workload == null ? SessionPatterns.none() : workload.sessions();
  }
}
