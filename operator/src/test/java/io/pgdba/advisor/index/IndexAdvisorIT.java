package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.catalog.Catalog;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The advisor on PostgreSQL 17 without HypoPG: the cost-model path, end to end. */
class IndexAdvisorIT {

  private static TestPostgres pg;
  private static Connection admin;
  private static Connection readOnly;
  private static Catalog catalog;

  @BeforeAll
  static void setUp() throws SQLException {
    pg = TestPostgres.start(Map.of());
    admin = pg.connect("postgres");
    AdvisorScenario.createSchema(admin);
    readOnly = pg.connect("postgres");
    catalog = AdvisorScenario.readOnlyCatalog(readOnly);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    readOnly.close();
    admin.close();
    pg.close();
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
    boolean patternOps = IndexAdvisor.needsPatternOps(catalog);
    var name = creates.stream().filter(r -> r.columns().equals(List.of("name"))).findFirst()
        .orElseThrow();
    assertThat(name.ddl().contains("text_pattern_ops")).isEqualTo(patternOps);
    // The queries whose right answer is no index are affected by no recommendation.
    assertThat(creates).flatExtracting(Recommendation::affectedQueries)
        .extracting(Recommendation.AffectedQuery::fingerprint)
        .doesNotContain("indexed", "gift", "suffix", "cast", "tiny", "update");
    assertThat(advice.recommendations()).noneMatch(r -> r.kind() == Kind.DropIndex);
    assertThat(advice.skipped()).extracting(IndexAdvice.SkippedQuery::fingerprint)
        .containsExactlyInAnyOrder("insert", "catalog", "unknown", "unparsable");
    assertThat(advice.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());

    double before = AdvisorScenario.workloadCost(admin);
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.ddl());
      }
      st.execute("ANALYZE");
    }
    assertThat(indexCount()).isEqualTo(4 + 1 + creates.size());
    double after = AdvisorScenario.workloadCost(admin);
    System.out.printf("workload cost by EXPLAIN (calls x total cost): before %.0f, after %.0f,"
        + " reduction %.1f %%%n", before, after, 100 * (before - after) / before);
    assertThat(after).isLessThan(before * 0.5);
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.rollbackDdl());
      }
    }
    assertThat(indexCount()).isEqualTo(4 + 1);
  }

  private static int indexCount() throws SQLException {
    try (var st = admin.createStatement();
        var rs = st.executeQuery("select count(*) from pg_indexes where schemaname = 'public'")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
