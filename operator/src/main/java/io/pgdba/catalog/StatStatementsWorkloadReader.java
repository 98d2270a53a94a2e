package io.pgdba.catalog;

import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds a {@link Workload} from pg_stat_statements of the current database, for analyses given no
 * log. Rows of the same queryid (one per user, and per top-level/nested on 14+) are merged; the
 * fingerprint is the queryid as 16 hex digits, so it matches what the server reports.
 *
 * <p>Columns differ by extension version: 1.8+ (PG 13) has {@code total_exec_time}, older ones
 * {@code total_time}; 1.11 (PG 17) has {@code stats_since}. The reader asks which columns exist.
 */
public final class StatStatementsWorkloadReader {

  // z-scores of the 95th and 99th percentile of a normal distribution.
  private static final double Z95 = 1.6449;
  private static final double Z99 = 2.3263;

  private final int maxQueries;

  /**
   * @param maxQueries queries kept, by total time; the rest count in the totals as folded
   */
  public StatStatementsWorkloadReader(int maxQueries) {
    this.maxQueries = maxQueries;
  }

  public StatStatementsWorkloadReader() {
    this(5000);
  }

  /**
   * Reads the workload.
   *
   * @throws StatStatementsUnavailableException when the extension is absent or unusable
   * @throws SQLException for other database errors
   */
  public StatStatementsWorkload read(Connection connection) throws SQLException {
    String schema;
    String version;
    try (var st = connection.createStatement();
        var rs =
            st.executeQuery(
                "select n.nspname, e.extversion, current_database(),"
                    + " current_setting('server_version_num')::int"
                    + " from pg_extension e join pg_namespace n on n.oid = e.extnamespace"
                    + " where e.extname = 'pg_stat_statements'")) {
      if (!rs.next()) {
        throw new StatStatementsUnavailableException(
            "pg_stat_statements is not installed in database \""
                + connection.getCatalog()
                + "\": add it to shared_preload_libraries, restart, run CREATE EXTENSION"
                + " pg_stat_statements, or give pgdba a log with --log");
      }
      schema = rs.getString(1);
      version = rs.getString(2);
    }
    int versionNum = serverVersionNum(connection);
    String view = quoteIdent(schema) + ".pg_stat_statements";
    Set<String> columns = viewColumns(connection, schema);
    String total = columns.contains("total_exec_time") ? "total_exec_time" : "total_time";
    String prefix = total.equals("total_exec_time") ? "_exec_time" : "_time";
    String since = columns.contains("stats_since") ? "s.stats_since" : "null::timestamptz";
    String sql =
        "select s.queryid, s.query, s.calls, s."
            + total
            + ", s.min"
            + prefix
            + ", s.max"
            + prefix
            + ", s.stddev"
            + prefix
            + ", r.rolname, "
            + since
            + " from "
            + view
            + " s left join pg_roles r on r.oid = s.userid"
            + " where s.dbid = (select oid from pg_database where datname = current_database())";
    var merged = new LinkedHashMap<Long, Acc>();
    int hidden = 0;
    try (var st = connection.createStatement();
        var rs = st.executeQuery(sql)) {
      while (rs.next()) {
        long queryId = rs.getLong(1);
        if (rs.wasNull()) {
          // Another user's statement without pg_read_all_stats: text and id are hidden.
          hidden++;
          continue;
        }
        String text = textOf(rs);
        merged.computeIfAbsent(queryId, id -> new Acc(id, text)).add(rs);
      }
    } catch (SQLException e) {
      if ("55000".equals(e.getSQLState())) {
        throw new StatStatementsUnavailableException(
            "pg_stat_statements is installed but not loaded: add it to shared_preload_libraries"
                + " and restart the server");
      }
      throw e;
    }
    Instant reset = statsReset(connection, view, versionNum);
    Instant now = serverNow(connection);
    var all = new ArrayList<>(merged.values());
    all.sort(
        Comparator.comparingDouble((Acc a) -> a.totalMs)
            .reversed()
            .thenComparingLong(a -> a.queryId));
    var kept = new ArrayList<QueryStats>();
    long statements = 0;
    double totalMs = 0;
    for (Acc a : all) {
      statements += a.calls;
      totalMs += a.totalMs;
      if (kept.size() < maxQueries) {
        kept.add(a.toStats());
      }
    }
    var totals =
        new WorkloadTotals(
            statements,
            totalMs,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            all.size(),
            all.size() - kept.size(),
            reset,
            now);
    return new StatStatementsWorkload(
        new Workload(totals, List.copyOf(kept)), version, versionNum >= 160000, hidden);
  }

