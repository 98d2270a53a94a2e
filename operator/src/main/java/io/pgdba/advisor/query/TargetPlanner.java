package io.pgdba.advisor.query;

import io.pgdba.advisor.query.SqlGuard.Refused;
import io.pgdba.catalog.SafeExplain;
import io.pgdba.catalog.SafeExplain.PlanSummary;
import io.pgdba.catalog.Savepoints;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every statement this package sends to the target goes through here. An EXPLAIN (of an original
 * or of its rewrite) goes on through {@link SafeExplain}, the one guarded EXPLAIN path of pgdba
 * (one Parse message, never ANALYZE, built-in functions and operators only, placeholders planned
 * through PREPARE); before that, this class applies the query advisor's stricter filter: only
 * text regenerated as one SELECT, and no function, type or operator outside {@code pg_catalog}
 * (a rewrite's SQL is pgdba's, but its constants are the log's). The opt-in runs of {@code
 * --verify-rewrites} are the only statements not EXPLAINed: they are sent as a prepared statement
 * with a row limit and a timeout. A failure is rolled back to a savepoint so that it does not
 * abort the caller's transaction.
 */
final class TargetPlanner {

  private static final Pattern PARAMETER = Pattern.compile("\\$\\d+");

  private static final String USER_DEFINED_NAMES = """
      select n from unnest(?::text[]) n
      where exists (select 1 from pg_catalog.pg_proc p
                    where p.proname = n and p.pronamespace <> 'pg_catalog'::regnamespace)
         or exists (select 1 from pg_catalog.pg_type t
                    left join pg_catalog.pg_class c on c.oid = t.typrelid
                    where t.typname = n and t.typnamespace <> 'pg_catalog'::regnamespace
                      and coalesce(c.relkind, 'c') not in ('r', 'p', 'v', 'm', 'f'))
      union all
      select o from unnest(?::text[]) o
      where exists (select 1 from pg_catalog.pg_operator
                    where oprname = o and oprnamespace <> 'pg_catalog'::regnamespace)
      order by 1 limit 1""";

  private final Connection connection;
  private final SafeExplain safeExplain;
  private final Map<String, String> refusedCache = new HashMap<>();

  TargetPlanner(Connection connection, SafeExplain safeExplain) {
    this.connection = connection;
    this.safeExplain = safeExplain;
  }

  /** A query's rows (each row as its columns' text) and how long the run took. */
  record Run(List<List<String>> rows, boolean truncated, double millis) {}

  /** Thrown with the server's one-line message when the target could not answer. */
  static final class Failed extends Exception {
    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** EXPLAIN (FORMAT JSON), never ANALYZE, through {@link SafeExplain}. */
  PlanSummary explain(String sql) throws Refused, Failed {
    String text = checked(sql, false);
    try {
      return safeExplain.summary(text);
    } catch (SafeExplain.Refused e) {
      throw new Failed(e.getMessage());
    }
  }

  /**
   * Runs a query (only for {@code --verify-rewrites}): the server stops after {@code maxRows + 1}
   * rows (the protocol's row limit) and cancels it after {@code timeoutSeconds}.
   */
  Run run(String sql, int maxRows, int timeoutSeconds) throws Refused, Failed {
    String text = checked(sql, true);
    if (PARAMETER.matcher(text).find()) {
      throw new Refused("the query has $n parameters without logged values");
    }
    return inSavepoint(() -> {
      long start = System.nanoTime();
      try (var st = connection.prepareStatement(text)) {
        st.setMaxRows(maxRows + 1);
        st.setFetchSize(Math.min(1000, maxRows + 1));
        st.setQueryTimeout(timeoutSeconds);
        var rows = new ArrayList<List<String>>();
        try (var rs = st.executeQuery()) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            var row = new ArrayList<String>(columns);
            for (int c = 1; c <= columns; c++) {
              row.add(rs.getString(c));
            }
            rows.add(row);
          }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        boolean truncated = rows.size() > maxRows;
        return new Run(truncated ? rows.subList(0, maxRows) : rows, truncated, ms);
      }
    });
  }

  /** The regenerated text, refused if it names anything user-defined (or unsafe to run). */
  private String checked(String sql, boolean toRun) throws Refused, Failed {
    String text = SqlGuard.regenerate(sql);
    var names = SqlGuard.names(text);
    if (toRun) {
      for (String call : names.calls()) {
        if (!SqlGuard.SAFE_TO_RUN.contains(call)) {
          throw new Refused("calls " + call + "(), which --verify-rewrites does not run");
        }
      }
    }
    String key = String.join(",", names.identifiers()) + "|" + String.join(",", names.operators());
    String refused = refusedCache.get(key);
    if (refused == null) {
      refused = inSavepoint(() -> {
        try (var st = connection.prepareStatement(USER_DEFINED_NAMES)) {
          st.setArray(1, connection.createArrayOf("text", names.identifiers().toArray()));
          st.setArray(2, connection.createArrayOf("text", names.operators().toArray()));
          try (var rs = st.executeQuery()) {
            return rs.next() ? rs.getString(1) : "";
          }
        }
      });
      refusedCache.put(key, refused);
    }
    if (!refused.isEmpty()) {
      throw new Refused("names " + abbreviate(refused)
          + ", a user-defined function, type or operator: the planner could run it");
    }
    return text;
  }

  private <T> T inSavepoint(Savepoints.SqlCall<T> call) throws Failed {
    try {
      return Savepoints.run(connection, call);
    } catch (SQLException e) {
      throw new Failed(firstLine(e.getMessage()));
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
