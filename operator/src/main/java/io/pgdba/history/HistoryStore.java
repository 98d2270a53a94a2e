package io.pgdba.history;

import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * pgdba's history in a PostgreSQL database: runs, and each query's figures per run, in the schema
 * {@value #SCHEMA} that Flyway creates and migrates (so a shared database keeps it apart, and a
 * newer pgdba upgrades an older store in place).
 */
public final class HistoryStore {

  public static final String SCHEMA = "pgdba_history";

  /** Queries stored per run: the rest of a larger workload is the long tail nobody trends. */
  public static final int MAX_QUERIES_PER_RUN = 5_000;

  private final DataSource dataSource;

  private HistoryStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Opens the store, creating or migrating its schema first. */
  public static HistoryStore open(DataSource dataSource) throws HistoryException {
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .schemas(SCHEMA)
          .createSchemas(true)
          .locations("classpath:io/pgdba/history/migrations")
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new HistoryException("history store: " + Messages.firstLine(e.getMessage()));
    }
    return new HistoryStore(dataSource);
  }

  /** Stores one run and the figures of its queries (the costliest first); returns its id. */
  public long record(RunContext run, Workload workload) throws HistoryException {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      long runId = insertRun(c, run, workload);
      var queries = workload.topByTotalTime(MAX_QUERIES_PER_RUN).stream()
          .filter(q -> !QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint()) && q.calls() > 0)
          .toList();
      var ids = queryIds(c, queries);
      try (var ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".query_figures"
          + " (query_id, run_id, calls, total_ms, mean_ms, p95_ms, spread_ms, plan_shape,"
          + " errors, temp_files, temp_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        // logs say which statements failed; pg_stat_statements does not (null: unknown)
        boolean errorsKnown = !"pg_stat_statements".equals(run.source());
        var temp = TempFiles.of(run, workload);
        for (var q : queries) {
          ps.setInt(1, ids.get(q.fingerprint()));
          ps.setLong(2, runId);
          ps.setLong(3, q.calls());
          ps.setDouble(4, q.totalTimeMs());
          ps.setFloat(5, (float) q.meanTimeMs());
          ps.setFloat(6, (float) q.p95TimeMs());
          ps.setFloat(7, (float) Spread.estimate(q));
          ps.setString(8, PlanShape.of(q.examplePlan()));
          if (errorsKnown) {
            ps.setLong(9, workload.errorsByFingerprint().getOrDefault(q.fingerprint(), 0L));
          } else {
            ps.setNull(9, java.sql.Types.BIGINT);
          }
          var files = temp == null ? null : temp.of(q.fingerprint());
          if (files != null) {
            ps.setLong(10, files[0]);
            ps.setLong(11, files[1]);
          } else {
            ps.setNull(10, java.sql.Types.BIGINT);
            ps.setNull(11, java.sql.Types.BIGINT);
          }
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      return runId;
    } catch (SQLException e) {
      throw failure("recording the run", e);
    }
  }

  private static long insertRun(Connection c, RunContext run, Workload workload)
      throws SQLException {
    try (var ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".run (analysis, recorded_at,"
        + " period_start, period_end, source, server_version, settings_hash, statements,"
        + " total_time_ms, applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
      ps.setString(1, run.analysis());
      ps.setTimestamp(2, Timestamp.from(run.recordedAt()));
      ps.setTimestamp(3, run.periodStart() == null ? null : Timestamp.from(run.periodStart()));
      ps.setTimestamp(4, run.periodEnd() == null ? null : Timestamp.from(run.periodEnd()));
      ps.setString(5, run.source());
      ps.setString(6, run.serverVersion());
      ps.setString(7, run.settingsHash());
      ps.setLong(8, workload.totals().statements());
      ps.setDouble(9, workload.totals().totalTimeMs());
      Array applied = c.createArrayOf("text", run.applied().toArray());
      ps.setArray(10, applied);
      long id;
      try (var rs = ps.executeQuery()) {
        rs.next();
        id = rs.getLong(1);
      }
      if (!run.indexScans().isEmpty()) {
        try (var usage = c.prepareStatement("INSERT INTO " + SCHEMA + ".index_usage"
            + " (run_id, index_name, idx_scan) VALUES (?, ?, ?)")) {
          for (var e : run.indexScans().entrySet()) {
            usage.setLong(1, id);
            usage.setString(2, e.getKey());
            usage.setLong(3, e.getValue());
            usage.addBatch();
          }
          usage.executeBatch();
        }
      }
      return id;
    }
  }

  /** The ids of the queries' texts, inserting those seen for the first time. */
  private static Map<String, Integer> queryIds(Connection c, List<QueryStats> queries)
      throws SQLException {
    try (var ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".query (fingerprint, query)"
        + " VALUES (?, ?) ON CONFLICT (fingerprint) DO NOTHING")) {
      for (var q : queries) {
        ps.setString(1, q.fingerprint());
        ps.setString(2, q.query() == null ? "" : q.query());
        ps.addBatch();
      }
      ps.executeBatch();
    }
    var ids = new HashMap<String, Integer>();
    try (var ps = c.prepareStatement(
        "SELECT fingerprint, id FROM " + SCHEMA + ".query WHERE fingerprint = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text",
          queries.stream().map(QueryStats::fingerprint).toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return ids;
  }

  /**
   * Each query's points in the runs of {@code analysis} recorded in [{@code from}, {@code to}),
   * oldest first; only queries that ran in at least one of them.
   */
  public Map<String, List<QueryPoint>> series(String analysis, Instant from, Instant to)
      throws HistoryException {
    return series(analysis, from, to, null);
  }

  /** Likewise, only for {@code fingerprints} (null: all). */
  public Map<String, List<QueryPoint>> series(String analysis, Instant from, Instant to,
      java.util.Collection<String> fingerprints) throws HistoryException {
    var series = new LinkedHashMap<String, List<QueryPoint>>();
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT q.fingerprint, r.id, r.recorded_at, f.calls,"
            + " f.total_ms, f.mean_ms, f.p95_ms, f.spread_ms, f.plan_shape, f.temp_files,"
            + " f.temp_bytes"
            + " FROM " + SCHEMA + ".run r"
            + " JOIN " + SCHEMA + ".query_figures f ON f.run_id = r.id"
            + " JOIN " + SCHEMA + ".query q ON q.id = f.query_id"
            + " WHERE r.analysis = ? AND r.recorded_at >= ? AND r.recorded_at < ?"
            + (fingerprints == null ? "" : " AND q.fingerprint = ANY (?)")
            + " ORDER BY q.fingerprint, r.recorded_at, r.id")) {
      ps.setString(1, analysis);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      if (fingerprints != null) {
        ps.setArray(4, c.createArrayOf("text", fingerprints.toArray()));
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          series.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new QueryPoint(
              rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getLong(4), rs.getDouble(5),
              rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getString(9),
              rs.getObject(10, Long.class), rs.getObject(11, Long.class)));
        }
      }
    } catch (SQLException e) {
      throw failure("reading the series", e);
    }
    return series;
  }

  /** The runs of {@code analysis} recorded in [{@code from}, {@code to}), oldest first. */
  public List<RunInfo> runs(String analysis, Instant from, Instant to) throws HistoryException {
    var runs = new ArrayList<RunInfo>();
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT id, recorded_at, period_start, server_version,"
            + " settings_hash, applied FROM " + SCHEMA + ".run"
            + " WHERE analysis = ? AND recorded_at >= ? AND recorded_at < ?"
            + " ORDER BY recorded_at, id")) {
      ps.setString(1, analysis);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var start = rs.getTimestamp(3);
          var applied = rs.getArray(6);
          runs.add(new RunInfo(rs.getLong(1), rs.getTimestamp(2).toInstant(),
              start == null ? null : start.toInstant(), rs.getString(4), rs.getString(5),
              applied == null ? List.of() : List.of((String[]) applied.getArray())));
        }
      }
    } catch (SQLException e) {
      throw failure("reading the runs", e);
    }
    return runs;
  }

  /**
   * The scans {@code index} had had at each run of {@code analysis} recorded from {@code from}
   * on, by run id (runs that could not ask the target are absent).
   */
  public Map<Long, Long> indexScans(String analysis, String index, Instant from)
      throws HistoryException {
    var scans = new LinkedHashMap<Long, Long>();
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT r.id, u.idx_scan FROM " + SCHEMA + ".run r"
            + " JOIN " + SCHEMA + ".index_usage u ON u.run_id = r.id"
            + " WHERE r.analysis = ? AND r.recorded_at >= ? AND u.index_name = ?"
            + " ORDER BY r.recorded_at, r.id")) {
      ps.setString(1, analysis);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setString(3, index);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          scans.put(rs.getLong(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw failure("reading the index usage", e);
    }
    return scans;
  }

  /** How many runs of {@code analysis} are stored before {@code before}. */
  public int runsBefore(String analysis, Instant before) throws HistoryException {
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT count(*) FROM " + SCHEMA + ".run"
            + " WHERE analysis = ? AND recorded_at < ?")) {
      ps.setString(1, analysis);
      ps.setTimestamp(2, Timestamp.from(before));
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw failure("counting runs", e);
    }
  }

  /** The normalized texts of the given fingerprints, where stored. */
  public Map<String, String> texts(List<String> fingerprints) throws HistoryException {
    var texts = new HashMap<String, String>();
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT fingerprint, query FROM " + SCHEMA + ".query"
            + " WHERE fingerprint = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", fingerprints.toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          texts.put(rs.getString(1), rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw failure("reading query texts", e);
    }
    return texts;
  }

  /**
   * Deletes the runs recorded before {@code cutoff} (all analyses: retention is the store's) and
   * the texts of queries no run refers to any more; returns the number of runs deleted.
   */
  public int deleteRunsBefore(Instant cutoff) throws HistoryException {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      int runs;
      try (var ps = c.prepareStatement(
          "DELETE FROM " + SCHEMA + ".run WHERE recorded_at < ?")) {
        ps.setTimestamp(1, Timestamp.from(cutoff));
        runs = ps.executeUpdate();
      }
      if (runs > 0) {
        try (var st = c.createStatement()) {
          st.executeUpdate("DELETE FROM " + SCHEMA + ".query q WHERE NOT EXISTS (SELECT 1 FROM "
              + SCHEMA + ".query_figures f WHERE f.query_id = q.id)");
        }
      }
      c.commit();
      return runs;
    } catch (SQLException e) {
      throw failure("applying the retention", e);
    }
  }

  /** Names the period [{@code from}, {@code to}] of {@code analysis} as a baseline (replacing). */
  public void saveBaseline(Baseline baseline) throws HistoryException {
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("INSERT INTO " + SCHEMA + ".baseline"
            + " (analysis, name, from_time, to_time) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (analysis, name) DO UPDATE"
            + " SET from_time = excluded.from_time, to_time = excluded.to_time,"
            + " created_at = now()")) {
      ps.setString(1, baseline.analysis());
      ps.setString(2, baseline.name());
      ps.setTimestamp(3, Timestamp.from(baseline.from()));
      ps.setTimestamp(4, Timestamp.from(baseline.to()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("saving the baseline", e);
    }
  }

  public Optional<Baseline> baseline(String analysis, String name) throws HistoryException {
    try (var c = dataSource.getConnection();
        var ps = c.prepareStatement("SELECT from_time, to_time FROM " + SCHEMA + ".baseline"
            + " WHERE analysis = ? AND name = ?")) {
      ps.setString(1, analysis);
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Baseline(analysis, name, rs.getTimestamp(1).toInstant(),
                rs.getTimestamp(2).toInstant()))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("reading the baseline", e);
    }
  }

  /** Bytes the store takes in its database (tables and indexes of its schema). */
  public long sizeBytes() throws HistoryException {
    try (var c = dataSource.getConnection();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = '" + SCHEMA + "' AND c.relkind = 'r'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure("measuring the store", e);
    }
  }

  private static HistoryException failure(String what, SQLException e) {
    return new HistoryException("history store: " + what + ": "
        + Messages.firstLine(e.getMessage()));
  }
}
