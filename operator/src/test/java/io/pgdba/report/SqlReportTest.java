package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlReportTest {

  @Test
  void appliesAndKeepsTheRollbackCommentedOutInReverseOrder() {
    var sql = SqlReport.render(ReportFixtures.reportWithAdvice());
    var statements = sql.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("--"))
        .toList();
    // What psql runs: the two builds, nothing that undoes them.
    assertThat(statements).containsExactly(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_created_idx\" ON \"public\".\"orders\""
            + " (\"created\");",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_customer_idx\" ON \"public\".\"orders\""
            + " (\"customer\");");
    assertThat(sql.lines().filter(l -> l.startsWith("-- DROP INDEX")).toList()).containsExactly(
        "-- DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_customer_idx\";",
        "-- DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_created_idx\";");
    assertThat(sql).contains("creates 2 index(es) and drops 0")
        .contains("rollback section at the end is commented out");
    assertThat(sql.indexOf("-- ==== apply ====")).isLessThan(sql.indexOf("-- ==== rollback"));
  }

  @Test
  void aMultiLineReasonStaysInsideItsComment() {
    var sql = SqlReport.render(ReportFixtures.reportWithAdvice());
    // the fixture's reason has a newline: it must not leak a bare "in 2 calls" line of SQL
    assertThat(sql).contains("-- why: a seq scan of orders filters on created in 2 calls\n");
    assertThat(sql.lines()).noneMatch(l -> l.startsWith("in 2 calls"));
  }

  @Test
  void withoutAdviceOnlyComments() {
    var sql = SqlReport.render(ReportFixtures.report());
    assertThat(sql.lines()).allMatch(l -> l.startsWith("--"));
    assertThat(sql).contains("--db");
  }

  @Test
  void aRollbackWithALineBreakInANameIsNeverHalfCommentedOut() {
    var r = ReportFixtures.recommendation("idx\r\nDROP TABLE orders", "created");
    var advice = new io.pgdba.advisor.index.IndexAdvice(java.util.List.of(r), java.util.List.of());
    var sql = SqlReport.render(new io.pgdba.analysis.AnalysisReport(ReportFixtures.sources(),
        ReportFixtures.workload(), advice, java.util.List.of()));
    var rollback = sql.substring(sql.indexOf("-- ==== rollback"));
    // psql ends a -- comment at \r or \n: no line of the rollback section may escape it.
    assertThat(rollback.split("[\r\n]+")).allMatch(l -> l.isEmpty() || l.startsWith("--"));
    assertThat(rollback).contains("take it from the JSON report");
  }
}
