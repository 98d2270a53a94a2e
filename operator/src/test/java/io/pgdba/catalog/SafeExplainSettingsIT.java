package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A statement with placeholders is explained under settings of pgdba's own ({@code
 * plan_cache_mode}, {@code enable_partition_pruning}): whatever happens to the statement (the
 * planner fails on it at EXECUTE, SafeExplain refuses it, the session is inside a transaction
 * whose savepoints it rolls back) the session's settings are what they were before, so that
 * every later EXPLAIN (pruned partitions included) is planned as the target plans it.
 */
class SafeExplainSettingsIT {

  private static String setting(Connection c, String name) throws SQLException {
    try (var rs = c.createStatement().executeQuery("SELECT current_setting('" + name + "')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void assertRestored(Connection c, String what) throws SQLException {
    assertThat(setting(c, "enable_partition_pruning")).as(what).isEqualTo("on");
    assertThat(setting(c, "plan_cache_mode")).as(what).isEqualTo("auto");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void settingsAreRestoredAfterSuccessFailureAndRefusal(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    for (boolean autocommit : new boolean[] {true, false}) {
      try (var c = pg.connect("postgres")) {
        try (var st = c.createStatement()) {
          st.execute("CREATE TEMP TABLE m (at date, v int) PARTITION BY RANGE (at)");
          st.execute("CREATE TEMP TABLE m1 PARTITION OF m FOR VALUES FROM ('2025-01-01')"
              + " TO ('2025-02-01')");
          st.execute("CREATE TEMP TABLE m2 PARTITION OF m FOR VALUES FROM ('2025-02-01')"
              + " TO ('2025-03-01')");
        }
        c.setAutoCommit(autocommit);
        var safe = new SafeExplain(c);
        String mode = "autocommit " + autocommit;
        assertThat(safe.plan("SELECT v FROM m WHERE at = $1")).isNotNull();
        assertRestored(c, mode + ", explained");
        // planned (and failing: the planner folds 1 / 0) only at EXPLAIN EXECUTE
        assertThatThrownBy(() -> safe.plan("SELECT 1 / 0 FROM m WHERE at = $1"))
            .isInstanceOf(SafeExplain.Refused.class).hasMessageContaining("division by zero");
        assertRestored(c, mode + ", failed at EXECUTE");
        assertThatThrownBy(() -> safe.plan("SELECT v FROM m WHERE at = $1; DROP TABLE m"))
            .isInstanceOf(SafeExplain.Refused.class);
        assertRestored(c, mode + ", refused");
        // pruning is on again: a later EXPLAIN without placeholders keeps one partition
        String plan = safe.plan("SELECT v FROM m WHERE at = '2025-01-05'").toString();
        assertThat(plan).contains("\"m1\"").doesNotContain("\"m2\"");
        // PartitionPruning's own text around a logged predicate that tries to end it, to
        // comment out the rest, to run SQL through a function, or to drop a partition
        for (String predicate : new String[] {
            "at = '2025-01-05'); DROP TABLE m1; --",
            "at = '2025-01-05' /*) AND (v = 1*/",
            "v = length(query_to_xml('DROP TABLE m1', true, false, '')::text)",
            "at = $1) OR (v IN (SELECT 1 FROM m1 WHERE v = $2)"}) {
          try {
            safe.plan("SELECT 1 FROM m AS m WHERE (" + predicate + ")");
          } catch (SafeExplain.Refused refused) {
            // refused is as good as planned: neither ran anything
          }
          assertRestored(c, mode + ", " + predicate);
        }
        try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM m1")) {
          assertThat(rs.next()).isTrue();
        }
        if (!autocommit) {
          c.rollback();
        }
      }
    }
  }
}
