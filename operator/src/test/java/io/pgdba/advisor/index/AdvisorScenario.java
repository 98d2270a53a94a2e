package io.pgdba.advisor.index;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shop schema big enough for the planner to care, and a workload whose right answers are known:
 * the indexes it needs, and the queries where the right answer is no index.
 *
 * <p>The tables keep autovacuum off: the answers are for a heap the visibility map does not
 * cover (as in {@link IndexKindsIT}). A worker that vacuums orders between the load and the
 * catalog read makes an index-only scan of orders(is_gift) pay for the "gift" count.
 */
final class AdvisorScenario {

  static final String SCHEMA = """
      create table countries(code text primary key, name text not null)
        with (autovacuum_enabled = false);
      insert into countries select 'C' || i, 'Country ' || i from generate_series(1, 20) i;
      create table customers(id bigint primary key, email text not null, name text not null,
        country text not null references countries(code), created_at timestamptz not null)
        with (autovacuum_enabled = false);
      insert into customers select i, 'user' || i || '@example.com', 'Name ' || i,
        'C' || (i % 20 + 1), timestamptz '2024-01-01' + i * interval '10 minutes'
        from generate_series(1, 50000) i;
      create table orders(id bigint primary key,
        customer_id bigint not null references customers(id), status text not null,
        created_at timestamptz not null, total numeric(10, 2), is_gift boolean not null)
        with (autovacuum_enabled = false);
      insert into orders select i, (i * 7919) % 50000 + 1,
        case when i % 200 = 0 then 'pending' when i % 5 < 3 then 'shipped' else 'delivered' end,
        timestamptz '2025-01-01' + i * interval '2 minutes', (i % 1000) / 10.0, i % 2 = 0
        from generate_series(1, 200000) i;
      create index orders_customer_id_idx on orders(customer_id);
      create index orders_customer_id_twin on orders(customer_id);
      create table order_items(id bigint primary key,
        order_id bigint not null references orders(id), product_code text not null,
        qty int not null) with (autovacuum_enabled = false);
      insert into order_items select i, (i + 1) / 2, 'P' || (i % 500), i % 7 + 1
        from generate_series(1, 200000) i;
      create table events(id bigint primary key, session_id int not null, payload text)
        with (autovacuum_enabled = false);
      insert into events select i, i % 10000, md5(i::text) from generate_series(1, 100000) i;
      analyze;
      """;

  /** The queries the advisor cannot analyze, each for its own reason. */
  static final List<String> SKIPPED =
      List.of("insert", "event_insert", "catalog", "unknown", "unparsable");

  /** The queries whose right answer is no new index. */
  static final List<String> NO_INDEX =
      List.of("indexed", "gift", "suffix", "cast", "tiny", "update", "session");

  /** Fingerprint -> example SQL and calls. */
  static final Map<String, Object[]> QUERIES = new LinkedHashMap<>();

  static {
    q("pending", "SELECT * FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 50",
        500);
    q("email", "SELECT id, name FROM customers WHERE lower(email) = 'user123@example.com'", 800);
    q("items", "SELECT o.id, i.product_code FROM orders o JOIN order_items i ON i.order_id = o.id"
        + " WHERE o.customer_id = 42", 300);
    q("day", "SELECT id, total FROM public.orders WHERE created_at BETWEEN"
        + " '2025-03-01 00:00+00' AND '2025-03-02 00:00+00'", 200);
    q("name", "SELECT c.id FROM customers c WHERE c.name LIKE 'Name 4711%'", 100);
    // The right answer for the following is no new index.
    q("indexed", "SELECT * FROM orders WHERE customer_id = 4242", 1000);
    q("gift", "SELECT count(*) FROM orders WHERE is_gift = true", 50);
    q("suffix", "SELECT id FROM customers WHERE email LIKE '%@example.org'", 50);
    q("cast", "SELECT id FROM orders WHERE created_at::date = '2025-03-01'", 50);
    q("tiny", "SELECT name FROM countries WHERE code = 'C7'", 5000);
    q("update", "UPDATE orders SET status = 'shipped' WHERE id = 4000", 100);
    // A selective lookup on a table written a million times more often: the upkeep would cost
    // more than the lookups save.
    q("session", "SELECT payload FROM events WHERE session_id = 77", 10);
    q("event_insert", "INSERT INTO events VALUES (100001, 77, 'x')", 1_000_000);
    // Not analyzable, each with a stated reason.
    q("insert", "INSERT INTO orders VALUES (300001, 1, 'pending', now(), 1, false)", 100);
    q("catalog", "SELECT relname FROM pg_class WHERE relname = 'orders'", 10);
    q("unknown", "SELECT * FROM no_such_table WHERE id = 1", 10);
    q("unparsable", "SELECT id FROM orders WHERE status = 'pending' ORDER BY id USING >", 10);
  }

  private static void q(String fp, String sql, long calls) {
    QUERIES.put(fp, new Object[] {sql, calls});
  }

  /** The recommendations the workload deserves, as table(keys) [WHERE ...]. */
  static List<String> expectedCreates() {
    return List.of(
        "customers(lower(email))",
        "customers(name)",
        "order_items(order_id)",
        "orders(created_at)",
        "orders(created_at) WHERE status = 'pending'");
  }

  static void createSchema(Connection superuser) throws SQLException {
    try (var st = superuser.createStatement()) {
      st.execute(SCHEMA);
    }
  }

  static Workload workload() {
    var list = new ArrayList<QueryStats>();
    QUERIES.forEach((fp, v) -> list.add(query(fp, (String) v[0], (Long) v[1])));
    var totals = new WorkloadTotals(list.stream().mapToLong(QueryStats::calls).sum(), 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, list.size(), 0, null, null);
    return new Workload(totals, list);
  }

  static QueryStats query(String fp, String sql, long calls) {
    return new QueryStats(fp, sql, sql, List.of(), null, calls, calls, 1, 1, 1, 1, 1, 1, null,
        null, Map.of(), Map.of(), Map.of(), List.of());
  }

  /** A session as the advisor gets it in production: read-only by construction. */
  static Connection readOnlySession(int port, String database) {
    return io.pgdba.catalog.ReadOnlySession.open(new io.pgdba.catalog.ConnectionSettings(
        "localhost", port, database, "postgres", null, "disable", null, 10));
  }

  static Catalog readCatalog(Connection readOnly) throws SQLException {
    return new CatalogReader().read(readOnly);
  }

  static String signature(io.pgdba.advisor.index.Recommendation r) {
    return r.table() + "(" + String.join(", ", r.columns()) + ")"
        + (r.where() == null ? "" : " WHERE " + r.where());
  }

  /** Calls-weighted EXPLAIN cost of the analyzable queries of the workload. */
  static double workloadCost(Connection c) throws SQLException {
    double total = 0;
    for (var e : QUERIES.entrySet()) {
      String sql = (String) e.getValue()[0];
      if (SKIPPED.contains(e.getKey())) {
        continue;
      }
      try (var st = c.createStatement(); var rs = st.executeQuery("EXPLAIN (FORMAT JSON) " + sql)) {
        rs.next();
        var plan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1));
        total += (Long) e.getValue()[1] * plan.get(0).get("Plan").get("Total Cost").asDouble();
      } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return total;
  }
}
