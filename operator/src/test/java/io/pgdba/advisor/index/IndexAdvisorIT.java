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
    assertThat(advice.skipped()).extracting(IndexAdvice.SkippedQuery::fingerprint)
        .containsExactlyInAnyOrderElementsOf(AdvisorScenario.SKIPPED);
    assertThat(advice.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());

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
  void optionsLimitTheAdvice() {
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
