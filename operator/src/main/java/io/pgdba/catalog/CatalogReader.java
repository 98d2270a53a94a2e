package io.pgdba.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@link Catalog} snapshot from a target database in a handful of set-based queries (one
 * per kind of object, never one per table), so that a database with thousands of tables costs the
 * same few round trips. Works on PostgreSQL 13 to 17: it only uses catalog columns present in all
 * of them and reads the database collation from pg_database (the lc_collate GUC is gone in 16).
 *
 * <p>The reader does not change the connection's transaction state; run it inside the read-only
 * session of {@link ReadOnlySession} for analyses.
 */
public final class CatalogReader {

  /** GUCs the advisors and the report use; absent ones (older majors) are skipped. */
  public static final List<String> SETTINGS =
      List.of(
          "shared_buffers",
          "work_mem",
          "maintenance_work_mem",
          "effective_cache_size",
          "random_page_cost",
          "seq_page_cost",
          "cpu_tuple_cost",
          "cpu_index_tuple_cost",
          "cpu_operator_cost",
          "effective_io_concurrency",
          "default_statistics_target",
          "max_connections",
          "max_parallel_maintenance_workers",
          "max_parallel_workers_per_gather",
          "track_counts",
          "track_activities",
          "track_io_timing",
          "autovacuum",
          "shared_preload_libraries",
          "server_encoding",
          "lc_collate",
          "lc_ctype",
          "default_transaction_read_only",
          "statement_timeout",
          "lock_timeout",
          "compute_query_id",
          "pg_stat_statements.track");

  // Relations the advisors care about: user tables, partitioned tables and materialized views.
  private static final String RELS =
      "select c.oid, n.nspname, c.relname, c.relkind from pg_class c"
          + " join pg_namespace n on n.oid = c.relnamespace"
          + " where c.relkind in ('r', 'p', 'm')"
          + " and n.nspname not in ('pg_catalog', 'information_schema')"
          + " and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'";

  private static final String SERVER_SQL =
      "select current_setting('server_version_num')::int, current_setting('server_version'),"
          + " current_database(), current_user, current_schemas(false)::text[],"
          + " d.datcollate, d.datctype, sd.stats_reset"
          + " from pg_database d left join pg_stat_database sd on sd.datid = d.oid"
          + " where d.datname = current_database()";

  private static final String SETTINGS_SQL =
      "select name, current_setting(name) from pg_settings where name = any(?)";

  private static final String EXTENSIONS_SQL = "select extname, extversion from pg_extension";

  private static final String TABLES_SQL =
      "with rels as ("
          + RELS
          + ") select r.oid, r.nspname, r.relname, r.relkind,"
          + " pg_relation_size(r.oid), pg_total_relation_size(r.oid), c.relpages, c.reltuples,"
          + " s.seq_scan, s.seq_tup_read, s.idx_scan, s.n_live_tup, s.n_dead_tup, s.n_tup_ins,"
          + " s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd, s.last_analyze, s.last_autoanalyze,"
          + " s.last_vacuum, s.last_autovacuum"
          + " from rels r join pg_class c on c.oid = r.oid"
          + " left join pg_stat_user_tables s on s.relid = r.oid"
          + " order by r.nspname, r.relname";

  // pg_stats has one row per column and "inherited" flag; a partitioned parent only has the
  // inherited row, an ordinary table the plain one (and an inherited one if it has children).
  private static final String COLUMNS_SQL =
      "with rels as ("
          + RELS
          + ") select r.oid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod),"
          + " a.attnotnull,"
          + " case when a.attcollation <> 0 and a.attcollation <> t.typcollation"
          + "   then co.collname end,"
          + " st.null_frac, st.n_distinct, st.avg_width, st.most_common_vals::text,"
          + " st.most_common_freqs::float8[], st.correlation, st.attname is not null"
          + " from rels r join pg_attribute a on a.attrelid = r.oid"
          + " join pg_type t on t.oid = a.atttypid"
          + " left join pg_collation co on co.oid = a.attcollation"
          + " left join lateral (select * from pg_stats s where s.schemaname = r.nspname"
          + "   and s.tablename = r.relname and s.attname = a.attname"
          + "   order by s.inherited = (r.relkind = 'p') desc limit 1) st on true"
          + " where a.attnum > 0 and not a.attisdropped"
          + " order by r.oid, a.attnum";

