package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.QueryStats;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The workload from pg_stat_statements on PostgreSQL 13 and 17. */
class StatStatementsWorkloadReaderIT {

  private static final String DB = "pss_shop";
  private static final Map<Integer, TestPostgres> SERVERS = new HashMap<>();

  private static synchronized TestPostgres server(int major) throws Exception {
    if (!SERVERS.containsKey(major)) {
      // The shared server preloads pg_stat_statements (the extension is created per database).
      var pg = TestPostgres.shared(major);
      SERVERS.put(major, pg);
      pg.createDatabase("pss_nostat");
      pg.createDatabase(DB);
      try (Connection c = pg.connect(DB)) {
        var st = c.createStatement();
        st.execute("create extension pg_stat_statements");
        st.execute(
            "create table orders (id int primary key, customer int, status text);"
                + " insert into orders select g, g % 100, case when g % 10 = 0 then 'pending'"
                + " else 'done' end from generate_series(1, 2000) g; analyze orders");
        st.execute("select pg_stat_statements_reset()");
        for (int i = 0; i < 30; i++) {
          st.executeQuery("select * from orders where customer = " + i).close();
        }
        for (int i = 0; i < 7; i++) {
          st.executeQuery("select count(*) from orders where status = 'pending'").close();
        }
      }
    }
    return SERVERS.get(major);
  }

  private static StatStatementsWorkload read(TestPostgres pg) throws Exception {
    try (Connection c = pg.connect(DB)) {
      return new StatStatementsWorkloadReader().read(c);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsCallsTimesAndQueryidFingerprints(int major) throws Exception {
    var pg = server(major);
    var result = read(pg);
    var byCustomer = find(result, "where customer = $1");
    assertThat(byCustomer.calls()).isEqualTo(30);
    assertThat(byCustomer.query()).isEqualTo("select * from orders where customer = $1");
    assertThat(byCustomer.meanTimeMs()).isCloseTo(byCustomer.totalTimeMs() / 30, within(1e-9));
    assertThat(byCustomer.minTimeMs()).isPositive().isLessThanOrEqualTo(byCustomer.meanTimeMs());
    assertThat(byCustomer.maxTimeMs()).isGreaterThanOrEqualTo(byCustomer.meanTimeMs());
    assertThat(byCustomer.p50TimeMs()).isEqualTo(byCustomer.meanTimeMs());
    assertThat(byCustomer.p95TimeMs()).isBetween(byCustomer.p50TimeMs(), byCustomer.p99TimeMs());
    assertThat(byCustomer.p99TimeMs()).isLessThanOrEqualTo(byCustomer.maxTimeMs());
    assertThat(byCustomer.users()).containsEntry("postgres", 30L);
    assertThat(find(result, "status = $1").calls()).isEqualTo(7);

    try (Connection c = pg.connect(DB);
        var rs =
            c.createStatement()
                .executeQuery(
                    "select queryid from pg_stat_statements where query like '%customer = $1'"
                        + " and dbid = (select oid from pg_database"
                        + " where datname = current_database())")) {
      rs.next();
      assertThat(byCustomer.fingerprint())
          .hasSize(16)
          .isEqualTo(StatStatementsWorkloadReader.fingerprint(rs.getLong(1)));
    }
    var totals = result.workload().totals();
    assertThat(totals.statements())
        .isEqualTo(result.workload().queries().stream().mapToLong(QueryStats::calls).sum());
    assertThat(totals.distinctQueries()).isEqualTo(result.workload().queries().size());
    assertThat(totals.foldedQueries()).isZero();
    assertThat(result.extensionVersion()).isNotBlank();
    assertThat(result.percentilesEstimated()).isTrue();
    if (major >= 14) {
      assertThat(totals.firstTimestamp()).isNotNull().isBefore(totals.lastTimestamp());
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void placeholderQueriesArePlannedAsGenericPlansOnEveryMajor(int major) throws Exception {
    var pg = server(major);
    var result = read(pg);
    var query = find(result, "where customer = $1").query();
    assertThat(result.genericPlanAvailable()).isEqualTo(major >= 16);
    // It really plans, through a read-only analysis session, with no value bound to $1.
    var target =
        new ConnectionSettings("localhost", pg.port(), DB, "postgres", null, "disable", null, 5);
    try (Connection c = ReadOnlySession.open(target, SessionOptions.defaults())) {
      var plan = new SafeExplain(c).plan(query);
      assertThat(plan.toString()).contains("orders").contains("$1");
      assertThat(new SafeExplain(c).plan("select 1").path("Node Type").asText())
          .isEqualTo("Result");
      // Nothing of ours is left in the session.
      try (var rs = c.createStatement().executeQuery(
          "select count(*) from pg_prepared_statements where from_sql")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void missingExtensionIsAClearMessage(int major) throws Exception {
    var pg = server(major);
    try (Connection c = pg.connect("pss_nostat")) {
      assertThatThrownBy(() -> new StatStatementsWorkloadReader().read(c))
          .isInstanceOf(StatStatementsUnavailableException.class)
          .hasMessageStartingWith(
              "pg_stat_statements is not installed in database \"pss_nostat\": ");
      // Installed but not preloaded would fail at the first read: create it, then read.
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {17})
  void installedButNotPreloaded(int major) throws Exception {
    try (var pg = TestPostgres.start(major, Map.of());
        Connection c = pg.connect("postgres")) {
      c.createStatement().execute("create extension pg_stat_statements");
      assertThatThrownBy(() -> new StatStatementsWorkloadReader().read(c))
          .isInstanceOf(StatStatementsUnavailableException.class)
          .hasMessage(
              "pg_stat_statements is installed but not loaded: add it to"
                  + " shared_preload_libraries and restart the server");
    }
  }

  private static QueryStats find(StatStatementsWorkload result, String fragment) {
    return result.workload().queries().stream()
        .filter(q -> q.query().contains(fragment) && q.query().contains("orders"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no query with " + fragment));
  }
}
