package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.catalog.Catalog;
import io.pgdba.testsupport.SystemPostgres15;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The advisor on the system PostgreSQL 15 with HypoPG (skipped when postgresql-15-hypopg is not
 * installed): same workload, same answers, estimated by HypoPG, and the twin trap avoided.
 */
class IndexAdvisorHypopgIT {

  private static SystemPostgres15 pg;
  private static Connection admin;
  private static Connection readOnly;
  private static Catalog catalog;

  @BeforeAll
  static void setUp() throws SQLException {
    pg = SystemPostgres15.start();
    admin = pg.connect("postgres");
    try (var st = admin.createStatement()) {
      st.execute("CREATE EXTENSION hypopg");
    }
    AdvisorScenario.createSchema(admin);
    readOnly = AdvisorScenario.readOnlySession(pg.port(), "postgres");
    catalog = AdvisorScenario.readCatalog(readOnly);
  }

  @AfterAll
  static void tearDown() throws SQLException {
    if (pg != null) {
      readOnly.close();
      admin.close();
      pg.close();
    }
  }

  @Test
  void hypopgGivesTheSameRecommendationsAndSaysSo() throws SQLException {
    assertThat(catalog.extensions()).containsKey("hypopg");
    // HypoPG works in a read-only session: it keeps hypothetical indexes in backend memory.
    try (var st = readOnly.createStatement();
        var rs = st.executeQuery("SHOW transaction_read_only")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("on");
    }
    var advice = IndexAdvisor.advise(AdvisorScenario.workload(), catalog, readOnly,
        AdvisorOptions.defaults());

    var creates = advice.recommendations().stream()
        .filter(r -> r.kind() == Kind.CreateIndex).toList();
    creates.forEach(r -> System.out.println("hypopg recommendation: " + r.ddl() + "  -- "
        + r.estimatedImprovementPercent() + " %, " + r.estimatedSizeBytes() + " bytes"));
    assertThat(creates).extracting(AdvisorScenario::signature)
        .containsExactlyInAnyOrderElementsOf(AdvisorScenario.expectedCreates());
    assertThat(creates).allSatisfy(r -> {
      assertThat(r.estimateMethod()).isEqualTo(EstimateMethod.hypopg);
      assertThat(r.estimatedSizeBytes()).isPositive();
    });
    assertThat(creates).flatExtracting(Recommendation::affectedQueries)
        .extracting(Recommendation.AffectedQuery::fingerprint)
        .doesNotContainAnyElementsOf(AdvisorScenario.NO_INDEX);
    // HypoPG's state is per session and reset after the advice: nothing is left behind.
    try (var st = readOnly.createStatement();
        var rs = st.executeQuery("select count(*) from hypopg()")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
  }

  @Test
  void aHypotheticalTwinOfARealIndexIsNeverRecommended() throws Exception {
    String sql = "SELECT * FROM orders WHERE customer_id = 4242";
    var explainer = new Explainer(readOnly);
    double real = explainer.cost(sql);
    // The trap: HypoPG's twin of orders_customer_id_idx looks at least as cheap as the real one.
    explainer.query("SELECT * FROM hypopg_create_index('CREATE INDEX ON orders (customer_id)')");
    double twin;
    boolean twinUsed;
    try {
      var plan = explainer.plan(sql);
      twin = plan.get("Total Cost").asDouble();
      twinUsed = plan.toString().contains("btree_orders_customer_id");
    } finally {
      explainer.query("SELECT hypopg_reset()");
    }
    System.out.printf("twin trap: real index cost %.2f, hypothetical twin %.2f (used: %s)%n",
        real, twin, twinUsed);
    assertThat(twin).isLessThanOrEqualTo(real);

    var analyzed = (QueryAnalyzer.Analyzed) new QueryAnalyzer(catalog)
        .analyze(AdvisorScenario.query("indexed", sql, 1000));
    // A wider hypothetical index only replaces the real one: compared against hypothetical twins
    // of the existing indexes, it gains nothing.
    var orders = catalog.table("public", "orders").orElseThrow();
    var wider = new Candidate(io.pgdba.ddl.IndexDefinition.btree("public", "orders", List.of(
        io.pgdba.ddl.IndexKey.column("customer_id"), io.pgdba.ddl.IndexKey.column("total"))),
        orders, "test", java.util.Set.of("indexed"));
    var hypopg = new HypopgEvaluator(explainer);
    try {
      assertThat(hypopg.cost(analyzed.query(), real, List.of(wider))).isEqualTo(real);
    } finally {
      hypopg.close();
    }
    assertThat(new CandidateGenerator(true).generate(List.of(analyzed.query()))).isEmpty();
    var advice = IndexAdvisor.advise(
        new io.pgdba.workload.Workload(AdvisorScenario.workload().totals(),
            List.of(AdvisorScenario.query("indexed", sql, 1000))),
        catalog, readOnly, AdvisorOptions.defaults());
    assertThat(advice.recommendations()).noneMatch(r -> r.kind() == Kind.CreateIndex);
  }
}