  /** The fingerprint of a queryid: 16 hex digits, two's complement for negative ids. */
  public static String fingerprint(long queryId) {
    return String.format(Locale.ROOT, "%016x", queryId);
  }

  private static String textOf(ResultSet rs) throws SQLException {
    String q = rs.getString(2);
    return q == null ? "" : q.strip();
  }

  private static Set<String> viewColumns(Connection c, String schema) throws SQLException {
    var out = new HashSet<String>();
    try (var ps =
        c.prepareStatement(
            "select a.attname from pg_attribute a join pg_class cl on cl.oid = a.attrelid"
                + " join pg_namespace n on n.oid = cl.relnamespace"
                + " where n.nspname = ? and cl.relname = 'pg_stat_statements' and a.attnum > 0")) {
      ps.setString(1, schema);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  // pg_stat_statements_info (1.9, PG 14+) knows when the statistics were last deallocated/reset.
  private static Instant statsReset(Connection c, String view, int versionNum) throws SQLException {
    if (versionNum < 140000) {
      return null;
    }
    String info = view.replace(".pg_stat_statements", ".pg_stat_statements_info");
    try (var st = c.createStatement();
        var rs = st.executeQuery("select stats_reset from " + info)) {
      return rs.next() ? instant(rs.getObject(1, OffsetDateTime.class)) : null;
    } catch (SQLException e) {
      // An extension older than 1.9 on a newer server: no info view, the reset time is unknown.
      if ("42P01".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  private static int serverVersionNum(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("select current_setting('server_version_num')::int")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Instant serverNow(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("select now()")) {
      rs.next();
      return instant(rs.getObject(1, OffsetDateTime.class));
    }
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Rows of one queryid, merged. */
  private static final class Acc {
    final long queryId;
    final String query;
    long calls;
    double totalMs;
    double min = Double.MAX_VALUE;
    double max;
    // Sum over rows of calls * (stddev^2 + mean^2): merges variances exactly.
    double sumSquares;
    Instant since;
    final Map<String, Long> users = new TreeMap<>();

    Acc(long queryId, String query) {
      this.queryId = queryId;
      this.query = query;
    }

    void add(ResultSet rs) throws SQLException {
      long n = rs.getLong(3);
      double total = rs.getDouble(4);
      double sd = rs.getDouble(7);
      calls += n;
      totalMs += total;
      if (n > 0) {
        min = Math.min(min, rs.getDouble(5));
        max = Math.max(max, rs.getDouble(6));
        double mean = total / n;
        sumSquares += n * (sd * sd + mean * mean);
      }
      String user = rs.getString(8);
      users.merge(user == null ? "?" : user, n, Long::sum);
      var s = rs.getObject(9, OffsetDateTime.class);
      if (s != null && (since == null || s.toInstant().isBefore(since))) {
        since = s.toInstant();
      }
    }

    QueryStats toStats() {
      double mean = calls == 0 ? 0 : totalMs / calls;
      double variance = calls == 0 ? 0 : Math.max(0, sumSquares / calls - mean * mean);
      double sd = Math.sqrt(variance);
      double lo = calls == 0 ? 0 : min;
      return new QueryStats(
          fingerprint(queryId),
          query,
          query,
          List.of(),
          null,
          calls,
          totalMs,
          lo,
          max,
          mean,
          clamp(mean, lo, max),
          clamp(mean + Z95 * sd, lo, max),
          clamp(mean + Z99 * sd, lo, max),
          since,
          null,
          Map.of(),
          Map.copyOf(users),
          Map.of(),
          List.of());
    }

    private static double clamp(double v, double lo, double hi) {
      return Math.max(lo, Math.min(hi, v));
    }
  }
}
