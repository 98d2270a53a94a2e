package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlReportTest {

  @Test
  void appliesThenRollsBackInReverseOrderOneStatementPerLine() {
    var sql = SqlReport.render(ReportFixtures.reportWithAdvice());
    var statements = sql.lines()
        .filter(l -> !l.isBlank() && !l.startsWith("--"))
        .toList();
    assertThat(statements).containsExactly(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_created_idx\" ON \"public\".\"orders\""
            + " (\"created\");",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"orders_customer_idx\" ON \"public\".\"orders\""
            + " (\"customer\");",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_customer_idx\";",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"orders_created_idx\";");
    assertThat(sql.indexOf("-- ==== apply ====")).isLessThan(sql.indexOf("-- ==== rollback ===="));
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
}
