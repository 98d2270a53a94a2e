package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table partitioned by month: the advice is the parent's index as a DBA builds it on a live
 * system (ON ONLY, one CONCURRENTLY build per partition, ATTACH PARTITION), the script run
 * statement by statement gives a valid parent index the query's plan uses, running it again
 * changes nothing, and the rollback removes the parent's and the partitions' indexes.
 */
class PartitionedIndexIT {

  /** A partition name a hostile schema owner could choose: quotes, a semicolon, a comment. */
  static final String HOSTILE = "ev'; drop table accounts; --\"2025_03";

  static final String SCHEMA = """
      create table accounts(id int primary key);
      create table events(id bigint not null, account_id int not null,
        at timestamptz not null, payload text not null) partition by range (at);
      create table events_2025_01 partition of events
        for values from ('2025-01-01') to ('2025-02-01');
      create table events_2025_02 partition of events
        for values from ('2025-02-01') to ('2025-03-01');
      create table "ev'; drop table accounts; --""2025_03" partition of events
        for values from ('2025-03-01') to ('2025-04-01');
      insert into events select i, (i::bigint * 7919) % 20000,
        timestamptz '2025-01-01' + (i % (89 * 24 * 60)) * interval '1 minute',
        md5(i::text) from generate_series(1, 300000) i;
      analyze events;
      """;

  static final String QUERY = "SELECT id, at FROM events WHERE account_id = 4711";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void theParentsIndexIsAScriptThatBuildsAValidIndexThePlanUses(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partitioned_index");
    try (Connection admin = pg.connect("partitioned_index"); var st = admin.createStatement()) {
      st.execute(SCHEMA);
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "partitioned_index");
        Connection admin = pg.connect("partitioned_index")) {
      var catalog = new CatalogReader().read(ro);
      var advice = IndexKindsIT.advise(catalog, ro,
          List.of(AdvisorScenario.query("by_account", QUERY, 100)));
      System.out.println("PG" + major + " partitioned: " + advice);
      assertThat(advice.recommendations()).singleElement().satisfies(r -> {
        assertThat(r.table()).isEqualTo("events");
        assertThat(r.columns()).containsExactly("account_id");
        assertThat(r.estimatedImprovementPercent()).isGreaterThan(50);
        assertThat(r.rollbackDdl())
            .isEqualTo("DROP INDEX IF EXISTS public." + r.indexName());
      });
      var r = advice.recommendations().get(0);
      String name = r.indexName();
      String hostileQuoted = "\"ev'; drop table accounts; --\"\"2025_03\"";
      assertThat(statements(r.ddl())).containsExactly(
          "CREATE INDEX IF NOT EXISTS " + name
              + " ON ONLY public.events USING btree (account_id)",
          // Partitions in byte order of their names: the quote sorts before the letters.
          "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_ev_drop_table_accounts_2025_03_account_id"
              + " ON public." + hostileQuoted + " USING btree (account_id)",
          "ALTER INDEX public." + name
              + " ATTACH PARTITION public.idx_ev_drop_table_accounts_2025_03_account_id",
          "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_events_2025_01_account_id"
              + " ON public.events_2025_01 USING btree (account_id)",
          "ALTER INDEX public." + name
              + " ATTACH PARTITION public.idx_events_2025_01_account_id",
          "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_events_2025_02_account_id"
              + " ON public.events_2025_02 USING btree (account_id)",
          "ALTER INDEX public." + name
              + " ATTACH PARTITION public.idx_events_2025_02_account_id");

      run(admin, r.ddl());
      assertThat(parentIndex(admin, name)).isEqualTo("I valid 3 attached");
      String plan = plan(admin, QUERY);
      assertThat(plan).contains("idx_events_2025_01_account_id")
          .contains("idx_ev_drop_table_accounts_2025_03_account_id").doesNotContain("Seq Scan");
      // Re-run (an operator restart, a DBA retrying): nothing is rebuilt, nothing fails.
      run(admin, r.ddl());
      assertThat(parentIndex(admin, name)).isEqualTo("I valid 3 attached");
      assertThat(count(admin, "select count(*) from pg_class where relname = 'accounts'"))
          .isEqualTo(1);

      run(admin, r.rollbackDdl());
      assertThat(count(admin, "select count(*) from pg_indexes where tablename like 'ev%'"))
          .isZero();
      assertThat(plan(admin, QUERY)).contains("Seq Scan");
    }
  }

  /**
   * HypoPG (1.1.4 and later, every release for PostgreSQL 13+) simulates an index on a
   * partitioned parent: the planner sees it on every partition, so HypoPG judges it.
   */
  @org.junit.jupiter.api.Test
  void withHypopgTheParentIsCostedByHypopg() throws Exception {
    try (var pg = io.pgdba.testsupport.SystemPostgres15.start()) {
      try (Connection admin = pg.connect("postgres"); var st = admin.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
        st.execute(SCHEMA);
      }
      try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        var catalog = new CatalogReader().read(ro);
        var advice = IndexKindsIT.advise(catalog, ro,
            List.of(AdvisorScenario.query("by_account", QUERY, 100)));
        assertThat(advice.recommendations()).singleElement().satisfies(r -> {
          assertThat(r.estimateMethod()).isEqualTo(Recommendation.EstimateMethod.hypopg);
          assertThat(r.reason()).doesNotContain("HypoPG cannot simulate");
          assertThat(r.affectedQueries()).singleElement()
              .satisfies(q -> assertThat(q.planAfter()).contains("btree_events_account_id"));
          assertThat(r.ddl()).startsWith("CREATE INDEX IF NOT EXISTS idx_events_account_id"
              + " ON ONLY public.events");
        });
      }
    }
  }

  /** Statements of a script: one a line, each ended by ';'. */
  static List<String> statements(String script) {
    var out = new ArrayList<String>();
    for (String line : script.split(";\n")) {
      out.add(line.endsWith(";") ? line.substring(0, line.length() - 1) : line);
    }
    return out;
  }

  private static void run(Connection admin, String script) throws SQLException {
    try (var st = admin.createStatement()) {
      for (String s : statements(script)) {
        st.execute(s);
      }
    }
  }

  private static String parentIndex(Connection admin, String name) throws SQLException {
    try (var st = admin.createStatement(); var rs = st.executeQuery(
        "select c.relkind::text || case when i.indisvalid then ' valid' else ' invalid' end"
            + " || ' ' || (select count(*) from pg_inherits h where h.inhparent = c.oid)"
            + " || ' attached' from pg_class c join pg_index i on i.indexrelid = c.oid"
            + " where c.relname = '" + name + "'")) {
      return rs.next() ? rs.getString(1) : "absent";
    }
  }

  private static String plan(Connection admin, String sql) throws SQLException {
    var text = new StringBuilder();
    try (var st = admin.createStatement(); var rs = st.executeQuery("EXPLAIN " + sql)) {
      while (rs.next()) {
        text.append(rs.getString(1)).append('\n');
      }
    }
    return text.toString();
  }

  private static long count(Connection admin, String sql) throws SQLException {
    try (var st = admin.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
