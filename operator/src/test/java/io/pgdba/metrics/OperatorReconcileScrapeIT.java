package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.pgdba.chart.ChartFiles;
import io.pgdba.k8s.analysis.PgAnalysisReconciler;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.jobs.BackgroundJobs;
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
 * The real PgAnalysis reconciler (k8s.analysis), on a JOSDK operator with JOSDK's Micrometer
 * metrics, reconciles a PgAnalysis whose Secret is missing against the Fabric8 mock API server with
 * the generated CRDs; {@code /metrics} is then scraped over HTTP. What the dashboard reads of
 * JOSDK's meters must be there under the real controller name, and the exposition must pass
 * promtool. (The reconciler does not call PgdbaMetrics yet; ReconcileScrapeIT covers those.)
 */
@EnableKubernetesMockClient(crud = true)
class OperatorReconcileScrapeIT {

  static KubernetesClient client;

  private Operator operator;
  private MetricsServer server;
  private BackgroundJobs<RunResult> jobs;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.stop();
    }
    if (server != null) {
      server.close();
    }
    if (jobs != null) {
      jobs.close();
    }
  }

  @Test
  void scrapeAfterARealPgAnalysisReconcile() throws Exception {
    for (var crd : Set.of("pganalyses.pgdba.io-v1.yml", "indexrecommendations.pgdba.io-v1.yml")) {
      var file = Path.of("target/classes/META-INF/fabric8", crd);
      try (var in = Files.newInputStream(file)) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      }
    }
    var registry = PgdbaMetrics.newPrometheusRegistry();
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(false));
    jobs = new BackgroundJobs<>("test-analysis", 1, 10);
    operator.register(
        new PgAnalysisReconciler(
            client,
            request -> {
              throw new AssertionError("the engine must not run without credentials");
            },
            jobs,
            Clock.systemUTC()),
        c -> c.settingNamespaces(Set.of("shop")));
    server = MetricsServer.start(0, registry, () -> true, () -> true);
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

    var http = HttpClient.newHttpClient();
    var uri = URI.create("http://127.0.0.1:" + server.port() + "/metrics");
    var scrape =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();

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
  }
}
