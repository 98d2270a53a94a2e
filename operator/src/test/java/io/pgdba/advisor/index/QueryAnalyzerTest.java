package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.catalog.Catalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryAnalyzerTest {

  private final Catalog catalog =
      TestCatalogs.catalog(null, TestCatalogs.orders(List.of()), TestCatalogs.tiny());
  private final QueryAnalyzer analyzer = new QueryAnalyzer(catalog);

  private AnalyzedQuery analyzed(String sql) {
    var result = analyzer.analyze(AdvisorScenario.query("q", sql, 1));
    assertThat(result).isInstanceOf(QueryAnalyzer.Analyzed.class);
    return ((QueryAnalyzer.Analyzed) result).query();
  }

  private String skipped(String sql) {
    var result = analyzer.analyze(AdvisorScenario.query("q", sql, 1));
    assertThat(result).isInstanceOf(QueryAnalyzer.Skipped.class);
    return ((QueryAnalyzer.Skipped) result).reason();
  }

  @Test
  void eachJoinKeyKnowsTheTableItIsComparedWith() {
    // A nested loop probes a join key's index once per row of that partner, not of the
    // smallest table of the query: the cost model needs which one it is.
    var q = analyzed("SELECT 1 FROM orders o JOIN countries c ON o.email = c.code"
        + " JOIN orders o2 ON o2.id = o.customer_id WHERE c.code = 'FR'");
    assertThat(q.accesses()).extracting(a -> a.alias()).containsExactly("o", "c", "o2");
    assertThat(q.accesses().get(0).predicates()).filteredOn(p -> p.op() == Op.JOIN)
        .extracting(Predicate::column, Predicate::partner).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("email", 1),
            org.assertj.core.groups.Tuple.tuple("customer_id", 2));
    assertThat(q.accesses().get(2).predicates()).filteredOn(p -> p.op() == Op.JOIN)
        .extracting(Predicate::column, Predicate::partner)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("id", 0));
    // NOT LIKE keeps nearly every row: no predicate for a candidate.
    assertThat(analyzed("SELECT 1 FROM orders WHERE email NOT LIKE 'ab%'").accesses().get(0)
        .predicates()).isEmpty();
  }

  @Test
  void collectsEachKindOfPredicateOnTheResolvedTable() {
    var q = analyzed("SELECT * FROM public.orders o WHERE o.status = 'pending'"
        + " AND created_at BETWEEN '2025-01-01' AND '2025-02-01' AND customer_id IN (1, 2)"
        + " AND o.email LIKE 'bob%' AND is_gift IS NULL AND lower(email) = 'x'"
        + " ORDER BY o.created_at DESC LIMIT 10");
    var access = q.accesses().get(0);
    assertThat(access.table().name()).isEqualTo("orders");
    assertThat(access.predicates()).extracting(Predicate::column, Predicate::op)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("status", Op.EQ),
            org.assertj.core.groups.Tuple.tuple("created_at", Op.RANGE),
            org.assertj.core.groups.Tuple.tuple("customer_id", Op.IN),
            org.assertj.core.groups.Tuple.tuple("email", Op.LIKE_PREFIX),
            org.assertj.core.groups.Tuple.tuple("is_gift", Op.IS_NULL),
            org.assertj.core.groups.Tuple.tuple("email", Op.EQ));
    assertThat(access.predicates().get(0).value()).isEqualTo("pending");
    assertThat(access.predicates().get(2).sql()).isEqualTo("customer_id IN (1, 2)");
    assertThat(access.predicates().get(5).function()).isEqualTo("lower");
    assertThat(access.orderBy()).containsExactly("created_at");
    assertThat(access.orderDescending()).isTrue();
    assertThat(access.limit()).isEqualTo(10);
  }

  @Test
  void leadingWildcardAndCastsAreNotIndexable() {
    var q = analyzed(
        "SELECT id FROM orders WHERE email LIKE '%x' AND created_at::date = '2025-01-01'");
    assertThat(q.accesses().get(0).predicates()).extracting(Predicate::op)
        .containsExactly(Op.LIKE_INFIX, Op.OPAQUE);
  }

  @Test
  void resolvesCtesSubSelectsAndCorrelation() {
    var q = analyzed("WITH p AS (SELECT id FROM orders WHERE status = 'pending')"
        + " SELECT * FROM p WHERE EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer_id = 7)");
    assertThat(q.accesses()).hasSize(2);
    assertThat(q.accesses()).flatExtracting(a -> a.predicates().stream()
        .map(Predicate::column).toList()).containsExactlyInAnyOrder("status", "customer_id");
  }

  @Test
  void updateAndDeleteWhereClausesAreAnalyzed() {
    var q = analyzed("UPDATE orders SET status = 'x' WHERE customer_id = 3");
    assertThat(q.writeTarget().name()).isEqualTo("orders");
    assertThat(q.accesses().get(0).predicates()).extracting(Predicate::column)
        .containsExactly("customer_id");
    assertThat(analyzed("DELETE FROM orders WHERE id = 1").writeTarget().name())
        .isEqualTo("orders");
  }

  @Test
  void joinKeysAreRecordedOnBothSides() {
    var q = analyzed("SELECT 1 FROM orders o JOIN countries c ON c.code = o.status");
    assertThat(q.accesses()).allSatisfy(a -> {
      assertThat(a.joined()).isTrue();
      assertThat(a.predicates()).extracting(Predicate::op).containsExactly(Op.JOIN);
    });
  }

  @Test
  void everyUnanalyzableQueryGetsAReason() {
    assertThat(skipped("INSERT INTO orders(id) VALUES (1)")).contains("INSERT");
    assertThat(skipped("SELECT * FROM pg_class")).contains("system catalog");
    assertThat(skipped("SELECT * FROM nope WHERE a = 1")).contains("unknown table nope");
    assertThat(skipped("SELECT id FROM orders ORDER BY id USING >"))
        .startsWith("SQL parser does not understand this statement: Encountered")
        .doesNotContain("jsqlparser");
    assertThat(skipped("VACUUM orders")).isNotBlank();
    assertThat(skipped("SELECT 1")).contains("reads no table");
  }

  @Test
  void unquotesLikePostgres() {
    assertThat(QueryAnalyzer.unquote("Orders")).isEqualTo("orders");
    assertThat(QueryAnalyzer.unquote("\"Order \"\"Items\"\"\"")).isEqualTo("Order \"Items\"");
  }

  @Test
  void literalValuesAreUnescaped() {
    var q = analyzed("SELECT id FROM orders WHERE status = 'it''s'");
    assertThat(q.accesses().get(0).predicates().get(0).value()).isEqualTo("it's");
    var e = analyzed("SELECT id FROM orders WHERE status = E'a\\nb'");
    assertThat(e.accesses().get(0).predicates().get(0).value()).isNull();
  }

  /** "p.q" (a table in public) and p.q (schema p): PostgreSQL never confuses them; nor may we. */
  private static final Catalog DOTTED = TestCatalogs.catalog(null,
      new io.pgdba.catalog.Table("public", "p.q", "r", 8192L * 100, 8192L * 100, 100, 10000,
          List.of(TestCatalogs.col("a\nb", 1, TestCatalogs.stats(-1, List.of(), List.of())),
              TestCatalogs.col("Id", 2, TestCatalogs.stats(-1, List.of(), List.of()))),
          List.of(), List.of(), io.pgdba.catalog.TableActivity.NONE),
      new io.pgdba.catalog.Table("p", "q", "r", 8192L * 100, 8192L * 100, 100, 10000,
          List.of(TestCatalogs.col("a\nb", 1, TestCatalogs.stats(-1, List.of(), List.of()))),
          List.of(), List.of(), io.pgdba.catalog.TableActivity.NONE));

  private QueryAnalyzer.Result analyzeIn(Catalog catalog, String sql) {
    return new QueryAnalyzer(catalog).analyze(AdvisorScenario.query("q", sql, 1));
  }

  @Test
  void aQuotedNameWithADotIsOneTableNotSchemaAndTable() {
    var result = analyzeIn(DOTTED, "SELECT * FROM \"p.q\" WHERE \"a\nb\" = 1");
    assertThat(result).isInstanceOf(QueryAnalyzer.Analyzed.class);
    var access = ((QueryAnalyzer.Analyzed) result).query().accesses().get(0);
    assertThat(access.table().schema()).isEqualTo("public");
    assertThat(access.table().name()).isEqualTo("p.q");
    assertThat(access.predicates()).extracting(Predicate::column).containsExactly("a\nb");
    // The predicate the cost model EXPLAINs names the real column, quoted.
    assertThat(access.predicates().get(0).sql()).isEqualTo("\"a\nb\" = 1");

    var schemaTable = ((QueryAnalyzer.Analyzed) analyzeIn(DOTTED,
        "SELECT * FROM p.q WHERE \"a\nb\" = 1")).query().accesses().get(0);
    assertThat(schemaTable.table().schema()).isEqualTo("p");
    assertThat(schemaTable.table().name()).isEqualTo("q");
  }

  @Test
  void namesFoldLikePostgresQuotedOnesDoNot() {
    // Unquoted Id folds to id, which "p.q" does not have: its column is "Id".
    var folded = analyzeIn(DOTTED, "SELECT * FROM \"p.q\" WHERE Id = 1");
    assertThat(((QueryAnalyzer.Analyzed) folded).query().accesses().get(0).predicates())
        .isEmpty();
    var quoted = analyzeIn(DOTTED, "SELECT * FROM \"p.q\" WHERE \"Id\" = 1");
    assertThat(((QueryAnalyzer.Analyzed) quoted).query().accesses().get(0).predicates())
        .extracting(Predicate::column).containsExactly("Id");
    // "P.Q" is no table at all: never a recommendation on another one.
    assertThat(analyzeIn(DOTTED, "SELECT * FROM \"P.Q\" WHERE \"a\nb\" = 1"))
        .isInstanceOf(QueryAnalyzer.Skipped.class);
    assertThat(analyzeIn(DOTTED, "SELECT * FROM \"p\".\"q.x\" WHERE 1 = 1"))
        .isInstanceOf(QueryAnalyzer.Skipped.class);
  }

  @Test
  void aComparisonInAnotherCollationIsNoPredicateOfTheColumn() {
    // Quoted "C" no longer stops the parser; the planner would not use a default-collation index.
    assertThat(analyzed("SELECT id FROM orders WHERE status = 'x' COLLATE \"C\"").accesses()
        .get(0).predicates()).isEmpty();
  }

  @Test
  void oddCharactersInQuotedNamesWork() {
    var odd = TestCatalogs.catalog(null, new io.pgdba.catalog.Table("public", "we\"ird;\r--t", "r",
        8192L * 100, 8192L * 100, 100, 10000,
        List.of(TestCatalogs.col("c$ol", 1, TestCatalogs.stats(-1, List.of(), List.of()))),
        List.of(), List.of(), io.pgdba.catalog.TableActivity.NONE));
    var result = analyzeIn(odd, "SELECT * FROM \"we\"\"ird;\r--t\" t WHERE t.\"c$ol\" = 'x'");
    assertThat(result).isInstanceOf(QueryAnalyzer.Analyzed.class);
    var access = ((QueryAnalyzer.Analyzed) result).query().accesses().get(0);
    assertThat(access.table().name()).isEqualTo("we\"ird;\r--t");
    assertThat(access.predicates()).extracting(Predicate::column).containsExactly("c$ol");
  }

  @Test
  void orderByPositionAndOutputAliasSortByThatColumn() {
    var byPosition = analyzed("SELECT created_at, id FROM orders WHERE customer_id = 3"
        + " ORDER BY 1 DESC LIMIT 5").accesses().get(0);
    assertThat(byPosition.orderBy()).containsExactly("created_at");
    assertThat(byPosition.limit()).isEqualTo(5);
    var byAlias = analyzed("SELECT id, created_at AS day FROM orders ORDER BY day LIMIT 5")
        .accesses().get(0);
    assertThat(byAlias.orderBy()).containsExactly("created_at");
  }

  @Test
  void aNormalizedLimitKeepsARowCountForThePlanner() {
    var q = analyzed("SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at LIMIT $2");
    assertThat(q.accesses().get(0).limit()).isEqualTo(100);
    assertThat(q.sql()).endsWith("ORDER BY created_at LIMIT 100");
  }

  @Test
  void materializedHintsAreParsedAndTheOriginalTextIsExplained() {
    String sql = "WITH recent AS NOT MATERIALIZED (SELECT * FROM orders WHERE customer_id = 5)"
        + " SELECT * FROM recent";
    var q = analyzed(sql);
    assertThat(q.sql()).isEqualTo(sql);
    assertThat(q.accesses().get(0).predicates()).extracting(Predicate::column)
        .containsExactly("customer_id");
    assertThat(QueryAnalyzer.parsable("with a as materialized (select 1) select 1"))
        .isEqualTo("with a AS              (select 1) select 1");
  }

  @Test
  void aParseProblemSaysWhere() {
    assertThat(skipped("SELECT id FROM orders\nWHERE status = 'x' ORDER BY id USING >"))
        .startsWith("SQL parser does not understand this statement")
        .contains("at line 2, column");
  }

  @Test
  void predicatesOutsideAnInlinedCteReachItsTableButNotAMaterializedOnes() {
    var inlined = analyzed("WITH recent AS (SELECT * FROM orders) SELECT * FROM recent r"
        + " WHERE r.customer_id = 5").accesses();
    assertThat(inlined).hasSize(1);
    assertThat(inlined.get(0).table().name()).isEqualTo("orders");
    assertThat(inlined.get(0).alias()).isEqualTo("r");
    assertThat(inlined.get(0).predicates()).extracting(Predicate::sql)
        .containsExactly("r.customer_id = 5");
    var fenced = analyzed("WITH recent AS MATERIALIZED (SELECT * FROM orders) SELECT * FROM"
        + " recent WHERE customer_id = 5").accesses();
    assertThat(fenced).hasSize(1);
    assertThat(fenced.get(0).predicates()).isEmpty();
  }

  @Test
  void aSimpleViewIsReadAsItsTableWithItsOutputNamesMapped() {
    var views = new QueryAnalyzer(catalog, java.util.Map.of("public.pending",
        " SELECT orders.customer_id AS cust, orders.created_at\n   FROM orders\n"
            + "  WHERE orders.status = 'pending'::text;"));
    var result = (QueryAnalyzer.Analyzed) views.analyze(AdvisorScenario.query("q",
        "SELECT * FROM pending p WHERE p.cust = 3 ORDER BY created_at LIMIT 5", 1));
    var access = result.query().accesses().get(0);
    assertThat(access.table().name()).isEqualTo("orders");
    assertThat(access.predicates()).extracting(Predicate::column, Predicate::sql)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("customer_id", "p.customer_id = 3"),
            org.assertj.core.groups.Tuple.tuple("status", "p.status = 'pending'::text"));
    assertThat(access.orderBy()).containsExactly("created_at");
    // Names the view does not expose are not the table's.
    var hidden = (QueryAnalyzer.Analyzed) views.analyze(AdvisorScenario.query("q",
        "SELECT * FROM pending WHERE email = 'x'", 1));
    assertThat(hidden.query().accesses().get(0).predicates()).extracting(Predicate::column)
        .containsExactly("status");
  }
}
