package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * EXPLAIN (never ANALYZE: nothing is executed) on the target's read-only session. Works whether
 * the session is in autocommit or inside a transaction: a failing EXPLAIN is rolled back to a
 * savepoint so that it does not abort the caller's transaction.
 */
final class Explainer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PARAMETER = Pattern.compile("\\$\\d+");

  private final Connection connection;
  private final int majorVersion;
  private final Map<String, Double> rowsCache = new HashMap<>();
  private boolean genericPlans;
  private int prepared;

  Explainer(Connection connection, int majorVersion) {
    this.connection = connection;
    this.majorVersion = majorVersion;
  }

  /** Thrown with the server's one-line message when a statement cannot be explained. */
  static final class ExplainException extends Exception {
    ExplainException(String message) {
      super(message, null, false, false);
    }
  }

  /** The top plan node of {@code EXPLAIN (FORMAT JSON) sql}. */
  JsonNode plan(String sql) throws ExplainException {
    sql = singleStatement(sql);
    String options = "FORMAT JSON";
    if (PARAMETER.matcher(sql).find()) {
      if (majorVersion < 16) {
        return preparedGenericPlan(sql);
      }
      options += ", GENERIC_PLAN";
    }
    String text;
    try {
      text = query("EXPLAIN (" + options + ") " + sql);
    } catch (ExplainException e) {
      // The extended protocol sends $n to the server as parameters it then wants bound; the
      // prepared path keeps them inside the statement.
      if (options.contains("GENERIC_PLAN") && e.getMessage().contains("bind message supplies")) {
        return preparedGenericPlan(sql);
      }
      throw e;
    }
    try {
      return JSON.readTree(text).get(0).get("Plan");
    } catch (Exception e) {
      throw new ExplainException("unreadable EXPLAIN output");
    }
  }

  /**
   * The generic plan of a query with $n parameters before PostgreSQL 16 (no EXPLAIN
   * GENERIC_PLAN): PREPARE it, make the session plan it generically (plan_cache_mode, a session
   * setting that changes only planning), EXPLAIN EXECUTE it with NULL for every parameter (the
   * values are not looked at by a generic plan, and nothing is executed), DEALLOCATE it. Each step
   * is one statement built here around the already checked single statement; nothing writes, so
   * it all runs in the read-only transaction.
   */
  private JsonNode preparedGenericPlan(String sql) throws ExplainException {
    int params = 0;
    var used = new java.util.HashSet<Integer>();
    var m = PARAMETER.matcher(sql);
    while (m.find()) {
      int n = Integer.parseInt(m.group().substring(1));
      if (n > 1000) {
        throw new ExplainException("query has more than 1000 parameters");
      }
      used.add(n);
      params = Math.max(params, n);
    }
    // A parameter the text does not use (a predicate taken out of its statement) has no type to
    // infer: it is declared text; the used ones stay "unknown", inferred from their context.
    var types = new java.util.ArrayList<String>();
    for (int i = 1; i <= params; i++) {
      types.add(used.contains(i) ? "unknown" : "text");
    }
    if (!genericPlans) {
      execute("SET plan_cache_mode = force_generic_plan");
      genericPlans = true;
    }
    String name = "pgdba_generic_" + (++prepared);
    execute("PREPARE " + name + "(" + String.join(", ", types) + ") AS " + sql);
    try {
      String text = query("EXPLAIN (FORMAT JSON) EXECUTE " + name + "("
          + String.join(", ", java.util.Collections.nCopies(params, "NULL")) + ")");
      return JSON.readTree(text).get(0).get("Plan");
    } catch (ExplainException e) {
      throw e;
    } catch (Exception e) {
      throw new ExplainException("unreadable EXPLAIN output");
    } finally {
      execute("DEALLOCATE " + name);
    }
  }

  /** Runs a statement without a result (PREPARE, DEALLOCATE, SET) as {@link #query} does. */
  private void execute(String sql) throws ExplainException {
    Savepoint savepoint = null;
    try {
      if (!connection.getAutoCommit()) {
        savepoint = connection.setSavepoint();
      }
      try (var st = connection.createStatement()) {
        st.execute(sql);
      }
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
    } catch (SQLException e) {
      if (savepoint != null) {
        try {
          connection.rollback(savepoint);
        } catch (SQLException ignored) {
          // The original error is the one worth reporting.
        }
      }
      throw new ExplainException(firstLine(e.getMessage()));
    }
  }

  /** Total cost of the query's plan. */
  double cost(String sql) throws ExplainException {
    return plan(sql).get("Total Cost").asDouble();
  }

  /** The planner's row estimate (with its histograms and MCVs) for a query, cached. */
  double rows(String sql) throws ExplainException {
    Double cached = rowsCache.get(sql);
    if (cached != null) {
      return cached;
    }
    double rows = plan(sql).get("Plan Rows").asDouble();
    rowsCache.put(sql, rows);
    return rows;
  }

  /** Runs a one-value query (EXPLAIN, a HypoPG call, SHOW) and returns its text. */
  String query(String sql) throws ExplainException {
    Savepoint savepoint = null;
    try {
      if (!connection.getAutoCommit()) {
        savepoint = connection.setSavepoint();
      }
      String result;
      try (var st = connection.createStatement(); var rs = st.executeQuery(sql)) {
        result = rs.next() ? rs.getString(1) : null;
      }
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return result;
    } catch (SQLException e) {
      if (savepoint != null) {
        try {
          connection.rollback(savepoint);
        } catch (SQLException ignored) {
          // The original error is the one worth reporting.
        }
      }
      throw new ExplainException(firstLine(e.getMessage()));
    }
  }

  /**
   * The statement without a trailing semicolon. A text with a second statement is refused:
   * EXPLAIN covers only the first, and the simple protocol would run the others.
   */
  static String singleStatement(String sql) throws ExplainException {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < n && s.charAt(end) != c) {
          end++;
        }
        i = end + 1;
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        int end = s.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '$') {
        int tagEnd = s.indexOf('$', i + 1);
        String tag = tagEnd < 0 ? null : s.substring(i, tagEnd + 1);
        if (tag != null && tag.matches("\\$[A-Za-z_]*\\$")) {
          int end = s.indexOf(tag, tagEnd + 1);
          i = end < 0 ? n : end + tag.length();
        } else {
          i++;
        }
      } else if (c == ';') {
        throw new ExplainException("more than one statement in the query text");
      } else {
        i++;
      }
    }
    return s;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
