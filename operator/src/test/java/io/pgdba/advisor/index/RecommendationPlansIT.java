package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.testsupport.SystemPostgres15;
import io.pgdba.testsupport.TestPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plans the HTML report shows beside each recommendation: today's plan of its first few
 * queries and, with HypoPG, the plan with the recommended index, which uses it.
 */
class RecommendationPlansIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void withHypopgThePlanAfterUsesTheRecommendedIndex() throws Exception {
    try (var pg = SystemPostgres15.start(); var admin = pg.connect("postgres")) {
      try (var st = admin.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
      }
      AdvisorScenario.createSchema(admin);
      try (var readOnly = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        var advice = IndexAdvisor.advise(AdvisorScenario.workload(),
            AdvisorScenario.readCatalog(readOnly), readOnly, AdvisorOptions.defaults());
        var creates = creates(advice);
        assertThat(creates).isNotEmpty();
        for (var r : creates) {
          var shown = r.affectedQueries().stream().filter(a -> a.planBefore() != null).toList();
          assertThat(shown).as(r.ddl()).hasSize(Math.min(
              IndexAdvisor.PLANS_PER_RECOMMENDATION, r.affectedQueries().size()));
          for (var a : shown) {
            assertThat(JSON.readTree(a.planBefore()).has("Node Type")).isTrue();
            // HypoPG names its index <oid>btree_<table>_<columns, or expr>: the plan after
            // uses it
            String key = r.columns().get(0).matches("\\w+") ? r.columns().get(0) : "expr";
            assertThat(a.planAfter()).as(r.ddl()).contains(">btree_" + r.table() + "_" + key)
                .isNotEqualTo(a.planBefore());
          }
        }
      }
    }
  }

  @Test
  void withTheCostModelOnlyThePlanBefore() throws Exception {
    try (var pg = TestPostgres.start(); var admin = pg.connect("postgres")) {
      AdvisorScenario.createSchema(admin);
      try (var readOnly = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        var advice = IndexAdvisor.advise(AdvisorScenario.workload(),
            AdvisorScenario.readCatalog(readOnly), readOnly, AdvisorOptions.defaults());
        var creates = creates(advice);
        assertThat(creates).isNotEmpty();
        assertThat(creates).flatExtracting(Recommendation::affectedQueries)
            .anySatisfy(a -> assertThat(a.planBefore()).contains("Seq Scan"))
            .allSatisfy(a -> assertThat(a.planAfter()).isNull());
      }
    }
  }

  private static List<Recommendation> creates(IndexAdvice advice) {
    return advice.recommendations().stream().filter(r -> r.kind() == Kind.CreateIndex).toList();
  }
}
