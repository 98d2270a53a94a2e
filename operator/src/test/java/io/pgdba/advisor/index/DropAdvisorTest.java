package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropAdvisorTest {

  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void duplicatesRedundantPrefixesAndUnusedIndexesButNeverConstraintIndexes() {
    var orders = TestCatalogs.orders(List.of(
        TestCatalogs.index("a_status", "orders", List.of("status"), null, 100, null, false),
        TestCatalogs.index("b_status_dup", "orders", List.of("status"), null, 3, null, false),
        TestCatalogs.index("c_cust", "orders", List.of("customer_id"), null, 50, null, false),
        TestCatalogs.index("d_cust_created", "orders", List.of("customer_id", "created_at"),
            null, 40, null, false),
        TestCatalogs.index("e_unused", "orders", List.of("email"), null, 0, null, false),
        TestCatalogs.index("f_unique_unused", "orders", List.of("created_at"), null, 0, null,
            true),
        TestCatalogs.index("g_pk_twin", "orders", List.of("id"), null, 0, null, false)));
    var catalog = TestCatalogs.catalog(NOW.minus(Duration.ofDays(30)), orders);

    var drops = new DropAdvisor(catalog, NOW).advise();

    assertThat(drops).extracting(Recommendation::indexName)
        .containsExactly("b_status_dup", "c_cust", "e_unused", "g_pk_twin");
    assertThat(drops).allSatisfy(r -> {
      assertThat(r.estimateMethod()).isEqualTo(EstimateMethod.catalog);
      assertThat(r.ddl()).startsWith("DROP INDEX CONCURRENTLY IF EXISTS public.");
      assertThat(r.rollbackDdl()).startsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS "
          + r.indexName() + " ON public.orders");
    });
    assertThat(drops.get(0).reason()).contains("duplicate of a_status");
    assertThat(drops.get(1).reason()).contains("prefix of d_cust_created");
    assertThat(drops.get(2).reason()).contains("30 days").contains("replicas");
    assertThat(drops.get(3).reason()).contains("duplicate of orders_pkey");
  }

  @Test
  void youngOrUnknownStatisticsCannotCallAnIndexUnused() {
    var orders = TestCatalogs.orders(List.of(
        TestCatalogs.index("e_unused", "orders", List.of("email"), null, 0, null, false)));
    assertThat(new DropAdvisor(TestCatalogs.catalog(NOW.minus(Duration.ofDays(2)), orders), NOW)
        .advise()).isEmpty();
    assertThat(new DropAdvisor(TestCatalogs.catalog(null, orders), NOW).advise()).isEmpty();
  }
}
