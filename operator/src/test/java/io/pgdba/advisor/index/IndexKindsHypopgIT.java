package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.SystemPostgres15;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The index kinds with HypoPG installed (system PostgreSQL 15; skipped without
 * postgresql-15-hypopg): HypoPG judges what it can simulate (btree, DESC keys, INCLUDE), the
 * cost model what it cannot (GIN, a group of indexes for the arms of an OR), and each
 * recommendation names the method that estimated it.
 */
class IndexKindsHypopgIT {

  @Test
  void hypopgJudgesBtreesAndTheModelWhatHypopgCannotSimulate() throws Exception {
    try (var pg = SystemPostgres15.start()) {
      try (Connection admin = pg.connect("postgres"); var st = admin.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
        IndexKindsIT.create(admin);
      }
      try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        var catalog = new CatalogReader().read(ro);
        assertThat(catalog.extensions()).containsKey("hypopg");
        expect(catalog, ro, "mixed_order", EstimateMethod.hypopg);
        expect(catalog, ro, "covering", EstimateMethod.hypopg);
        expect(catalog, ro, "jsonb_contains", EstimateMethod.model);
        expect(catalog, ro, "trigram", EstimateMethod.model);
        expect(catalog, ro, "or_two_arms", EstimateMethod.model);
      }
    }
  }

  private static void expect(io.pgdba.catalog.Catalog catalog, Connection ro, String name,
      EstimateMethod method) {
    String[] c = IndexKindsIT.CASES.get(name);
    var advice = IndexKindsIT.advise(catalog, ro, List.of(AdvisorScenario.query(name, c[0],
        100)));
    System.out.println("PG15+HypoPG kinds " + name + ": " + IndexKindsIT.targets(advice) + " "
        + advice.skipped());
    assertThat(IndexKindsIT.targets(advice)).as(name)
        .containsExactly(c[1].split("\\|"));
    assertThat(advice.recommendations()).as(name).allSatisfy(r -> {
      assertThat(r.estimateMethod()).isEqualTo(method);
      if (method == EstimateMethod.model) {
        assertThat(r.reason()).contains("HypoPG cannot simulate");
      }
    });
  }
}
