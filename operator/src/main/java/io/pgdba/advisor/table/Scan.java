package io.pgdba.advisor.table;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.workload.Workload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every part of the table advisor reads from (the session, the catalog, the workload, the
 * thresholds, the time) and where it writes (findings, warnings): one value passed around instead
 * of six parameters.
 */
final class Scan {

  final Connection session;
  final Catalog catalog;
  final Workload workload;
  final TableSettings settings;
  final Instant now;
  final List<Finding> findings = new ArrayList<>();
  final List<String> warnings;

  Scan(Connection session, Catalog catalog, Workload workload, TableSettings settings,
      Instant now, List<String> warnings) {
    this.session = session;
    this.catalog = catalog;
    this.workload = workload;
    this.settings = settings;
    this.now = now;
    this.warnings = warnings;
  }

  Optional<Table> table(String schema, String name) {
    return catalog.table(schema, name);
  }

  /** Rows a table holds, from the live-tuple counter or reltuples, whichever knows. */
  static long rows(Table t) {
    return Math.max(t.activity().liveTuples(), (long) Math.max(0, t.rowEstimate()));
  }

  boolean large(Table t) {
    return rows(t) >= settings.minRows();
  }

  void add(String kind, Severity severity, String object, String title,
      Map<String, Object> evidence, String advice) {
    findings.add(Finding.of(Category.TABLE, kind, severity, object, title, evidence, advice));
  }

  void add(String kind, Severity severity, String object, String title,
      Map<String, Object> evidence, String advice, String sql, String rollbackSql) {
    findings.add(new Finding(Category.TABLE, kind, severity, object, title, evidence, advice,
        sql, rollbackSql));
  }

  boolean has(String kind, String object) {
    return findings.stream().anyMatch(f -> f.kind().equals(kind) && f.object().equals(object));
  }

  /** An evidence map in the order given: key, value, key, value... */
  static Map<String, Object> evidence(Object... kv) {
    var m = new LinkedHashMap<String, Object>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  interface Rows {
    void row(ResultSet rs) throws SQLException;
  }

  /** Runs one read-only catalog query with bound parameters (never concatenated names). */
  void query(String sql, Rows rows, Object... params) throws SQLException {
    try (PreparedStatement ps = session.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.row(rs);
        }
      }
    }
  }

  static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }
}
