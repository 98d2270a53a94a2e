package io.pgdba.advisor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.SafeExplain.PlanSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenericPlansTest {

  private static PlanSummary plan(String... nodes) {
    return new PlanSummary(1, 1, List.of(nodes), String.join(", ", nodes));
  }

  @Test
  void aGenericSeqScanOfATableTheCustomPlanReadsThroughAnIndexIsARegression() {
    assertThat(GenericPlans.losesAnIndex(plan("Seq Scan on tasks"),
        plan("Index Scan using tasks_pending_idx on tasks"))).isTrue();
    assertThat(GenericPlans.losesAnIndex(plan("Hash Join", "Seq Scan on tasks", "Hash",
        "Index Scan using users_pkey on users"),
        plan("Nested Loop", "Bitmap Heap Scan on tasks", "Bitmap Index Scan using t_idx",
            "Index Scan using users_pkey on users"))).isTrue();
  }

  @Test
  void aBitmapScanOrTheSameScanIsNoRegressionWhateverItsEstimate() {
    // a bitmap scan of the same index does the rare value's small work at run time
    assertThat(GenericPlans.losesAnIndex(
        plan("Bitmap Heap Scan on tasks", "Bitmap Index Scan using tasks_status_idx"),
        plan("Index Scan using tasks_status_idx on tasks"))).isFalse();
    assertThat(GenericPlans.losesAnIndex(plan("Seq Scan on tasks"), plan("Seq Scan on tasks")))
        .isFalse();
    // a whole scan of another table than the one the custom plan reaches by index
    assertThat(GenericPlans.losesAnIndex(plan("Seq Scan on tasks_archive"),
        plan("Index Scan using tasks_pkey on tasks"))).isFalse();
  }
}
