package io.pgdba.apply;

import io.pgdba.apply.ApplyOutcome.Result;
import io.pgdba.catalog.ConnectionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Builds and drops indexes on the target the safe way: {@code CONCURRENTLY}, with a
 * {@code lock_timeout}, and with the catalog read before and after, so that a repeated call (an
 * operator restart in the middle) never builds twice and a failed build never leaves an invalid
 * index behind.
 */
public final class IndexApplier {

  static final String APPLICATION_NAME = "pgdba-apply";

  private static final Pattern CREATE =
      Pattern.compile("(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s.+");
  private static final Pattern DROP = Pattern.compile("(?is)^\\s*DROP\\s+INDEX\\s+CONCURRENTLY\\s.+");

  private final Duration lockTimeout;

  public IndexApplier(Duration lockTimeout) {
    this.lockTimeout = lockTimeout;
  }

  /** Runs {@code target.statement()}, a CREATE INDEX CONCURRENTLY, unless the index is there. */
  public ApplyOutcome create(ConnectionSettings settings, IndexTarget target) throws SQLException {
    String statement = checkedStatement(target.statement(), CREATE, "CREATE INDEX CONCURRENTLY");
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      String qualified = catalog.qualifiedName(target.schema(), target.indexName());
      switch (catalog.state(target.schema(), target.indexName())) {
        case VALID:
          return new ApplyOutcome(
              Result.ALREADY_PRESENT, qualified, "index " + qualified + " already exists and is"
                  + " valid", null, false);
        case BUILDING:
          return new ApplyOutcome(
              Result.IN_PROGRESS_ELSEWHERE, qualified, "another session is building " + qualified,
              null, false);
        case INVALID:
          // A leftover of an interrupted build (ours before a restart, or anyone's): the build
          // below would skip it (IF NOT EXISTS) or fail on it, so it goes first.
          catalog.dropConcurrently(target.schema(), target.indexName());
          break;
        default:
          break;
      }
      try (var st = c.createStatement()) {
        st.execute(statement);
      } catch (SQLException e) {
        return failed(catalog, target, qualified, oneLine(e), e.getSQLState());
      }
      var after = catalog.state(target.schema(), target.indexName());
      if (after == IndexState.VALID) {
        return new ApplyOutcome(Result.BUILT, qualified, "built " + qualified, null, false);
      }
      return failed(
          catalog, target, qualified,
          "the statement succeeded but " + qualified + " is " + after.name().toLowerCase(), null);
    }
  }

  /**
   * Drops an invalid leftover of {@code target} if there is one; returns true when none is left.
   * Called again on later reconciles when a lock held on the table made the first drop time out.
   */
  public boolean dropInvalidLeftover(ConnectionSettings settings, IndexTarget target)
      throws SQLException {
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      if (catalog.state(target.schema(), target.indexName()) == IndexState.INVALID) {
        catalog.dropConcurrently(target.schema(), target.indexName());
      }
      var state = catalog.state(target.schema(), target.indexName());
      return state != IndexState.INVALID && state != IndexState.BUILDING;
    }
  }

  /** Runs {@code target.statement()}, a DROP INDEX CONCURRENTLY, if the index is there. */
  public ApplyOutcome drop(ConnectionSettings settings, IndexTarget target) throws SQLException {
    String statement = checkedStatement(target.statement(), DROP, "DROP INDEX CONCURRENTLY");
    try (var c = open(settings)) {
      var catalog = new IndexCatalog(c);
      String qualified = catalog.qualifiedName(target.schema(), target.indexName());
      var before = catalog.state(target.schema(), target.indexName());
      if (before == IndexState.ABSENT) {
        return new ApplyOutcome(
            Result.ALREADY_ABSENT, qualified, "index " + qualified + " does not exist", null,
            false);
      }
      if (before == IndexState.BUILDING) {
        return new ApplyOutcome(
            Result.IN_PROGRESS_ELSEWHERE, qualified, "another session is building " + qualified,
            null, false);
      }
      try (var st = c.createStatement()) {
        st.execute(statement);
      } catch (SQLException e) {
        return new ApplyOutcome(Result.FAILED, qualified, oneLine(e), e.getSQLState(), false);
      }
      var after = catalog.state(target.schema(), target.indexName());
      if (after == IndexState.ABSENT) {
        return new ApplyOutcome(Result.DROPPED, qualified, "dropped " + qualified, null, false);
      }
      return new ApplyOutcome(
          Result.FAILED, qualified,
          "the statement succeeded but " + qualified + " still exists", null, false);
    }
  }

  /** The catalog state of an index, for callers that only look. */
  public IndexState state(ConnectionSettings settings, String schema, String indexName)
      throws SQLException {
    try (var c = open(settings)) {
      return new IndexCatalog(c).state(schema, indexName);
    }
  }

  private Connection open(ConnectionSettings settings) throws SQLException {
    var c = TargetConnections.open(settings, APPLICATION_NAME);
    try (var ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
      ps.setString(1, lockTimeout.toMillis() + "ms");
      ps.execute();
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * A failed concurrent build can leave an invalid index, which still costs every write: it is
   * dropped at once, or, when the drop itself cannot get its lock in time, reported as left over.
   */
  private static ApplyOutcome failed(
      IndexCatalog catalog, IndexTarget target, String qualified, String why, String sqlState)
      throws SQLException {
    if (catalog.state(target.schema(), target.indexName()) != IndexState.INVALID) {
      return new ApplyOutcome(Result.FAILED, qualified, why, sqlState, false);
    }
    try {
      catalog.dropConcurrently(target.schema(), target.indexName());
      return new ApplyOutcome(
          Result.FAILED, qualified, why + " (the invalid index was dropped)", sqlState, true);
    } catch (SQLException e) {
      return new ApplyOutcome(
          Result.FAILED_INVALID_LEFT, qualified,
          why + " (the invalid index is left until it can be dropped: " + oneLine(e) + ")",
          sqlState, false);
    }
  }

  /**
   * The spec's DDL is user-editable text run with DDL credentials: only one statement of the
   * expected kind is accepted, so an edited spec cannot smuggle in anything else.
   */
  static String checkedStatement(String statement, Pattern kind, String expected) {
    if (statement == null) {
      throw new IllegalArgumentException("no DDL statement given");
    }
    String trimmed = statement.strip();
    while (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    if (trimmed.contains(";")) {
      throw new IllegalArgumentException("the DDL must be a single statement (found ';')");
    }
    if (!kind.matcher(trimmed).matches()) {
      throw new IllegalArgumentException("the DDL must be a " + expected + " statement");
    }
    return trimmed;
  }

  static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return (e.getSQLState() == null ? "" : "SQLSTATE " + e.getSQLState() + ": ") + m.strip();
  }
}
