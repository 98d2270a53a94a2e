package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.ServerInfo;
import io.pgdba.catalog.Table;
import io.pgdba.catalog.TableActivity;
import io.pgdba.ddl.IndexDdl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the analyzer reads for each index kind and the candidates the generator derives. */
class IndexKindsTest {

  private static Column typed(String name, int pos, String type) {
    return new Column(name, pos, type, true, null,
        TestCatalogs.stats(-1, List.of(), List.of()));
  }

  private static final Table DOCS = new Table("public", "docs", "r", 8192L * 2000,
      8192L * 3000, 2000, 100000, List.of(typed("id", 1, "bigint"), typed("data", 2, "jsonb"),
          typed("tags", 3, "text[]"), typed("body", 4, "text"), typed("title", 5, "text")),
      List.of(), List.of(), TableActivity.NONE);

  private static Catalog catalog(boolean trigram) {
    return new Catalog(new ServerInfo(170005, "17.5", "shop", "app", List.of("public")),
        Map.of("lc_collate", "C"), trigram ? Map.of("pg_trgm", "1.6") : Map.of(),
        List.of(DOCS, TestCatalogs.orders(List.of())), null);
  }

  private static AnalyzedQuery analyzed(String sql) {
    var r = new QueryAnalyzer(catalog(true)).analyze(AdvisorScenario.query("q", sql, 1));
    assertThat(r).as(sql).isInstanceOf(QueryAnalyzer.Analyzed.class);
    return ((QueryAnalyzer.Analyzed) r).query();
  }

