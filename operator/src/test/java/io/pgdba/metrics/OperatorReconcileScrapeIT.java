package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pgdba.chart.ChartFiles;
import io.pgdba.k8s.operator.OperatorSettings;
import io.pgdba.k8s.operator.PgdbaOperator;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator as {@code pgdba operator} wires it ({@link PgdbaOperator#metered}) reconciles a
 * PgAnalysis whose Secret is missing against the Fabric8 mock API server with the generated CRDs;
 * {@code /metrics} is then scraped over HTTP. pgdba's failure meters must carry the analysis and
 * the condition reason, what the dashboard reads of JOSDK's meters must be there under the real
 * controller name, the exposition must pass promtool, and deleting the analysis must remove its
 * series. (OperatorIT scrapes after successful runs, builds and rollbacks on a real PostgreSQL.)
 */
@EnableKubernetesMockClient(crud = true)
class OperatorReconcileScrapeIT {

  static KubernetesClient client;

  private PgdbaOperator operator;
  private MetricsServer server;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void scrapeAfterARealPgAnalysisReconcile() throws Exception {
    for (var crd : Set.of("pganalyses.pgdba.io-v1.yml", "indexrecommendations.pgdba.io-v1.yml")) {
      var file = ChartFiles.repoRoot().resolve("crds").resolve(crd);
      try (var in = Files.newInputStream(file)) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      }
    }
    var registry = PgdbaMetrics.newPrometheusRegistry();
    operator =
        PgdbaOperator.metered(
            client,
            request -> {
              throw new AssertionError("the engine must not run without credentials");
            },
            new OperatorSettings(Set.of("shop"), 2, 1, 1, null, null, Duration.ofSeconds(5)),
            Clock.systemUTC(),
            registry);
    server = MetricsServer.start(0, registry, operator::alive, operator::ready);
    operator.start();

    var analysis =
        """
        apiVersion: pgdba.io/v1alpha1
        kind: PgAnalysis
        metadata: {name: orders, namespace: shop}
        spec:
          target: {host: db.invalid, database: shop, credentialsSecret: {name: missing}}
          logs: {podSelector: {app: postgres}}
        """;
    client
        .resource(new ByteArrayInputStream(analysis.getBytes(StandardCharsets.UTF_8)))
        .inNamespace("shop")
        .create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        String.valueOf(
                            client
                                .genericKubernetesResources("pgdba.io/v1alpha1", "PgAnalysis")
                                .inNamespace("shop")
                                .withName("orders")
                                .get()
                                .getAdditionalProperties()
                                .get("status")))
                    .contains("SecretNotFound"));

    var scrape = scrape();

    // pgdba's own meters: the run failed for the reason of the condition, never its message
    assertThat(scrape)
        .contains(
            "pgdba_analysis_failures_total{analysis=\"orders\",namespace=\"shop\","
                + "reason=\"SecretNotFound\"} 1.0")
        .contains(
            "pgdba_analysis_runs_total{analysis=\"orders\",namespace=\"shop\","
                + "result=\"failed\"} 1.0")
        .contains("pgdba_analysis_failing{analysis=\"orders\",namespace=\"shop\"} 1.0")
        .doesNotContain("shop/missing")
        // no connection was tried: whether the target answers is unknown, not "no"
        .doesNotContain("pgdba_target_reachable{")
        .contains("pgdba_index_builds_total{result=\"failed\"} 0.0");
    assertThat(scrape)
        .contains(
            "operator_sdk_controllers_execution_reconcile_success_total{controller=\"pganalysis\"")
        .contains(
            "operator_sdk_controllers_execution_reconcile_seconds_bucket{controller=\"pganalysis\"");
    Promtool.run(scrape, "check", "metrics");
    var names = new TreeSet<String>();
    scrape
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    var dashboard = new ObjectMapper().readTree(ChartFiles.dashboard().toFile());
    var josdkUsed = new TreeSet<String>();
    dashboard
        .findValues("expr")
        .forEach(
            e ->
                PromQlNames.of(e.asText()).stream()
                    .filter(n -> n.startsWith("operator_sdk_controllers_"))
                    .forEach(josdkUsed::add));
    assertThat(josdkUsed).isNotEmpty();
    // failures are counted from the first failure on; the rest must be there after one reconcile
    josdkUsed.removeIf(n -> n.endsWith("_failure_total"));
    assertThat(names).containsAll(josdkUsed);

    // A deleted analysis leaves no series behind (the reconciler sees Delete events too).
    client
        .genericKubernetesResources("pgdba.io/v1alpha1", "PgAnalysis")
        .inNamespace("shop")
        .withName("orders")
        .delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(scrape()).doesNotContain("analysis=\"orders\""));
    Promtool.run(scrape(), "check", "metrics");
  }

  private String scrape() throws Exception {
    var uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
