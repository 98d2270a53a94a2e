package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads a hand-made schema on the oldest and the newest supported PostgreSQL. */
class CatalogReaderIT {

  private static final Map<Integer, TestPostgres> SERVERS = new HashMap<>();
  private static final Map<Integer, Catalog> CATALOGS = new HashMap<>();
  private static final Map<Integer, Instant> RESET_BEFORE = new HashMap<>();

  private static final String SCHEMA =
      """
      create schema shop;
      create table shop.customers (
        id bigint primary key, email text not null unique, name text collate "C",
        created_at timestamptz);
      create table shop."Order Items" (
        id bigserial primary key,
        customer_id bigint not null references shop.customers (id),
        "a""b" int, status text not null, qty int check (qty > 0), sku varchar(20));
      create index items_pending on shop."Order Items" (customer_id) where status = 'pending';
      create index customers_lower_email on shop.customers (lower(email));
      create index items_cover on shop."Order Items" (customer_id) include (qty, "a""b");
      create index items_sku_pattern on shop."Order Items" (sku varchar_pattern_ops, qty);
      create table shop.rooms (id int, during tstzrange, exclude using gist (during with &&));
      create table shop.events (id int, at date) partition by range (at);
      create table shop.events_2024 partition of shop.events
        for values from ('2024-01-01') to ('2025-01-01');
      insert into shop.customers
        select g, 'user' || g || '@example.com', 'n' || g, now() from generate_series(1, 200) g;
      insert into shop."Order Items" (customer_id, "a""b", status, qty, sku)
        select 1 + g % 200, g, case when g % 50 = 0 then 'pending'
          when g % 100 = 1 then 'needs, "review"' else 'done' end, 1 + g % 7, 'S' || g
        from generate_series(1, 5000) g;
      create materialized view shop.customer_counts as
        select customer_id, count(*) from shop."Order Items" group by 1;
      analyze;
      """;

