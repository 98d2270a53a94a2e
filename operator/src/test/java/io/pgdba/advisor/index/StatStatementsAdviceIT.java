package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.catalog.SessionOptions;
import io.pgdba.catalog.StatStatementsWorkloadReader;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Advice from pg_stat_statements, whose texts have $n instead of values: on PostgreSQL 13-15
 * through PREPARE + force_generic_plan + EXPLAIN EXECUTE, on 16+ through EXPLAIN GENERIC_PLAN,
 * and on both with the LIMIT of ORDER BY ... LIMIT $n kept.
 */
class StatStatementsAdviceIT {

  private static final String DB = "pss_advice";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void genericPlansGiveTheIndexesOfTheNormalizedQueries(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase(DB);
    try (Connection c = pg.connect(DB); var st = c.createStatement()) {
      st.execute("create extension pg_stat_statements");
      st.execute("create table items(id bigint primary key, shop_id int not null,"
          + " sku text not null, price numeric not null, created_at timestamptz not null);"
          + " insert into items select i, i % 100, 'S' || i, (i * 7919) % 100000 / 100.0,"
          + " timestamptz '2025-01-01' + i * interval '1 minute'"
          + " from generate_series(1, 100000) i; analyze items");
      st.execute("select pg_stat_statements_reset()");
      for (int i = 0; i < 20; i++) {
        st.executeQuery("select id from items where sku = 'S" + i + "'").close();
        st.executeQuery("select * from items where shop_id = " + i
            + " order by created_at desc limit 20").close();
        st.executeQuery("select id, price from items order by price desc limit 10").close();
      }
    }
    var options = SessionOptions.defaults();
    try (Connection ro = ReadOnlySession.open(new ConnectionSettings("localhost", pg.port(), DB,
        "postgres", null, "disable", null, 10), options)) {
      var workload = new StatStatementsWorkloadReader(100).read(ro).workload();
      var catalog = new CatalogReader().read(ro);
      var advice = IndexAdvisor.advise(workload, catalog, ro, AdvisorOptions.defaults());
      var creates = advice.recommendations().stream()
          .filter(r -> r.kind() == Recommendation.Kind.CreateIndex)
          .map(AdvisorScenario::signature).toList();
      advice.skipped().forEach(s -> System.out.println("PG" + major + " no index: " + s));
      System.out.println("PG" + major + " creates: " + creates);
      assertThat(creates).containsExactlyInAnyOrder("items(sku)",
          "items(shop_id, created_at)", "items(price)");
      // Nothing was left prepared (neither pgdba's PREPARE nor the driver's named statements,
      // though DEALLOCATE and SET run many times), and the session stayed read-only.
      try (var st = ro.createStatement();
          var rs = st.executeQuery("select count(*) from pg_prepared_statements")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