  private static final String CONSTRAINTS_SQL =
      "with rels as ("
          + RELS
          + ") select r.oid, con.conname, con.contype,"
          + " array(select a.attname from unnest(con.conkey) with ordinality k(num, ord)"
          + "   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num"
          + "   order by k.ord)::text[],"
          + " case when con.contype in ('p', 'u', 'x') then ic.relname end,"
          + " fn.nspname, fc.relname,"
          + " array(select a.attname from unnest(con.confkey) with ordinality k(num, ord)"
          + "   join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num"
          + "   order by k.ord)::text[]"
          + " from rels r join pg_constraint con on con.conrelid = r.oid"
          + " left join pg_class ic on ic.oid = con.conindid"
          + " left join pg_class fc on fc.oid = con.confrelid"
          + " left join pg_namespace fn on fn.oid = fc.relnamespace"
          + " where con.contype in ('p', 'u', 'f', 'x', 'c')"
          + " order by r.oid, con.conname";

  // Key k of an index: a column (indkey[k-1] <> 0) or an expression (0, printed by
  // pg_get_indexdef(oid, k, true)); keys past indnkeyatts are INCLUDE columns.
  private static final String INDEXES_SQL =
      "with rels as ("
          + RELS
          + ") select r.oid, r.nspname, ic.relname, r.relname, am.amname,"
          + " i.indisunique, i.indisprimary, i.indisvalid, pg_relation_size(i.indexrelid),"
          + " coalesce(s.idx_scan, 0), pg_get_indexdef(i.indexrelid),"
          + " pg_get_expr(i.indpred, i.indrelid, true), con.conname, i.indnkeyatts,"
          + " array(select case when i.indkey[k - 1] = 0"
          + "     then pg_get_indexdef(i.indexrelid, k, true) else a.attname::text end"
          + "   from generate_series(1, i.indnatts) k"
          + "   left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[k - 1]"
          + "   order by k)::text[],"
          + " array(select i.indkey[k - 1] = 0 from generate_series(1, i.indnatts) k"
          + "   order by k)::bool[],"
          + " array(select case when opc.opcdefault then null else opc.opcname::text end"
          + "   from generate_series(1, i.indnkeyatts) k"
          + "   join pg_opclass opc on opc.oid = i.indclass[k - 1] order by k)::text[]"
          + " from rels r join pg_index i on i.indrelid = r.oid"
          + " join pg_class ic on ic.oid = i.indexrelid"
          + " join pg_am am on am.oid = ic.relam"
          + " left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid"
          + " left join pg_constraint con on con.conindid = i.indexrelid"
          + "   and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')"
          + " order by r.oid, ic.relname";

  /** Reads the whole catalog. SQL errors (privileges, cancellation) propagate unchanged. */
  public Catalog read(Connection connection) throws SQLException {
    ServerInfo info;
    Instant statsReset;
    String datCollate;
    String datCtype;
    try (var st = connection.createStatement();
        var rs = st.executeQuery(SERVER_SQL)) {
      rs.next();
      info =
          new ServerInfo(
              rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4), strings(rs, 5));
      datCollate = rs.getString(6);
      datCtype = rs.getString(7);
      statsReset = instant(rs, 8);
    }

