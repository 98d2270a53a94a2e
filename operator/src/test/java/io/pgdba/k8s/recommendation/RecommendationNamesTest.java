package io.pgdba.k8s.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecommendationNamesTest {

  static Recommendation rec(String table, List<String> columns, String where) {
    return new Recommendation(Recommendation.Kind.CreateIndex, "public", table, "idx", columns,
        List.of(), "btree", where, "ddl", "rollback", 1, 50.0,
        Recommendation.EstimateMethod.model, List.of(), "", "", "");
  }

  @Test
  void theSameDefinitionGetsTheSameNameAndADifferentOneAnother() {
    var a = RecommendationNames.name("orders-db", rec("orders", List.of("customer_id"), null));
    assertThat(a)
        .isEqualTo(RecommendationNames.name("orders-db", rec("orders", List.of("customer_id"),
            null)))
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")
        .startsWith("orders-db-orders-");
    assertThat(RecommendationNames.name("orders-db", rec("orders", List.of("customer_id"),
        "status = 'open'"))).isNotEqualTo(a);
    assertThat(RecommendationNames.name("orders-db", rec("orders",
        List.of("customer_id", "created_at"), null))).isNotEqualTo(a);
    assertThat(RecommendationNames.name("other", rec("orders", List.of("customer_id"), null)))
        .isNotEqualTo(a);
  }

  @Test
  void hostileAndLongNamesStayValid() {
    var name = RecommendationNames.name("A_Very_Long_Analysis_Name_That_Goes_On_And_On",
        rec("\"Weird Table\"; DROP", List.of("x"), null));
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(RecommendationNames.labelValue("\"Weird Table\"; DROP"))
        .matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    assertThat(RecommendationNames.labelValue("x".repeat(100))).hasSize(63);
  }
}
