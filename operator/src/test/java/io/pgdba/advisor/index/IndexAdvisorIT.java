package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.catalog.Catalog;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The advisor on PostgreSQL 17 without HypoPG: the cost-model path, end to end. */
class IndexAdvisorIT {

  private static final String DB = "advisor_it";
  private static TestPostgres pg;
  private static Connection admin;
  private static Connection readOnly;
  private static Catalog catalog;

  @BeforeAll
  static void setUp() throws SQLException {
    pg = TestPostgres.shared(TestPostgres.DEFAULT_MAJOR);
    pg.createDatabase(DB);
    admin = pg.connect(DB);
    AdvisorScenario.createSchema(admin);
    readOnly = AdvisorScenario.readOnlySession(pg.port(), DB);
    catalog = AdvisorScenario.readCatalog(readOnly);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    readOnly.close();
    admin.close();
  }

  @Test
  void recommendsExactlyTheIndexesTheWorkloadNeedsAndTheyPayOff() throws SQLException {
    var advice = IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly,
        AdvisorOptions.defaults());

    var creates = advice.recommendations().stream()
        .filter(r -> r.kind() == Kind.CreateIndex).toList();
    creates.forEach(r -> System.out.println("recommendation: " + r.ddl() + "  -- "
        + r.estimatedImprovementPercent() + " %, " + r.affectedQueries()));
    assertThat(creates).extracting(AdvisorScenario::signature)
        .containsExactlyInAnyOrderElementsOf(AdvisorScenario.expectedCreates());
    assertThat(creates).allSatisfy(r -> {
      assertThat(r.estimateMethod()).isEqualTo(EstimateMethod.model);
      assertThat(r.estimatedImprovementPercent()).isGreaterThanOrEqualTo(20);
      assertThat(r.ddl()).startsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS ");
      assertThat(r.rollbackDdl()).startsWith("DROP INDEX CONCURRENTLY IF EXISTS public.");
      assertThat(r.estimatedSizeBytes()).isPositive();
      assertThat(r.guidance()).contains("CONCURRENTLY");
      assertThat(r.affectedQueries()).allSatisfy(
          q -> assertThat(q.costAfter()).isLessThan(q.costBefore()));
    });
    // orders is written by the workload (INSERT and UPDATE, 100 calls each): the upkeep is said.
    assertThat(creates).filteredOn(r -> r.table().equals("orders")).isNotEmpty()
        .allSatisfy(r -> assertThat(r.writeOverhead()).contains("200 writing statements"));
    boolean patternOps = IndexAdvisor.needsPatternOps(catalog);
    var name = creates.stream().filter(r -> r.columns().equals(List.of("name"))).findFirst()
        .orElseThrow();
    assertThat(name.ddl().contains("text_pattern_ops")).isEqualTo(patternOps);
    // The queries whose right answer is no index are affected by no recommendation.
    assertThat(creates).flatExtracting(Recommendation::affectedQueries)
        .extracting(Recommendation.AffectedQuery::fingerprint)
        .doesNotContainAnyElementsOf(AdvisorScenario.NO_INDEX);
    // duplicate, redundant and unused indexes are the table advisor's findings now
    assertThat(advice.recommendations()).noneMatch(r -> r.kind() == Kind.DropIndex);
    // Every query that gets no index says why, in a DBA's words.
    var noIndex = new java.util.ArrayList<>(AdvisorScenario.SKIPPED);
    noIndex.addAll(AdvisorScenario.NO_INDEX);
    assertThat(advice.skipped()).extracting(IndexAdvice.SkippedQuery::fingerprint)
        .containsExactlyInAnyOrderElementsOf(noIndex);
    var reasons = new java.util.HashMap<String, String>();
    advice.skipped().forEach(s -> reasons.put(s.fingerprint(), s.reason()));
    assertThat(reasons.get("indexed")).startsWith("already indexed by orders_customer_id_");
    assertThat(reasons.get("update")).startsWith("already indexed by orders_pkey");
    // is_gift = true holds for half the rows (ANALYZE samples: about 50 %).
    assertThat(reasons.get("gift")).matches("not selective: its predicates match (4[5-9]|5[0-5])"
        + "\\.\\d % of the rows of orders, .*");
    assertThat(reasons.get("suffix")).startsWith("no indexable predicate: LIKE/ILIKE with a"
        + " leading wildcard on customers.email");
    assertThat(reasons.get("cast")).startsWith("no indexable predicate: a cast or function on"
        + " orders.created_at");
    assertThat(reasons.get("tiny")).startsWith("too few rows: countries has about 20 rows");
    assertThat(reasons.get("session")).contains("write overhead");
    assertThat(reasons.get("unparsable")).contains("line 1, column");

