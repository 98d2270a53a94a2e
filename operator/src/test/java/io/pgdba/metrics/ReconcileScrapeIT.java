package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.ArrayList;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.chart.ChartFiles;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real JOSDK operator, with JOSDK's Micrometer metrics and pgdba's, reconciles against the
 * Fabric8 mock API server; then {@code /metrics} is scraped over HTTP and checked against promtool
 * and against every metric name the dashboard and the alert rules use.
 *
 * <p>The reconciler stands in for the real ones: it records every pgdba meter, on ConfigMaps, so
 * that all names the dashboard uses are present without a database. OperatorReconcileScrapeIT
 * and OperatorIT scrape the real operator, wired by {@code PgdbaOperator.metered}.
 */
@EnableKubernetesMockClient(crud = true)
class ReconcileScrapeIT {

  static KubernetesClient client;

  private static PgdbaMetrics metrics;
  private static MetricsServer server;
  private static Operator operator;
  static String scrape;

  /** Records what a PgAnalysis reconcile records; a ConfigMap labelled fail=true fails. */
  @ControllerConfiguration(name = "pganalysis-standin")
  static final class StandInReconciler implements Reconciler<ConfigMap> {
    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap resource, Context<ConfigMap> context) {
      var ns = resource.getMetadata().getNamespace();
      var name = resource.getMetadata().getName();
      if ("true".equals(resource.getMetadata().getLabels().get("fail"))) {
        metrics.targetReachable(ns, name, false);
        metrics.analysisFailed(ns, name, "TargetUnreachable", 12);
        throw new IllegalStateException("target unreachable");
      }
      metrics.targetReachable(ns, name, true);
      metrics.analysisFinished(
          ns,
          name,
          new AnalysisSummary(
              1000,
              3,
              900,
              2,
              1,
              420,
              List.of(
                  new QueryFigures("0123456789abcdef", 800, 16000, 20),
                  new QueryFigures("fedcba9876543210", 100, 100, 1))));
      metrics.recommendationCounts(
          ns,
          name,
          List.of(
              new RecommendationCount("Proposed", "CreateIndex", 1),
              new RecommendationCount("Applied", "CreateIndex", 1)));
      metrics.recommendationState(
          new RecommendationState(
              ns, name, name + "-a", "public.orders", "CreateIndex", "Proposed", 75, Double.NaN));
      metrics.recommendationState(
          new RecommendationState(
              ns, name, name + "-b", "public.items", "CreateIndex", "Applied", 40, 55));
      metrics.observedEffectRatio(ns, name, name + "-b", 0.45);
      metrics.recommendationState(
          new RecommendationState(
              ns, name, name + "-c", "public.items", "CreateIndex", "Failed", 30, Double.NaN));
      metrics.findingCounts(ns, name, io.pgdba.finding.Findings.counts(List.of(
          io.pgdba.finding.Finding.of(io.pgdba.finding.Category.TABLE, "table.bloat",
              io.pgdba.finding.Severity.WARNING, "public.orders", "bloat", null, "vacuum"))));
      metrics.indexBuilt(PgdbaMetrics.SUCCESS, 1200);
      metrics.indexBuilt(PgdbaMetrics.FAILED, 300);
      metrics.indexRolledBack(PgdbaMetrics.SUCCESS, 40);
      return UpdateControl.noUpdate();
    }
  }

  @BeforeAll
  static void reconcileAndScrape() throws Exception {
    var registry = PgdbaMetrics.newPrometheusRegistry();
    metrics = new PgdbaMetrics(registry);
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(false));
    operator.register(new StandInReconciler(), c -> c.settingNamespaces(Set.of("shop")));
    server =
        MetricsServer.start(
            0,
            registry,
            () -> true,
            () -> operator.getRuntimeInfo().isStarted()
                && operator.getRuntimeInfo().allEventSourcesAreHealthy());
    var http = HttpClient.newHttpClient();
    var readyz = URI.create("http://127.0.0.1:" + server.port() + "/readyz");
    assertThat(status(http, readyz)).isEqualTo(503);

    operator.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(http, readyz) == 200);
    client.configMaps().inNamespace("shop").resource(configMap("orders", false)).create();
    client.configMaps().inNamespace("shop").resource(configMap("broken", true)).create();

    var metricsUri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var body = get(http, metricsUri);
              assertThat(body)
                  .contains("pgdba_query_calls{analysis=\"orders\"")
                  .contains("pgdba_analysis_failing{analysis=\"broken\",namespace=\"shop\"} 1.0")
                  .contains("operator_sdk_reconciliations_failed_total")
                  .contains("operator_sdk_reconciliations_success_total");
              scrape = body;
            });
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target/reconcile-scrape.prom"), scrape);
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  private static ConfigMap configMap(String name, boolean fail) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("shop")
        .withLabels(Map.of("fail", Boolean.toString(fail)))
        .endMetadata()
        .build();
  }

  private static int status(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String get(HttpClient http, URI uri) throws Exception {
    var response =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static Set<String> scrapedNames() {
    return MonitoringNames.scraped(scrape);
  }

  @Test
  void expositionPassesPromtool() throws Exception {
    Promtool.run(scrape, "check", "metrics");
  }

  @Test
  void everyMetricTheDashboardReadsIsScraped() throws Exception {
    var expressions = MonitoringNames.dashboardExpressions();
    var used = MonitoringNames.dashboard();

    // every panel of the issue reads something: a broken extraction must not pass silently
    assertThat(expressions).hasSizeGreaterThan(20);
    assertThat(used)
        .contains(
            "pgdba_query_total_time_seconds",
            "pgdba_query_mean_time_seconds",
            "pgdba_analysis_slow_queries",
            "pgdba_recommendations",
            "pgdba_recommendation_observed_improvement_percent",
            "pgdba_index_observed_effect_ratio",
            "operator_sdk_controllers_execution_reconcile_failure_total");
    assertThat(scrapedNames()).containsAll(used);
  }

  @Test
  void everyMetricTheAlertRulesReadIsScrapedAndTheRulesPassPromtool() throws Exception {
    var rules = new ObjectMapper(new YAMLFactory()).readTree(ChartFiles.rules().toFile());
    var used = new TreeSet<String>();
    var alerts = new ArrayList<String>();
    rules.path("groups").forEach(g -> g.path("rules").forEach(r -> {
      alerts.add(r.path("alert").asText());
      used.addAll(PromQlNames.of(r.path("expr").asText()));
    }));

    assertThat(alerts)
        .containsExactlyInAnyOrder(
            "PgdbaAnalysisFailing",
            "PgdbaTargetUnreachable",
            "PgdbaRecommendationApplyFailed",
            "PgdbaHighImpactRecommendationWaiting",
            "PgdbaQueriesRegressed",
            "PgdbaAppliedIndexMadeQueriesSlower");
    assertThat(used).hasSizeGreaterThanOrEqualTo(5);
    assertThat(scrapedNames()).containsAll(used);
    Promtool.run(null, "check", "rules", ChartFiles.rules().toString());
  }

  @Test
  void scrapeHasPgdbaAndJosdkMeters() {
    assertThat(scrape)
        .contains("pgdba_analysis_runs_total{analysis=\"orders\",namespace=\"shop\","
            + "result=\"success\"}")
        .contains("pgdba_target_reachable{analysis=\"broken\",namespace=\"shop\"} 0.0")
        .contains("operator_sdk_");
  }
}