  private static synchronized Catalog catalog(int major) throws Exception {
    if (CATALOGS.containsKey(major)) {
      return CATALOGS.get(major);
    }
    var pg = TestPostgres.start(major, Map.of());
    SERVERS.put(major, pg);
    try (Connection c = pg.connect("postgres")) {
      RESET_BEFORE.put(major, Instant.now().minusSeconds(1));
      c.createStatement().execute("select pg_stat_reset()");
      c.createStatement().execute(SCHEMA);
      // Fails on the duplicate statuses and leaves an INVALID index behind, as in production.
      assertThatThrownBy(
              () ->
                  c.createStatement()
                      .execute(
                          "create unique index concurrently items_status_uniq"
                              + " on shop.\"Order Items\" (status)"))
          .isInstanceOf(SQLException.class);
      c.createStatement().execute("select count(*) from shop.customers where name = 'n7'");
    }
    // Cumulative statistics reach other sessions asynchronously (PG 15+ flush at idle).
    var holder = new Catalog[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              try (Connection c = pg.connect("postgres")) {
                holder[0] = new CatalogReader().read(c);
              }
              var items = holder[0].table("shop", "Order Items").orElseThrow();
              assertThat(items.activity().inserts()).isEqualTo(5000);
              var customers = holder[0].table("shop", "customers").orElseThrow();
              assertThat(customers.activity().seqScans()).isPositive();
            });
    CATALOGS.put(major, holder[0]);
    return holder[0];
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestPostgres::close);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsServerSettingsAndExtensions(int major) throws Exception {
    var cat = catalog(major);
    assertThat(cat.server().majorVersion()).isEqualTo(major);
    assertThat(cat.server().version()).startsWith(major + ".");
    assertThat(cat.server().database()).isEqualTo("postgres");
    assertThat(cat.server().user()).isEqualTo("postgres");
    assertThat(cat.server().searchPath()).containsExactly("public");
    assertThat(cat.settings())
        .containsKeys("work_mem", "random_page_cost", "max_connections", "track_counts");
    assertThat(cat.settings().get("lc_collate")).isNotBlank();
    assertThat(cat.settingBytes("shared_buffers").orElseThrow()).isPositive();
    assertThat(cat.settingNumber("random_page_cost")).hasValue(4.0);
    assertThat(cat.extensions()).containsKey("plpgsql");
    assertThat(cat.statsReset()).isNotNull().isAfter(RESET_BEFORE.get(major));
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsTablesOfEveryKindButSystemOnes(int major) throws Exception {
    var cat = catalog(major);
    assertThat(cat.tables())
        .extracting(t -> t.schema() + "." + t.name() + ":" + t.kind())
        .contains(
            "shop.customers:table",
            "shop.Order Items:table",
            "shop.events:partitioned table",
            "shop.events_2024:table",
            "shop.customer_counts:materialized view")
        .noneMatch(s -> s.startsWith("pg_") || s.startsWith("information_schema"));
    var items = cat.table("shop", "Order Items").orElseThrow();
    assertThat(items.rowEstimate()).isCloseTo(5000, within(1.0));
    assertThat(items.pages()).isPositive();
    assertThat(items.sizeBytes()).isEqualTo(items.pages() * 8192);
    assertThat(items.totalSizeBytes()).isGreaterThan(items.sizeBytes());
    assertThat(items.columns())
        .extracting(Column::name)
        .containsExactly("id", "customer_id", "a\"b", "status", "qty", "sku");
    assertThat(items.column("sku").orElseThrow().type()).isEqualTo("character varying(20)");
    assertThat(items.column("customer_id").orElseThrow().notNull()).isTrue();
    var customers = cat.table("shop", "customers").orElseThrow();
    assertThat(customers.column("name").orElseThrow().collation()).isEqualTo("C");
    assertThat(customers.column("email").orElseThrow().collation()).isNull();
    assertThat(customers.column("id").orElseThrow().collation()).isNull();
    assertThat(items.activity().liveTuples()).isEqualTo(5000);
    assertThat(items.activity().lastAnalyze()).isNotNull();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsConstraints(int major) throws Exception {
    var cat = catalog(major);
    var items = cat.table("shop", "Order Items").orElseThrow();
    var byKind = new HashMap<Constraint.Kind, Constraint>();
    items.constraints().forEach(c -> byKind.put(c.kind(), c));
    assertThat(byKind.get(Constraint.Kind.PRIMARY_KEY).columns()).containsExactly("id");
    assertThat(byKind.get(Constraint.Kind.PRIMARY_KEY).indexName()).isEqualTo("Order Items_pkey");
    var fk = byKind.get(Constraint.Kind.FOREIGN_KEY);
    assertThat(fk.columns()).containsExactly("customer_id");
    assertThat(fk.referencedSchema()).isEqualTo("shop");
    assertThat(fk.referencedTable()).isEqualTo("customers");
    assertThat(fk.referencedColumns()).containsExactly("id");
    assertThat(fk.indexName()).isNull();
    assertThat(byKind.get(Constraint.Kind.CHECK).columns()).containsExactly("qty");
    var customers = cat.table("shop", "customers").orElseThrow();
    assertThat(customers.constraints())
        .filteredOn(c -> c.kind() == Constraint.Kind.UNIQUE)
        .singleElement()
        .satisfies(c -> assertThat(c.columns()).containsExactly("email"));
    var rooms = cat.table("shop", "rooms").orElseThrow();
    assertThat(rooms.constraints())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.kind()).isEqualTo(Constraint.Kind.EXCLUSION);
              assertThat(c.columns()).containsExactly("during");
              assertThat(rooms.index(c.indexName())).get().extracting(Index::method).isEqualTo("gist");
            });
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsIndexesWithTheirShape(int major) throws Exception {
    var cat = catalog(major);
    var items = cat.table("shop", "Order Items").orElseThrow();
    var pkey = items.index("Order Items_pkey").orElseThrow();
    assertThat(pkey.primary()).isTrue();
    assertThat(pkey.unique()).isTrue();
    assertThat(pkey.constraintName()).isEqualTo("Order Items_pkey");
    assertThat(pkey.table()).isEqualTo("Order Items");
    assertThat(pkey.schema()).isEqualTo("shop");

    var pending = items.index("items_pending").orElseThrow();
    assertThat(pending.keys()).containsExactly("customer_id");
    assertThat(pending.predicate()).isEqualTo("status = 'pending'::text");
    assertThat(pending.method()).isEqualTo("btree");
    assertThat(pending.constraintName()).isNull();
    assertThat(pending.sizeBytes()).isPositive();
    assertThat(pending.definition())
        .isEqualTo(
            "CREATE INDEX items_pending ON shop.\"Order Items\" USING btree (customer_id)"
                + " WHERE (status = 'pending'::text)");

    var cover = items.index("items_cover").orElseThrow();
    assertThat(cover.keys()).containsExactly("customer_id");
    assertThat(cover.includeColumns()).containsExactly("qty", "a\"b");
    assertThat(cover.expressionKeys()).containsExactly(false);

    var pattern = items.index("items_sku_pattern").orElseThrow();
    assertThat(pattern.keys()).containsExactly("sku", "qty");
    assertThat(pattern.opclasses()).containsExactly("varchar_pattern_ops", null);

    var invalid = items.index("items_status_uniq").orElseThrow();
    assertThat(invalid.valid()).isFalse();
    assertThat(pending.valid()).isTrue();

    var customers = cat.table("shop", "customers").orElseThrow();
    var lower = customers.index("customers_lower_email").orElseThrow();
    assertThat(lower.keys()).containsExactly("lower(email)");
    assertThat(lower.expressionKeys()).containsExactly(true);
    assertThat(customers.index("customers_email_key").orElseThrow().constraintName())
        .isEqualTo("customers_email_key");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void readsColumnStatisticsOfASkewedColumn(int major) throws Exception {
    var cat = catalog(major);
    var items = cat.table("shop", "Order Items").orElseThrow();
    var status = items.column("status").orElseThrow().stats();
    assertThat(status).isNotNull();
    assertThat(status.nullFrac()).isZero();
    assertThat(status.nDistinct()).isEqualTo(3.0);
    assertThat(status.mostCommonValues()).containsExactly("done", "pending", "needs, \"review\"");
    assertThat(status.mostCommonFreqs().get(0)).isCloseTo(0.97, within(0.001));
    assertThat(status.mostCommonFreqs().get(1)).isCloseTo(0.02, within(0.001));
    assertThat(status.mostCommonFreqs().get(2)).isCloseTo(0.01, within(0.001));
    var id = items.column("id").orElseThrow().stats();
    assertThat(id.nDistinct()).isEqualTo(-1.0);
    assertThat(id.correlation()).isCloseTo(1.0, within(0.01));
    assertThat(id.mostCommonValues()).isEmpty();
    assertThat(id.avgWidth()).isEqualTo(8);
    var nameStats = cat.table("shop", "customers").orElseThrow().column("name").orElseThrow();
    assertThat(nameStats.stats().nDistinct()).isEqualTo(-1.0);
    // The partitioned parent has only inherited statistics; they are read too.
    var events = cat.table("shop", "events").orElseThrow();
    assertThat(events.columns()).extracting(Column::name).containsExactly("id", "at");
    assertThat(List.of(events.kind())).containsExactly(Table.PARTITIONED_TABLE);
  }
}