    int existing = indexCount();
    double before = AdvisorScenario.workloadCost(admin);
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.ddl());
      }
      st.execute("ANALYZE");
    }
    assertThat(indexCount()).isEqualTo(existing + creates.size());
    double after = AdvisorScenario.workloadCost(admin);
    System.out.printf("workload cost by EXPLAIN (calls x total cost): before %.0f, after %.0f,"
        + " reduction %.1f %%%n", before, after, 100 * (before - after) / before);
    assertThat(after).isLessThan(before * 0.5);
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.rollbackDdl());
      }
    }
    assertThat(indexCount()).isEqualTo(existing);
  }

  @Test
  void writeOverheadIsWhatKeepsTheEventsLookupUnindexed() {
    var all = AdvisorScenario.workload();
    var withoutInserts = new io.pgdba.workload.Workload(all.totals(), all.queries().stream()
        .filter(q -> !q.fingerprint().equals("event_insert")).toList());
    var advice = IndexAdvisor.advise(withoutInserts, catalog, readOnly, AdvisorOptions.defaults());
    assertThat(creates(advice)).extracting(AdvisorScenario::signature)
        .contains("events(session_id)");
  }

  @Test
  void aNeverAnalyzedTableIsSizedFromItsRealSizeAndTheAdviceSaysSo() throws SQLException {
    try (var st = admin.createStatement()) {
      st.execute("create table raw_events(id bigint, device_id int, note text)"
          + " with (autovacuum_enabled = false)");
      st.execute("insert into raw_events select i, i % 5000, md5(i::text)"
          + " from generate_series(1, 60000) i");
    }
    var fresh = AdvisorScenario.readCatalog(readOnly);
    var raw = fresh.table("public", "raw_events").orElseThrow();
    // What pg_class says: nothing, as if the table were empty.
    assertThat(raw.pages()).isZero();
    assertThat(raw.rowEstimate()).isNegative();
    var advice = IndexAdvisor.advise(new io.pgdba.workload.Workload(
        AdvisorScenario.workload().totals(), List.of(AdvisorScenario.query("raw",
            "SELECT note FROM raw_events WHERE device_id = 42", 100))), fresh, readOnly,
        AdvisorOptions.defaults());
    var rec = creates(advice);
    assertThat(rec).extracting(AdvisorScenario::signature).containsExactly(
        "raw_events(device_id)");
    assertThat(rec.get(0).reason()).contains("the statistics of raw_events are missing (never"
        + " analyzed)").contains("ANALYZE public.raw_events");
    try (var st = admin.createStatement()) {
      st.execute("drop table raw_events");
    }
  }

  @Test
  void optionsLimitTheAdvice() {
    // Without a cap, orders gets both indexes it needs; the user's cap keeps one.
    assertThat(creates(IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly,
        AdvisorOptions.defaults()))).filteredOn(r -> r.table().equals("orders")).hasSize(2);
    var oneTable = new AdvisorOptions(20, 1, 1, 0, true);
    var advice = IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly, oneTable);
    assertThat(creates(advice)).filteredOn(r -> r.table().equals("orders")).hasSize(1);
    var frequentOnly = new AdvisorOptions(20, 600, 3, 0, true);
    advice = IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly, frequentOnly);
    assertThat(creates(advice)).extracting(AdvisorScenario::signature)
        .containsExactly("customers(lower(email))");
    var budget = new AdvisorOptions(20, 1, 3, 100_000, true);
    advice = IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly, budget);
    assertThat(creates(advice)).isNotEmpty()
        .allSatisfy(r -> assertThat(r.estimatedSizeBytes()).isLessThanOrEqualTo(100_000));
  }

  private static List<Recommendation> creates(IndexAdvice advice) {
    return advice.recommendations().stream().filter(r -> r.kind() == Kind.CreateIndex).toList();
  }

  private static int indexCount() throws SQLException {
    try (var st = admin.createStatement();
        var rs = st.executeQuery("select count(*) from pg_indexes where schemaname = 'public'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