    var settings = new TreeMap<String, String>();
    try (var ps = connection.prepareStatement(SETTINGS_SQL)) {
      ps.setArray(1, connection.createArrayOf("text", SETTINGS.toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          settings.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    // The database's own collation decides whether prefix LIKE can use a plain btree.
    settings.put("lc_collate", datCollate);
    settings.put("lc_ctype", datCtype);

    var extensions = new TreeMap<String, String>();
    try (var st = connection.createStatement();
        var rs = st.executeQuery(EXTENSIONS_SQL)) {
      while (rs.next()) {
        extensions.put(rs.getString(1), rs.getString(2));
      }
    }

    var columns = readColumns(connection);
    var constraints = readConstraints(connection);
    var indexes = readIndexes(connection);
    var tables = new ArrayList<Table>();
    try (var st = connection.createStatement();
        var rs = st.executeQuery(TABLES_SQL)) {
      while (rs.next()) {
        long oid = rs.getLong(1);
        tables.add(
            new Table(
                rs.getString(2),
                rs.getString(3),
                Table.kindOf(rs.getString(4)),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getDouble(8),
                List.copyOf(columns.getOrDefault(oid, List.of())),
                List.copyOf(constraints.getOrDefault(oid, List.of())),
                List.copyOf(indexes.getOrDefault(oid, List.of())),
                activity(rs)));
      }
    }
    return new Catalog(
        info,
        Collections.unmodifiableMap(settings),
        Collections.unmodifiableMap(extensions),
        List.copyOf(tables),
        statsReset);
  }

  private static TableActivity activity(ResultSet rs) throws SQLException {
    rs.getLong(9);
    if (rs.wasNull()) {
      // No statistics row: partitioned parents, or track_counts off.
      return TableActivity.NONE;
    }
    return new TableActivity(
        rs.getLong(9),
        rs.getLong(10),
        rs.getLong(11),
        rs.getLong(12),
        rs.getLong(13),
        rs.getLong(14),
        rs.getLong(15),
        rs.getLong(16),
        rs.getLong(17),
        instant(rs, 18),
        instant(rs, 19),
        instant(rs, 20),
        instant(rs, 21));
  }

  private static Map<Long, List<Column>> readColumns(Connection connection) throws SQLException {
    var out = new HashMap<Long, List<Column>>();
    try (var st = connection.createStatement();
        var rs = st.executeQuery(COLUMNS_SQL)) {
      while (rs.next()) {
        ColumnStats stats = null;
        if (rs.getBoolean(13)) {
          var freqs = new ArrayList<Double>();
          Array a = rs.getArray(11);
          if (a != null) {
            freqs.addAll(Arrays.asList((Double[]) a.getArray()));
          }
          double corr = rs.getDouble(12);
          Double correlation = rs.wasNull() ? null : corr;
          stats =
              new ColumnStats(
                  rs.getDouble(7),
                  rs.getDouble(8),
                  rs.getInt(9),
                  Collections.unmodifiableList(PgArrayLiteral.parse(rs.getString(10))),
                  List.copyOf(freqs),
                  correlation);
        }
        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
            .add(
                new Column(
                    rs.getString(2),
                    rs.getInt(3),
                    rs.getString(4),
                    rs.getBoolean(5),
                    rs.getString(6),
                    stats));
      }
    }
    return out;
  }

  private static Map<Long, List<Constraint>> readConstraints(Connection connection)
      throws SQLException {
    var out = new HashMap<Long, List<Constraint>>();
    try (var st = connection.createStatement();
        var rs = st.executeQuery(CONSTRAINTS_SQL)) {
      while (rs.next()) {
        var kind =
            switch (rs.getString(3)) {
              case "p" -> Constraint.Kind.PRIMARY_KEY;
              case "u" -> Constraint.Kind.UNIQUE;
              case "f" -> Constraint.Kind.FOREIGN_KEY;
              case "x" -> Constraint.Kind.EXCLUSION;
              default -> Constraint.Kind.CHECK;
            };
        boolean fk = kind == Constraint.Kind.FOREIGN_KEY;
        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
            .add(
                new Constraint(
                    rs.getString(2),
                    kind,
                    strings(rs, 4),
                    rs.getString(5),
                    fk ? rs.getString(6) : null,
                    fk ? rs.getString(7) : null,
                    fk ? strings(rs, 8) : List.of()));
      }
    }
    return out;
  }

  private static Map<Long, List<Index>> readIndexes(Connection connection) throws SQLException {
    var out = new HashMap<Long, List<Index>>();
    try (var st = connection.createStatement();
        var rs = st.executeQuery(INDEXES_SQL)) {
      while (rs.next()) {
        int keyCount = rs.getInt(14);
        List<String> all = strings(rs, 15);
        Array exprArray = rs.getArray(16);
        List<Boolean> allExpr = Arrays.asList((Boolean[]) exprArray.getArray());
        List<String> opclasses = nullableStrings(rs, 17);
        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
            .add(
                new Index(
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    List.copyOf(all.subList(0, keyCount)),
                    List.copyOf(allExpr.subList(0, keyCount)),
                    Collections.unmodifiableList(opclasses),
                    List.copyOf(all.subList(keyCount, all.size())),
                    rs.getString(12),
                    rs.getBoolean(6),
                    rs.getBoolean(7),
                    rs.getBoolean(8),
                    rs.getLong(9),
                    rs.getLong(10),
                    rs.getString(11),
                    rs.getString(13)));
      }
    }
    return out;
  }

  private static List<String> strings(ResultSet rs, int column) throws SQLException {
    return List.copyOf(nullableStrings(rs, column));
  }

  private static List<String> nullableStrings(ResultSet rs, int column) throws SQLException {
    Array a = rs.getArray(column);
    if (a == null) {
      return new ArrayList<>();
    }
    return new ArrayList<>(Arrays.asList((String[]) a.getArray()));
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    var t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
