package io.pgdba.advisor.table;

import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Finding;
import io.pgdba.finding.FindingAdvisor;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Table and schema advice: bloat, data types, partitioning, normalization and the checks every
 * DBA runs (primary keys, foreign key indexes, invalid, duplicate, redundant and unused indexes,
 * sequences, wraparound, statistics, vacuum). Reads only the catalog, the statistics views and,
 * when allowed and within budget, pgstattuple; every statement runs under the advisor's own
 * statement timeout, restored afterwards.
 */
public final class TableAdvisor implements FindingAdvisor {

  private final Clock clock;

  public TableAdvisor(Clock clock) {
    this.clock = clock;
  }

  public TableAdvisor() {
    this(Clock.systemUTC());
  }

  @Override
  public String name() {
    return "table";
  }

  @Override
  public List<Finding> advise(AdvisorContext context) throws SQLException {
    TableSettings settings;
    try {
      settings = TableSettings.of(context.settings());
    } catch (IllegalArgumentException e) {
      context.warnings().add("table advisor: " + e.getMessage());
      return List.of();
    }
    var session = context.session();
    String previous = setting(session, "statement_timeout");
    set(session, settings.statementTimeout().toMillis() + "ms");
    var scan = new Scan(session, context.catalog(), context.workload(), settings,
        Instant.now(clock), context.warnings());
    try {
      var health = new HealthChecks(scan);
      // the column findings first: the sequence check skips sequences they already report
      part(scan, "data types", () -> {
        health.run();
        new DataTypes(scan, health).run();
        health.sequences();
      });
      part(scan, "redundant indexes", () -> {
        new RedundantIndexes(scan).run();
        health.unused();
      });
      part(scan, "bloat", () -> new Bloat(scan, health).run());
      part(scan, "maintenance", () -> new Maintenance(scan).run());
      part(scan, "structure", () -> new Structure(scan).run());
    } finally {
      set(session, previous);
    }
    return List.copyOf(scan.findings);
  }

  private interface Part {
    void run() throws SQLException;
  }

  /** One part failing (a privilege, a timeout) costs its findings and a warning, not the rest. */
  private static void part(Scan scan, String name, Part part) throws SQLException {
    try {
      part.run();
    } catch (SQLException e) {
      if (scan.session.isClosed()) {
        throw e;
      }
      if (!scan.session.getAutoCommit()) {
        scan.session.rollback();
        // the rollback undid the timeout too
        set(scan.session, scan.settings.statementTimeout().toMillis() + "ms");
      }
      String m = e.getMessage() == null ? "unknown error" : e.getMessage();
      int nl = m.indexOf('\n');
      scan.warnings.add("table advisor: " + name + " skipped: "
          + (nl < 0 ? m : m.substring(0, nl)));
    }
  }

  private static String setting(java.sql.Connection c, String name) throws SQLException {
    try (var ps = c.prepareStatement("select current_setting(?)")) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static void set(java.sql.Connection c, String value) throws SQLException {
    try (var ps = c.prepareStatement("select set_config('statement_timeout', ?, false)")) {
      ps.setString(1, value);
      ps.execute();
    }
  }
}
