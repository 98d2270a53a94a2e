package io.pgdba.ddl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IndexDdlTest {

  @Test
  void readableNameFromTableAndKeys() {
    var def = IndexDefinition.btree("public", "orders",
        List.of(IndexKey.column("customer_id"), IndexKey.column("created_at")));
    assertThat(IndexDdl.name(def)).isEqualTo("idx_orders_customer_id_created_at");
    assertThat(IndexDdl.name(def.withWhere("status = 'pending'")))
        .isEqualTo("idx_orders_customer_id_created_at_partial");
    var expr = IndexDefinition.btree("public", "customers",
        List.of(IndexKey.expression("lower(email)")));
    assertThat(IndexDdl.name(expr)).isEqualTo("idx_customers_lower_email");
  }

  @Test
  void hostileNamesBecomeReadableSlugs() {
    var def = IndexDefinition.btree("s", "Order Items",
        List.of(IndexKey.column("a\"b"), IndexKey.column("名前")));
    assertThat(IndexDdl.name(def)).isEqualTo("idx_order_items_a_b_名前");
  }

  @Test
  void longNamesAreCutTo63BytesWithAStableHash() {
    String longCol = "a_really_long_column_name_that_goes_on_and_on_forever";
    var one = IndexDefinition.btree("public", "orders",
        List.of(IndexKey.column(longCol), IndexKey.column("x")));
    var other = IndexDefinition.btree("public", "orders",
        List.of(IndexKey.column(longCol), IndexKey.column("y")));
    String name = IndexDdl.name(one);
    assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
    assertThat(name).startsWith("idx_orders_a_really_long").matches(".*_[0-9a-f]{8}");
    assertThat(IndexDdl.name(one)).isEqualTo(name);
    assertThat(IndexDdl.name(other)).isNotEqualTo(name);
  }

  @Test
  void multiByteNamesAreNotCutInsideACharacter() {
    var def = IndexDefinition.btree("public", "表".repeat(40), List.of(IndexKey.column("列")));
    String name = IndexDdl.name(def);
    assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
    assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(name);
  }

  @Test
  void takenNameGetsAHashSuffix() {
    var def = IndexDefinition.btree("public", "orders", List.of(IndexKey.column("status")));
    String taken = IndexDdl.name(def);
    String renamed = IndexDdl.name(def, Set.of(taken));
    assertThat(renamed).startsWith(taken + "_").isNotEqualTo(taken);
  }

  @Test
  void createAndRollbackQuoteEveryIdentifier() {
    var def = new IndexDefinition("My Schema", "Order Items", "btree",
        List.of(IndexKey.column("user"), IndexKey.column("Name", "text_pattern_ops"),
            IndexKey.expression("lower(\"a\"\"b\")")),
        List.of("order"), "\"user\" = 'x'");
    String ddl = IndexDdl.create(def, "idx_order_items_user");
    assertThat(ddl).isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_order_items_user"
        + " ON \"My Schema\".\"Order Items\" USING btree (\"user\", \"Name\" text_pattern_ops,"
        + " (lower(\"a\"\"b\"))) INCLUDE (\"order\") WHERE \"user\" = 'x'");
    assertThat(IndexDdl.drop("My Schema", "idx_order_items_user"))
        .isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS \"My Schema\".idx_order_items_user");
  }

  @Test
  void recreateMakesPgGetIndexdefConcurrent() {
    assertThat(IndexDdl.recreate(
        "CREATE UNIQUE INDEX i ON public.t USING btree (a) WHERE (b > 0)"))
        .isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t USING btree (a)"
            + " WHERE (b > 0)");
    assertThat(IndexDdl.recreate("CREATE INDEX \"X\" ON s.t USING gin (d)"))
        .isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"X\" ON s.t USING gin (d)");
    assertThatThrownBy(() -> IndexDdl.recreate("DROP TABLE t"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DROP TABLE t");
  }
}
