package io.pgdba.advisor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.ServerInfo;
import io.pgdba.catalog.Table;
import io.pgdba.catalog.TableActivity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Detection and rewriting on a hand-made catalog (the IT proves them on real servers). */
class AntiPatternsTest {

  private static Column col(String name, String type, boolean notNull) {
    return new Column(name, 1, type, notNull, null, null);
  }

  private static Index btree(String table, String name, String key, boolean unique) {
    return new Index("public", name, table, "btree", List.of(key), List.of(key.contains("(")),
        java.util.Arrays.asList((String) null), List.of(), null, unique, unique, true, 8192, 0,
        "CREATE INDEX " + name, null);
  }

  private static Table table(String name, List<Column> columns, List<Index> indexes) {
    var pk = new Constraint(name + "_pkey", Constraint.Kind.PRIMARY_KEY, List.of("id"),
        name + "_pkey", null, null, null);
    return new Table("public", name, "table", 8192, 8192, 100, 20000, columns, List.of(pk),
        indexes, TableActivity.NONE);
  }

  static final Catalog CATALOG = new Catalog(
      new ServerInfo(170005, "17.5", "shop", "app", List.of("$user", "public")), Map.of(),
      Map.of(), List.of(
          table("customers", List.of(col("id", "integer", true), col("email", "text", true),
              col("region", "text", false)), List.of(btree("customers", "customers_pkey", "id",
                  true), btree("customers", "customers_email_idx", "email", false))),
          table("orders", List.of(col("id", "integer", true),
              col("customer_id", "integer", true), col("status", "text", true)),
              List.of(btree("orders", "orders_pkey", "id", true),
                  btree("orders", "orders_customer_idx", "customer_id", false)))), null);

  private static List<Rewrite> find(String sql) {
    return new AntiPatterns(CATALOG).find(sql);
  }

  private static Rewrite only(String sql, String kind) {
    var found = find(sql);
    assertThat(found).as(sql).extracting(Rewrite::kind).contains(kind);
    return found.stream().filter(r -> r.kind().equals(kind)).findFirst().get();
  }

  @Test
  void countComparedWithZeroBecomesExists() {
    var r = only("SELECT c.id FROM customers c WHERE c.region = 'east'"
        + " AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) > 0",
        "query.count-for-existence");
    assertThat(r.rewritten()).isEqualTo("SELECT c.id FROM customers c WHERE c.region = 'east'"
        + " AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)");
    assertThat(only("SELECT count(*) = 0 FROM orders WHERE customer_id = 7",
        "query.count-for-existence").rewritten())
        .isEqualTo("SELECT NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = 7)");
  }

  @Test
  void countPerRowBecomesAGroupedLeftJoin() {
    var r = only("SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n"
        + " FROM customers c WHERE c.region = 'north'", "query.correlated-subquery");
    assertThat(r.rewritten()).isEqualTo("SELECT c.id, coalesce(o.n, 0) AS n FROM"
        + " customers c LEFT JOIN (SELECT customer_id, count(*) AS n FROM public.orders GROUP BY"
        + " customer_id) AS o ON o.customer_id = c.id WHERE c.region = 'north'");
  }

  @Test
  void distinctOverAJoinBecomesExists() {
    var r = only("SELECT DISTINCT c.id, c.email FROM customers c"
        + " JOIN orders o ON o.customer_id = c.id WHERE o.status = 'cancelled'",
        "query.distinct-over-join");
    assertThat(r.rewritten()).isEqualTo("SELECT c.id, c.email FROM customers c WHERE EXISTS"
        + " (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'cancelled')");
  }
}
