package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PgdbaMetricsTest {

  private PrometheusMeterRegistry registry;
  private PgdbaMetrics metrics;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    metrics = new PgdbaMetrics(registry, 3, clock);
  }

  private static AnalysisSummary summary(long lines, QueryFigures... top) {
    return new AnalysisSummary(lines, 2, 40, 7, 1, 1500, List.of(top));
  }

  @Test
  void finishedRunIsCountedAndItsFiguresAdded() {
    metrics.analysisFinished("shop", "orders", summary(100, q("aaaa", 10, 500, 50)));
    metrics.analysisFinished("shop", "orders", summary(30, q("aaaa", 3, 30, 10)));

    var text = registry.scrape();
    assertThat(text)
        .contains("pgdba_analysis_runs_total{analysis=\"orders\",namespace=\"shop\","
            + "result=\"success\"} 2.0")
        .contains("pgdba_log_lines_read_total{analysis=\"orders\",namespace=\"shop\"} 130.0")
        .contains("pgdba_log_lines_unparsed_total{analysis=\"orders\",namespace=\"shop\"} 4.0")
        .contains("pgdba_statements_total{analysis=\"orders\",namespace=\"shop\"} 80.0")
        .contains("pgdba_analysis_distinct_queries{analysis=\"orders\",namespace=\"shop\"} 7.0")
        .contains("pgdba_analysis_failing{analysis=\"orders\",namespace=\"shop\"} 0.0")
        .contains("pgdba_analysis_last_success_timestamp_seconds{analysis=\"orders\","
            + "namespace=\"shop\"} 1.767323045E9")
        // the last run's figures, in seconds
        .contains("pgdba_query_total_time_seconds{analysis=\"orders\",namespace=\"shop\","
            + "query_id=\"aaaa\"} 0.03")
        .contains("pgdba_query_mean_time_seconds{analysis=\"orders\",namespace=\"shop\","
            + "query_id=\"aaaa\"} 0.01")
        .contains(
            "pgdba_analysis_duration_seconds_count{analysis=\"orders\",namespace=\"shop\"} 2");
  }

  @Test
  void queriesThatLeaveTheTopDisappear() {
    metrics.analysisFinished(
        "shop", "orders", summary(1, q("aaaa", 1, 1, 1), q("bbbb", 1, 1, 1)));
    metrics.analysisFinished("shop", "other", summary(1, q("cccc", 1, 1, 1)));
    metrics.analysisFinished("shop", "orders", summary(1, q("bbbb", 5, 5, 1)));

    var text = registry.scrape();
    assertThat(text).doesNotContain("query_id=\"aaaa\"");
    assertThat(text)
        .contains("pgdba_query_calls{analysis=\"orders\",namespace=\"shop\",query_id=\"bbbb\"} 5.0")
        // another analysis' top queries are not touched by this one's run
        .contains("pgdba_query_calls{analysis=\"other\",namespace=\"shop\",query_id=\"cccc\"} 1.0");
  }

  @Test
  void atMostTopNQueriesAreExported() {
    var many =
        IntStream.range(0, 20).mapToObj(i -> q("q" + i, i, i, 1)).toArray(QueryFigures[]::new);
    metrics.analysisFinished("shop", "orders", summary(1, many));

    assertThat(registry.find("pgdba.query.calls").gauges()).hasSize(3);
  }

  @Test
  void failureIsCountedByReasonAndMarksTheAnalysisFailing() {
    metrics.analysisFinished("shop", "orders", summary(1));
    metrics.analysisFailed("shop", "orders", "TargetUnreachable", 20);
    metrics.targetReachable("shop", "orders", false);

    var text = registry.scrape();
    assertThat(text)
        .contains("pgdba_analysis_failures_total{analysis=\"orders\",namespace=\"shop\","
            + "reason=\"TargetUnreachable\"} 1.0")
        .contains("pgdba_analysis_runs_total{analysis=\"orders\",namespace=\"shop\","
            + "result=\"failed\"} 1.0")
        .contains("pgdba_analysis_failing{analysis=\"orders\",namespace=\"shop\"} 1.0")
        .contains("pgdba_target_reachable{analysis=\"orders\",namespace=\"shop\"} 0.0");
  }

  @Test
  void recommendationCountsAreReplacedPerAnalysis() {
    metrics.recommendationCounts(
        "shop",
        "orders",
        List.of(
            new RecommendationCount("Proposed", "CreateIndex", 3),
            new RecommendationCount("Applied", "CreateIndex", 1)));
    metrics.recommendationCounts(
        "shop", "orders", List.of(new RecommendationCount("Applied", "CreateIndex", 4)));

    var text = registry.scrape();
    assertThat(text).doesNotContain("phase=\"Proposed\"");
    assertThat(text)
        .contains("pgdba_recommendations{analysis=\"orders\",kind=\"CreateIndex\","
            + "namespace=\"shop\",phase=\"Applied\"} 4.0");
  }

  @Test
  void recommendationPhaseChangeDropsTheOldPhaseSeries() {
    metrics.recommendationState(state("Proposed", Double.NaN));
    assertThat(registry.scrape())
        .contains("pgdba_recommendation_phase{analysis=\"orders\",kind=\"CreateIndex\","
            + "namespace=\"shop\",phase=\"Proposed\",recommendation=\"orders-customer-id\","
            + "table=\"public.orders\"} 1.0")
        .contains("pgdba_recommendation_estimated_improvement_percent{analysis=\"orders\","
            + "namespace=\"shop\",recommendation=\"orders-customer-id\"} 87.5")
        .doesNotContain("pgdba_recommendation_observed_improvement_percent{");

    metrics.recommendationState(state("Applied", 91.0));
    var text = registry.scrape();
    assertThat(text).doesNotContain("phase=\"Proposed\"").contains("phase=\"Applied\"");
    assertThat(text)
        .contains("pgdba_recommendation_observed_improvement_percent{analysis=\"orders\","
            + "namespace=\"shop\",recommendation=\"orders-customer-id\"} 91.0");

    metrics.recommendationDeleted("shop", "orders-customer-id");
    assertThat(registry.scrape()).doesNotContain("orders-customer-id");
  }

  @Test
  void deletingAnAnalysisRemovesAllItsSeries() {
    metrics.analysisFinished("shop", "orders", summary(5, q("aaaa", 1, 1, 1)));
    metrics.analysisFailed("shop", "orders", "LogsUnreadable", 1);
    metrics.targetReachable("shop", "orders", true);
    metrics.recommendationCounts(
        "shop", "orders", List.of(new RecommendationCount("Proposed", "CreateIndex", 1)));
    metrics.analysisFinished("shop", "kept", summary(5));

    metrics.analysisDeleted("shop", "orders");

    var text = registry.scrape();
    assertThat(text).doesNotContain("analysis=\"orders\"").contains("analysis=\"kept\"");
    // a new run after re-creation registers again rather than writing to a dropped gauge
    metrics.analysisFinished("shop", "orders", summary(5, q("dddd", 1, 1, 1)));
    assertThat(registry.scrape()).contains("query_id=\"dddd\"");
  }

  @Test
  void indexBuildsAndRollbacksStartAtZeroAndCountByResult() {
    assertThat(registry.scrape())
        .contains("pgdba_index_builds_total{result=\"failed\"} 0.0")
        .contains("pgdba_index_rollbacks_total{result=\"success\"} 0.0");

    metrics.indexBuilt(PgdbaMetrics.SUCCESS, 2500);
    metrics.indexBuilt(PgdbaMetrics.FAILED, 100);
    metrics.indexRolledBack(PgdbaMetrics.SUCCESS, 50);

    var text = registry.scrape();
    assertThat(text)
        .contains("pgdba_index_builds_total{result=\"success\"} 1.0")
        .contains("pgdba_index_builds_total{result=\"failed\"} 1.0")
        .contains("pgdba_index_rollbacks_total{result=\"success\"} 1.0")
        .contains("pgdba_index_build_duration_seconds_bucket{result=\"success\",le=\"10.0\"} 1")
        .contains("pgdba_index_build_duration_seconds_bucket{result=\"success\",le=\"1.0\"} 0");
  }

  @Test
  void labelValuesAreBounded() {
    assertThat(PgdbaMetrics.label(null)).isEqualTo("unknown");
    assertThat(PgdbaMetrics.label("x".repeat(500))).hasSize(63);
    assertThatThrownBy(() -> new PgdbaMetrics(registry, -1, Clock.systemUTC()))
        .hasMessageContaining("topQueries");
  }

  private static QueryFigures q(String id, long calls, double totalMs, double meanMs) {
    return new QueryFigures(id, calls, totalMs, meanMs);
  }

  private static RecommendationState state(String phase, double observed) {
    return new RecommendationState(
        "shop",
        "orders",
        "orders-customer-id",
        "public.orders",
        "CreateIndex",
        phase,
        87.5,
        observed);
  }
}
