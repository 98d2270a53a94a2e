package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.Catalog;
import io.pgdba.ddl.IndexDdl;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateGeneratorTest {

  private List<String> candidates(Catalog catalog, String sql) {
    var result = (QueryAnalyzer.Analyzed) new QueryAnalyzer(catalog)
        .analyze(AdvisorScenario.query("q", sql, 1));
    return new CandidateGenerator(true).generate(List.of(result.query())).stream()
        .map(c -> IndexDdl.create(c.definition(), "i").replace(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.", ""))
        .toList();
  }

  private final Catalog plain = TestCatalogs.catalog(null, TestCatalogs.orders(List.of()),
      TestCatalogs.tiny());

  @Test
  void equalityColumnsMostSelectiveFirstThenOneRangeColumn() {
    // customer_id leaves 4 of 200,000 rows, is_gift half of them: the range column still narrows.
    assertThat(candidates(plain, "SELECT * FROM orders WHERE created_at > '2025-01-01'"
        + " AND is_gift = true AND customer_id = 5"))
        .containsExactlyInAnyOrder(
            "orders USING btree (customer_id)",
            "orders USING btree (customer_id, is_gift, created_at)");
  }

  @Test
  void aUniqueEqualityColumnIsTheWholeKey() {
    // email is unique: once it finds the row, customer_id and created_at narrow nothing.
    assertThat(candidates(plain, "SELECT * FROM orders WHERE created_at > '2025-01-01'"
        + " AND email = 'a@b' AND customer_id = 5 ORDER BY created_at"))
        .containsExactly("orders USING btree (email)");
  }

  @Test
  void atMostThreeEqualityColumnsLeadAKey() {
    var cols = new java.util.ArrayList<io.pgdba.catalog.Column>();
    var eq = new java.util.ArrayList<String>();
    for (int i = 1; i <= 6; i++) {
      // Ten values each: six of them would be needed to pin one row of a million.
      cols.add(TestCatalogs.col("c" + i, i, TestCatalogs.stats(10, List.of(), List.of())));
      eq.add("c" + i + " = 1");
    }
    var wide = new io.pgdba.catalog.Table("public", "wide", "r", 8192L * 5000, 8192L * 5000,
        5000, 1_000_000, cols, List.of(), List.of(), io.pgdba.catalog.TableActivity.NONE);
    assertThat(candidates(TestCatalogs.catalog(null, wide),
        "SELECT * FROM wide WHERE " + String.join(" AND ", eq)))
        .containsExactlyInAnyOrder("wide USING btree (c1)", "wide USING btree (c1, c2, c3)");
  }

  @Test
  void sortColumnsFollowTheEqualityColumns() {
    assertThat(candidates(plain,
        "SELECT * FROM orders WHERE customer_id = 5 ORDER BY created_at LIMIT 10"))
        .containsExactlyInAnyOrder("orders USING btree (customer_id)",
            "orders USING btree (customer_id, created_at)");
  }

  @Test
  void rareValueOfASkewedColumnGivesAPartialIndex() {
    assertThat(candidates(plain,
        "SELECT * FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 5"))
        .containsExactly("orders USING btree (created_at) WHERE status = 'pending'");
  }

  @Test
  void selectivityIsNoCutHereTheCostsDecide() {
    // 50 % and 60 % of the rows: candidates still, rejected later from estimated costs (no
    // threshold for columns near it to flip across between two ANALYZE runs).
    assertThat(candidates(plain, "SELECT * FROM orders WHERE is_gift = true"))
        .containsExactly("orders USING btree (is_gift)");
    assertThat(candidates(plain, "SELECT * FROM orders WHERE status = 'shipped'"))
        .containsExactly("orders USING btree (status)");
  }

  @Test
  void leadingWildcardCastAndTinyTablesGetNothing() {
    assertThat(candidates(plain, "SELECT * FROM orders WHERE email LIKE '%x'")).isEmpty();
    assertThat(candidates(plain, "SELECT * FROM orders WHERE created_at::date = '2025-01-01'"))
        .isEmpty();
    assertThat(candidates(plain, "SELECT * FROM countries WHERE code = 'FR'")).isEmpty();
  }

  @Test
  void prefixLikeUsesPatternOpsAndFunctionsGetExpressionIndexes() {
    assertThat(candidates(plain, "SELECT * FROM orders WHERE email LIKE 'ab%'"))
        .containsExactly("orders USING btree (email text_pattern_ops)");
    assertThat(candidates(plain, "SELECT * FROM orders WHERE lower(email) = 'a'"))
        .containsExactly("orders USING btree ((lower(email)))");
  }

  @Test
  void joinOnAnUnindexedForeignKeyIsACandidate() {
    var catalog = TestCatalogs.catalog(null, TestCatalogs.orders(List.of()),
        TestCatalogs.tiny());
    assertThat(candidates(catalog,
        "SELECT 1 FROM orders o JOIN countries c ON c.code = 'x' AND o.customer_id = c.code::int"))
        .isEmpty();
    var withCustomers = candidates(catalog,
        "SELECT 1 FROM countries c JOIN orders o ON o.customer_id = c.code");
    assertThat(withCustomers).containsExactly("orders USING btree (customer_id)");
  }

  @Test
  void candidatesServedByAnExistingIndexAreDropped() {
    var catalog = TestCatalogs.catalog(null, TestCatalogs.orders(List.of(
        TestCatalogs.index("o_cust_created", "orders", List.of("customer_id", "created_at"),
            null, 5, null, false),
        TestCatalogs.index("o_lower_email", "orders", List.of("lower((email)::text)"), null, 5,
            null, false))), TestCatalogs.tiny());
    assertThat(candidates(catalog, "SELECT * FROM orders WHERE customer_id = 5")).isEmpty();
    assertThat(candidates(catalog,
        "SELECT * FROM orders WHERE customer_id = 5 AND created_at > now()")).isEmpty();
    assertThat(candidates(catalog, "SELECT * FROM orders WHERE lower(email) = 'x'")).isEmpty();
    // A partial index with another predicate does not serve it.
    var partialOnly = TestCatalogs.catalog(null, TestCatalogs.orders(List.of(
        TestCatalogs.index("o_cust_p", "orders", List.of("customer_id"), "(is_gift = true)", 5,
            null, false))));
    assertThat(candidates(partialOnly, "SELECT * FROM orders WHERE customer_id = 5"))
        .containsExactly("orders USING btree (customer_id)");
  }

  @Test
  void isNotNullOnAMostlyNullColumnGivesAPartialIndex() {
    var o = TestCatalogs.orders(List.of());
    var columns = new java.util.ArrayList<>(o.columns());
    columns.add(new io.pgdba.catalog.Column("shipped_at", 7, "timestamptz", false, null,
        new io.pgdba.catalog.ColumnStats(0.97, -0.03, 8, List.of(), List.of(), 0.0)));
    var sparse = new io.pgdba.catalog.Table(o.schema(), o.name(), o.kind(), o.sizeBytes(),
        o.totalSizeBytes(), o.pages(), o.rowEstimate(), columns, o.constraints(), o.indexes(),
        o.activity());
    var catalog = TestCatalogs.catalog(null, sparse);
    assertThat(candidates(catalog, "SELECT * FROM orders WHERE shipped_at IS NOT NULL"))
        .containsExactly("orders USING btree (shipped_at) WHERE shipped_at IS NOT NULL");
    assertThat(candidates(catalog, "SELECT * FROM orders WHERE shipped_at IS NOT NULL"
        + " AND customer_id = 4")).contains(
            "orders USING btree (customer_id) WHERE shipped_at IS NOT NULL");
    // A column that is mostly filled: IS NOT NULL keeps nearly every row, no partial index.
    assertThat(candidates(plain, "SELECT * FROM orders WHERE email IS NOT NULL")).isEmpty();
  }

  @Test
  void aPartitionedParentGetsItsCandidateBuiltOnlyAndPerPartition() {
    // the DDL is the ON ONLY script (PartitionedIndexIT), never a CONCURRENTLY on the parent
    var o = TestCatalogs.orders(List.of());
    var parent = new io.pgdba.catalog.Table(o.schema(), o.name(),
        io.pgdba.catalog.Table.PARTITIONED_TABLE, o.sizeBytes(), o.totalSizeBytes(), o.pages(),
        o.rowEstimate(), o.columns(), o.constraints(), o.indexes(), o.activity());
    assertThat(candidates(TestCatalogs.catalog(null, parent),
        "SELECT * FROM orders WHERE customer_id = 5"))
        .containsExactly("orders USING btree (customer_id)");
  }
}
