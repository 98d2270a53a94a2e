package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.catalog.SafeExplain;
import io.pgdba.catalog.Savepoints;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * EXPLAIN (never ANALYZE: nothing is executed) on the target's read-only session, through {@link
 * SafeExplain} for every query text that came from the workload. Works whether
 * the session is in autocommit or inside a transaction: a failing EXPLAIN is rolled back to a
 * savepoint so that it does not abort the caller's transaction.
 */
final class Explainer {

  private final Connection connection;
  private final SafeExplain safe;
  private final Map<String, Double> rowsCache = new HashMap<>();
  /** Statements sent to the server (EXPLAINs and HypoPG calls), for the benchmark. */
  int sent;

  Explainer(Connection connection) {
    this.connection = connection;
    this.safe = new SafeExplain(connection);
  }

  /** Thrown with the server's one-line message when a statement cannot be explained. */
  static final class ExplainException extends Exception {
    ExplainException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The top plan node of {@code EXPLAIN (FORMAT JSON)} of a query text. The text may come from a
   * log: {@link SafeExplain} decides what reaches the server.
   */
  JsonNode plan(String sql) throws ExplainException {
    sent++;
    try {
      return safe.plan(sql);
    } catch (SafeExplain.Refused e) {
      throw new ExplainException(e.getMessage());
    }
  }

  /** Total cost of the query's plan. */
  double cost(String sql) throws ExplainException {
    return plan(sql).get("Total Cost").asDouble();
  }

  /**
   * The planner's row estimate (with its histograms and MCVs) for a query, cached. The query is
   * pgdba's own {@code SELECT 1 FROM t WHERE} some of a statement's predicates, so it may hold
   * {@code $2} without {@code $1}: its placeholders are numbered again from 1 first (else the
   * estimate fails and the index on that predicate looks worthless, e.g. a join's second table
   * filtered by {@code publisher.id = $2}).
   */
  double rows(String sql) throws ExplainException {
    sql = io.pgdba.workload.Placeholders.renumbered(sql);
    Double cached = rowsCache.get(sql);
    if (cached != null) {
      return cached;
    }
    double rows = plan(sql).get("Plan Rows").asDouble();
    rowsCache.put(sql, rows);
    return rows;
  }

  /** Runs one of pgdba's own one-value queries (a HypoPG call, SHOW), never logged text. */
  String query(String sql) throws ExplainException {
    sent++;
    try {
      return Savepoints.run(connection, () -> {
        try (var st = connection.createStatement(); var rs = st.executeQuery(sql)) {
          return rs.next() ? rs.getString(1) : null;
        }
      });
    } catch (SQLException e) {
      throw new ExplainException(firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