  private static List<String> candidates(boolean trigram, String... sqls) {
    var queries = java.util.Arrays.stream(sqls).map(IndexKindsTest::analyzed).toList();
    return new CandidateGenerator(false, trigram).generate(queries).stream()
        .flatMap(c -> c.definitions().stream())
        .map(d -> IndexDdl.create(d, "i").replace(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.", ""))
        .toList();
  }

  @Test
  void mixedDirectionsKeepTheirDirectionsAndOneDirectionNeedsNone() {
    assertThat(candidates(false,
        "SELECT id FROM orders ORDER BY customer_id DESC, created_at LIMIT 10"))
        .contains("orders USING btree (customer_id DESC, created_at)");
    assertThat(candidates(false,
        "SELECT id FROM orders ORDER BY customer_id DESC, created_at DESC LIMIT 10"))
        .contains("orders USING btree (customer_id, created_at)")
        .noneMatch(c -> c.contains("DESC"));
  }

  @Test
  void anOrGetsOneIndexPerArmOnlyWhenEveryArmIsIndexable() {
    var or = analyzed("SELECT id FROM orders WHERE customer_id = 4 OR email = 'a@b'");
    var p = or.accesses().get(0).predicates().get(0);
    assertThat(p.op()).isEqualTo(Op.OR);
    assertThat(p.arms()).extracting(AnalyzedQuery.Predicate::column)
        .containsExactly("customer_id", "email");
    assertThat(candidates(false, "SELECT id FROM orders WHERE customer_id = 4 OR email = 'a@b'"))
        .containsExactly("orders USING btree (customer_id)", "orders USING btree (email)");
    assertThat(candidates(false,
        "SELECT id FROM orders WHERE customer_id = 4 OR email LIKE '%b'")).isEmpty();
    // an arm already indexed (the primary key) needs nothing new
    assertThat(candidates(false, "SELECT id FROM orders WHERE id = 4 OR email = 'a@b'"))
        .containsExactly("orders USING btree (email)");
  }

  @Test
  void notTheCommonValueIsAPartialIndexNotARareOne() {
    assertThat(candidates(false, "SELECT id FROM orders WHERE status <> 'shipped'"))
        .containsExactly("orders USING btree (status) WHERE status <> 'shipped'");
    assertThat(candidates(false, "SELECT id FROM orders WHERE status <> 'pending'")).isEmpty();
  }

  @Test
  void ginForJsonbArraysAndFullText() {
    assertThat(candidates(false, "SELECT id FROM docs WHERE data @> '{\"a\": 1}'"))
        .containsExactly("docs USING gin (data jsonb_path_ops)");
    assertThat(candidates(false, "SELECT id FROM docs WHERE data @> '{\"a\": 1}'",
        "SELECT id FROM docs WHERE data ? 'vip'"))
        .containsExactly("docs USING gin (data)");
    assertThat(candidates(false, "SELECT id FROM docs WHERE tags && ARRAY['x']"))
        .containsExactly("docs USING gin (tags)");
    assertThat(candidates(false, "SELECT id FROM docs WHERE 'x' = ANY(tags)")).isEmpty();
    assertThat(analyzed("SELECT id FROM docs WHERE 'x' = ANY(tags)").accesses().get(0)
        .predicates()).extracting(AnalyzedQuery.Predicate::op).containsExactly(Op.ANY_ARRAY);
    assertThat(candidates(false, "SELECT id FROM docs WHERE to_tsvector('english'::regconfig,"
        + " body) @@ plainto_tsquery('english', 'cat')"))
        .containsExactly("docs USING gin ((to_tsvector('english', body)))");
    assertThat(candidates(false,
        "SELECT id FROM docs WHERE to_tsvector(body) @@ plainto_tsquery('cat')")).isEmpty();
  }

  @Test
  void expressionBtreeOnAJsonField() {
    assertThat(candidates(false, "SELECT id FROM docs d WHERE d.data->>'plan' = 'pro'"))
        .containsExactly("docs USING btree ((data ->> 'plan'))");
  }

  @Test
  void trigramsOnlyWithPgTrgmAndARunOfThreeCharacters() {
    assertThat(candidates(true, "SELECT id FROM docs WHERE title ILIKE '%wombat%'"))
        .containsExactly("docs USING gin (title gin_trgm_ops)");
    assertThat(candidates(false, "SELECT id FROM docs WHERE title ILIKE '%wombat%'")).isEmpty();
    assertThat(candidates(true, "SELECT id FROM docs WHERE title LIKE '%ab%'")).isEmpty();
    assertThat(CandidateGenerator.trigramRun("%a_bc%")).isFalse();
    assertThat(CandidateGenerator.trigramRun("%abc%")).isTrue();
  }

  @Test
  void aCoveringIndexIncludesWhatTheQueryReadsBeyondTheKeys() {
    assertThat(candidates(false,
        "SELECT customer_id, status FROM orders WHERE created_at > '2025-01-01'"))
        .contains("orders USING btree (created_at)",
            "orders USING btree (created_at) INCLUDE (customer_id, status)");
    assertThat(candidates(false, "SELECT * FROM orders WHERE created_at > '2025-01-01'"))
        .noneMatch(c -> c.contains("INCLUDE"));
    // an existing index on the key alone does not serve the covering candidate
    var orders = TestCatalogs.orders(List.of(TestCatalogs.index("orders_created_idx", "orders",
        List.of("created_at"), null, 0, null, false)));
    var def = new io.pgdba.ddl.IndexDefinition("public", "orders", "btree",
        List.of(io.pgdba.ddl.IndexKey.column("created_at")), List.of("status"), null);
    assertThat(ExistingIndexes.servedBy(orders, def)).isEmpty();
    assertThat(ExistingIndexes.servedBy(orders, io.pgdba.ddl.IndexDefinition.btree("public",
        "orders", List.of(io.pgdba.ddl.IndexKey.column("created_at"))))).isPresent();
  }

  @Test
  void theEqualityColumnMoreQueriesTestLeads() {
    // customer_id is the more selective; is_gift is tested by both queries.
    assertThat(candidates(false,
        "SELECT id FROM orders WHERE customer_id = 5 AND is_gift = true",
        "SELECT id FROM orders WHERE is_gift = true"))
        .contains("orders USING btree (is_gift, customer_id)")
        .doesNotContain("orders USING btree (customer_id, is_gift)");
  }

  @Test
  void hostileKeysAndConfigurationsAreLiteralsInTheDdl() {
    assertThat(candidates(false,
        "SELECT id FROM docs WHERE data->>'a''); DROP TABLE docs; --' = 'x'"))
        .containsExactly("docs USING btree ((data ->> 'a''); DROP TABLE docs; --'))");
    assertThat(candidates(false, "SELECT id FROM docs WHERE to_tsvector('x''), body); DROP"
        + " TABLE docs; --', body) @@ plainto_tsquery('cat')"))
        .containsExactly("docs USING gin ((to_tsvector('x''), body); DROP TABLE docs; --',"
            + " body)))");
    assertThat(candidates(false, "SELECT id FROM docs WHERE data->>E'a\\\\' = 'x'"))
        .as("an E'' key has escapes of its own: not trusted").isEmpty();
  }

  @Test
  void anOrArmOfAndedPredicatesGetsOneCompositeIndex() {
    String sql = "SELECT id FROM orders WHERE (status = 'shipped' AND customer_id = 4)"
        + " OR email = 'a@b'";
    var p = analyzed(sql).accesses().get(0).predicates().get(0);
    assertThat(p.op()).isEqualTo(Op.OR);
    assertThat(p.arms()).extracting(AnalyzedQuery.Predicate::op)
        .containsExactly(Op.AND, Op.EQ);
    assertThat(p.arms().get(0).arms()).extracting(AnalyzedQuery.Predicate::column)
        .containsExactly("status", "customer_id");
    // The arm's equalities most selective first, a range after them, as for a whole WHERE.
    assertThat(candidates(false, sql)).containsExactly(
        "orders USING btree (customer_id, status)", "orders USING btree (email)");
    assertThat(candidates(false, "SELECT id FROM orders WHERE (customer_id = 4 AND"
        + " created_at > '2025-01-01') OR (email = 'a@b' AND status = 'pending')"))
        .containsExactly("orders USING btree (customer_id, created_at)",
            "orders USING btree (email, status)");
    // An arm no btree serves at all, or one that joins another table: no group.
    assertThat(candidates(false, "SELECT id FROM orders WHERE (email LIKE '%b' AND"
        + " status <> 'x') OR customer_id = 4")).isEmpty();
  }

  @Test
  void likeOnLowerOfAColumnGetsATrigramIndexOnTheSameExpression() {
    assertThat(candidates(true, "SELECT id FROM docs WHERE lower(title) LIKE '%wombat%'"))
        .containsExactly("docs USING gin ((lower(title)) gin_trgm_ops)");
    assertThat(candidates(true, "SELECT id FROM docs WHERE upper(title) ILIKE '%WOMBAT%'"))
        .containsExactly("docs USING gin ((upper(title)) gin_trgm_ops)");
    assertThat(candidates(true, "SELECT id FROM docs WHERE title ILIKE '%wombat%'"))
        .containsExactly("docs USING gin (title gin_trgm_ops)");
    assertThat(candidates(false, "SELECT id FROM docs WHERE lower(title) LIKE '%wombat%'"))
        .as("without pg_trgm").isEmpty();
    assertThat(candidates(true, "SELECT id FROM docs WHERE lower(title) LIKE '%ab%'"))
        .as("no run of three characters").isEmpty();
  }
}
