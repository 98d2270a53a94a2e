package io.pgdba.advisor.config;

import io.pgdba.advisor.config.ServerState.Checkpoints;
import io.pgdba.advisor.config.ServerState.Connections;
import io.pgdba.advisor.config.ServerState.DatabaseStats;
import io.pgdba.advisor.config.ServerState.Jit;
import io.pgdba.advisor.config.ServerState.RoleSetting;
import io.pgdba.advisor.config.ServerState.Setting;
import io.pgdba.advisor.config.ServerState.Spill;
import io.pgdba.advisor.config.ServerState.TableChurn;
import io.pgdba.ddl.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@link ServerState} with catalog and statistics queries only (no function that writes,
 * nothing that takes a lock stronger than AccessShare). Views that a version lacks are skipped by
 * version, not by catching errors, so a real error still stops the advisor with its reason.
 */
public final class ServerStateReader {

  private static final String SETTINGS =
      "select name, setting, unit, source, context, boot_val, vartype from pg_settings";

  // setconfig is text[] of name=value; pg_db_role_setting is readable by every role
  private static final String OVERRIDES =
      "select d.datname, r.rolname, s.cfg from pg_db_role_setting rs"
          + " left join pg_database d on d.oid = rs.setdatabase"
          + " left join pg_roles r on r.oid = rs.setrole,"
          + " unnest(rs.setconfig) as s(cfg) order by 1 nulls first, 2 nulls first, 3";

  private static final String CHECKPOINTS_17 =
      "select num_timed, num_requested,"
          + " extract(epoch from now() - stats_reset) from pg_stat_checkpointer";

  private static final String CHECKPOINTS_OLD =
      "select checkpoints_timed, checkpoints_req,"
          + " extract(epoch from now() - stats_reset) from pg_stat_bgwriter";

  private static final String WAL =
      "select wal_bytes::bigint, extract(epoch from now() - stats_reset) from pg_stat_wal";

  private static final String DATABASES =
      "select coalesce(sum(blks_hit), 0), coalesce(sum(blks_read), 0),"
          + " coalesce(sum(temp_files), 0), coalesce(sum(temp_bytes), 0),"
          + " coalesce(sum(deadlocks), 0),"
          + " (select coalesce(sum(pg_database_size(oid)), 0) from pg_database"
          + "   where datallowconn and has_database_privilege(oid, 'CONNECT')),"
          + " coalesce(extract(epoch from now() - min(stats_reset)), 0)"
          + " from pg_stat_database";

  private static final String CONNECTIONS =
      "select count(*), count(*) filter (where state = 'active'),"
          + " count(*) filter (where state = 'idle'),"
          + " count(*) filter (where state like 'idle in transaction%')"
          + " from pg_stat_activity where backend_type = 'client backend'";

  private static final String TABLES =
      "select t.schemaname, t.relname, t.n_live_tup, t.n_dead_tup, t.n_tup_upd + t.n_tup_del,"
          + " t.autovacuum_count, t.last_autovacuum::text, coalesce(t.seq_scan, 0),"
          + " coalesce(t.idx_scan, 0), pg_table_size(t.relid),"
          + " (select split_part(o, '=', 2) from unnest(c.reloptions) o"
          + "   where o like 'autovacuum\\_vacuum\\_scale\\_factor=%')"
          + " from pg_stat_user_tables t join pg_class c on c.oid = t.relid"
          + " order by t.n_dead_tup desc, t.schemaname, t.relname limit 200";

  private static final String PGSS_SCHEMA =
      "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace"
          + " where e.extname = 'pg_stat_statements'";

  /** Reads everything; {@code major} is the server's major version. */
  public ServerState read(Connection c, int major) throws SQLException {
    var settings = new TreeMap<String, Setting>();
    try (var st = c.createStatement(); var rs = st.executeQuery(SETTINGS)) {
      while (rs.next()) {
        settings.put(rs.getString(1), new Setting(rs.getString(1), rs.getString(2),
            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
            rs.getString(7)));
      }
    }
    var overrides = new ArrayList<RoleSetting>();
    try (var st = c.createStatement(); var rs = st.executeQuery(OVERRIDES)) {
      while (rs.next()) {
        String cfg = rs.getString(3);
        int eq = cfg.indexOf('=');
        overrides.add(new RoleSetting(rs.getString(1), rs.getString(2),
            eq < 0 ? cfg : cfg.substring(0, eq), eq < 0 ? "" : cfg.substring(eq + 1)));
      }
    }
    Checkpoints checkpoints;
    try (var st = c.createStatement();
        var rs = st.executeQuery(major >= 17 ? CHECKPOINTS_17 : CHECKPOINTS_OLD)) {
      rs.next();
      checkpoints = new Checkpoints(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
    }
    Long walBytes = null;
    double walSeconds = 0;
    if (major >= 14) {
      try (var st = c.createStatement(); var rs = st.executeQuery(WAL)) {
        rs.next();
        walBytes = rs.getLong(1);
        walSeconds = rs.getDouble(2);
      }
    }
    DatabaseStats db;
    try (var st = c.createStatement(); var rs = st.executeQuery(DATABASES)) {
      rs.next();
      db = new DatabaseStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
          rs.getLong(5), rs.getLong(6), rs.getDouble(7));
    }
    Connections conns;
    try (var st = c.createStatement(); var rs = st.executeQuery(CONNECTIONS)) {
      rs.next();
      conns = new Connections(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
    }
    var tables = new ArrayList<TableChurn>();
    try (var st = c.createStatement(); var rs = st.executeQuery(TABLES)) {
      while (rs.next()) {
        tables.add(new TableChurn(rs.getString(1), rs.getString(2), rs.getLong(3),
            rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7), rs.getLong(8),
            rs.getLong(9), rs.getLong(10), number(rs.getString(11))));
      }
    }
    List<Spill> spills = null;
    Jit jit = null;
    String pgss = pgssSchema(c);
    var preload = settings.get("shared_preload_libraries");
    // without the library loaded, reading the view is an error that would end the transaction
    if (pgss != null && preload != null && preload.setting().contains("pg_stat_statements")) {
      long blockSize = Long.parseLong(settings.get("block_size").setting());
      String view = Identifiers.qualified(pgss, "pg_stat_statements");
      spills = new ArrayList<>();
      try (var st = c.createStatement();
          var rs = st.executeQuery("select calls, temp_blks_written, total_exec_time / "
              + "greatest(calls, 1) from " + view
              + " where temp_blks_written > 0 order by temp_blks_written desc limit 1000")) {
        while (rs.next()) {
          spills.add(new Spill(rs.getLong(1), rs.getLong(2) * blockSize, rs.getDouble(3)));
        }
      }
      if (major >= 15) {
        try (var st = c.createStatement();
            var rs = st.executeQuery("select count(*), coalesce(sum(jit_generation_time"
                + " + jit_inlining_time + jit_optimization_time + jit_emission_time), 0),"
                + " coalesce(sum(total_exec_time), 0),"
                + " coalesce(sum(total_exec_time) / nullif(sum(calls), 0), 0)"
                + " from " + view + " where jit_functions > 0")) {
          rs.next();
          jit = new Jit(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4));
        }
      }
    }
    return new ServerState(major, Map.copyOf(settings), List.copyOf(overrides), checkpoints,
        walBytes, walSeconds, db, conns, List.copyOf(tables), spills, jit);
  }

  private static String pgssSchema(Connection c) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery(PGSS_SCHEMA)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static Double number(String s) {
    try {
      return s == null ? null : Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
