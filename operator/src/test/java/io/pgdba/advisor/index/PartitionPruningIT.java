package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.SystemPostgres15;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Orders partitioned by month: two large months and a small, hostile-named current one. A query
 * whose partition-key range keeps only the small partition needs no index however large the
 * parent ("too few rows" for that partition), while the same query on a large month gets the
 * parent's index script. The cost model (PostgreSQL 13, 17) and HypoPG (15) agree.
 */
class PartitionPruningIT {

  /** The small partition's name: quotes, a semicolon and a comment. */
  static final String HOSTILE = "ord'; drop table customers; --\"2025_03";

  static final String SCHEMA = """
      create table customers(id int primary key);
      create table orders(id bigint not null, customer_id int not null,
        created_at timestamptz not null, amount numeric not null) partition by range (created_at);
      create table orders_2025_01 partition of orders
        for values from ('2025-01-01') to ('2025-02-01');
      create table orders_2025_02 partition of orders
        for values from ('2025-02-01') to ('2025-03-01');
      create table "ord'; drop table customers; --""2025_03" partition of orders
        for values from ('2025-03-01') to ('2025-04-01');
      insert into orders select i, (i::bigint * 7919) % 20000,
        timestamptz '2025-01-01' + (i % (59 * 24 * 60)) * interval '1 minute', i % 1000
        from generate_series(1, 400000) i;
      insert into orders select i, (i::bigint * 7919) % 20000,
        timestamptz '2025-03-01' + (i % (10 * 24 * 60)) * interval '1 minute', i % 1000
        from generate_series(400001, 401500) i;
      analyze orders;
      """;

  static final String MARCH = "SELECT id, amount FROM orders WHERE created_at >= '2025-03-01'"
      + " AND created_at < '2025-03-08' AND customer_id = 42";
  static final String JANUARY = "SELECT id, amount FROM orders WHERE created_at >= '2025-01-01'"
      + " AND created_at < '2025-01-08' AND customer_id = 42";
  static final String GENERIC = "SELECT id, amount FROM orders WHERE created_at >= $1"
      + " AND created_at < $2 AND customer_id = $3";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void theIndexIsPricedOnThePartitionsTheQueryKeeps(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partition_pruning");
    try (Connection admin = pg.connect("partition_pruning"); var st = admin.createStatement()) {
      st.execute(SCHEMA);
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "partition_pruning")) {
      assertPruned(ro, Recommendation.EstimateMethod.model);
    }
  }

  @Test
  void hypopgPricesTheParentOnTheKeptPartitionsToo() throws Exception {
    try (var pg = SystemPostgres15.start()) {
      try (Connection admin = pg.connect("postgres"); var st = admin.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
        st.execute(SCHEMA);
      }
      try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        assertPruned(ro, Recommendation.EstimateMethod.hypopg);
      }
    }
  }

  private static void assertPruned(Connection ro, Recommendation.EstimateMethod method)
      throws Exception {
    var catalog = new CatalogReader().read(ro);

    // The small partition alone: 1,500 rows in a dozen pages, out of a parent of 400,000.
    var march = IndexKindsIT.advise(catalog, ro,
        List.of(AdvisorScenario.query("march", MARCH, 1000)));
    System.out.println(method + " march: " + march);
    assertThat(march.recommendations()).isEmpty();
    assertThat(march.skipped()).singleElement().satisfies(s -> assertThat(s.reason())
        .startsWith("too few rows: it reads only partition " + HOSTILE
            + " (FOR VALUES FROM ('2025-03-01")
        .contains(" of orders, about 1")
        .contains("a sequential scan reads it at once"));

    // A large month: the parent's index, built on every partition, priced on January.
    var january = IndexKindsIT.advise(catalog, ro,
        List.of(AdvisorScenario.query("january", JANUARY, 1000)));
    System.out.println(method + " january: " + january);
    assertThat(january.recommendations()).singleElement().satisfies(r -> {
      assertThat(r.table()).isEqualTo("orders");
      assertThat(r.columns()).first().isEqualTo("customer_id");
      assertThat(r.estimateMethod()).isEqualTo(method);
      assertThat(r.estimatedImprovementPercent()).isGreaterThan(90);
      assertThat(r.ddl()).contains(" ON ONLY public.orders ")
          .contains(" ON public.\"ord'; drop table customers; --\"\"2025_03\" USING btree");
    });

    // Placeholders hide the key's values: no plan-time pruning, every partition is priced.
    var generic = IndexKindsIT.advise(catalog, ro,
        List.of(AdvisorScenario.query("generic", GENERIC, 1000)));
    System.out.println(method + " generic: " + generic);
    assertThat(generic.recommendations()).singleElement()
        .satisfies(r -> assertThat(r.columns()).first().isEqualTo("customer_id"));
  }
}
