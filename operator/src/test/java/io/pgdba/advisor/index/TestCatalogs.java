package io.pgdba.advisor.index;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.ColumnStats;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.ServerInfo;
import io.pgdba.catalog.Table;
import io.pgdba.catalog.TableActivity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-made catalogs for unit tests of the pure logic (the ITs read real ones). */
final class TestCatalogs {

  private TestCatalogs() {}

  static ColumnStats stats(double nDistinct, List<String> mcv, List<Double> freqs) {
    return new ColumnStats(0, nDistinct, 8, mcv, freqs, 0.0);
  }

  static Column col(String name, int pos, ColumnStats stats) {
    return new Column(name, pos, "text", true, null, stats);
  }

  static Index index(String name, String table, List<String> keys, String predicate,
      long scans, String constraint, boolean unique) {
    return new Index("public", name, table, "btree", keys,
        keys.stream().map(k -> k.contains("(")).toList(), keys.stream().map(k -> (String) null)
        .toList(), List.of(), predicate, unique, false, true, 8192 * 10, scans,
        "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + name + " ON public." + table
            + " USING btree (" + String.join(", ", keys) + ")"
            + (predicate == null ? "" : " WHERE " + predicate),
        constraint);
  }

  /** orders(id pk, customer_id fk, status skewed, created_at, is_gift even) with 200k rows. */
  static Table orders(List<Index> extraIndexes) {
    var columns = List.of(
        col("id", 1, stats(-1, List.of(), List.of())),
        col("customer_id", 2, stats(50000, List.of(), List.of())),
        col("status", 3, stats(3, List.of("shipped", "delivered", "pending"),
            List.of(0.6, 0.395, 0.005))),
        col("created_at", 4, stats(-1, List.of(), List.of())),
        col("is_gift", 5, stats(2, List.of("true", "false"), List.of(0.5, 0.5))),
        col("email", 6, stats(-1, List.of(), List.of())));
    var indexes = new java.util.ArrayList<Index>();
    indexes.add(index("orders_pkey", "orders", List.of("id"), null, 10, "orders_pkey", true));
    indexes.addAll(extraIndexes);
    var constraints = List.of(
        new Constraint("orders_pkey", Constraint.Kind.PRIMARY_KEY, List.of("id"), "orders_pkey",
            null, null, null),
        new Constraint("orders_customer_id_fkey", Constraint.Kind.FOREIGN_KEY,
            List.of("customer_id"), null, "public", "customers", List.of("id")));
    return new Table("public", "orders", "r", 8192L * 2000, 8192L * 3000, 2000, 200000, columns,
        constraints, indexes, TableActivity.NONE);
  }

  static Table tiny() {
    return new Table("public", "countries", "r", 8192, 8192, 1, 20,
        List.of(col("code", 1, stats(-1, List.of(), List.of()))), List.of(), List.of(),
        TableActivity.NONE);
  }

  static Catalog catalog(Instant statsReset, Table... tables) {
    return new Catalog(new ServerInfo(170005, "17.5", "shop", "app", List.of("$user", "public")),
        Map.of("lc_collate", "en_US.UTF-8"), Map.of(), List.of(tables), statsReset);
  }
}
