package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.metrics.MetricsServer;
import io.pgdba.metrics.PgdbaMetrics;
import io.pgdba.report.ReportShelf;
import io.pgdba.testsupport.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator serves each PgAnalysis' latest HTML report on its metrics/health port, at the path
 * its status names: the real engine on pod logs and a real PostgreSQL, the Fabric8 mock API
 * server. The page holds the workload and never the Secret's password.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorReportIT {

  static final String PASSWORD = "report-secret-pw-7731";

  static KubernetesMockServer server;
  static KubernetesClient client;
  static TestPostgres pg;
  static PgdbaOperator operator;
  static MetricsServer metrics;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute("INSERT INTO orders SELECT g, g % 5000, 'n' || g"
          + " FROM generate_series(1, 50000) g");
      st.execute("ANALYZE orders");
      st.execute("CREATE ROLE report_ro LOGIN PASSWORD '" + PASSWORD + "'"
          + " IN ROLE pg_read_all_stats");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO report_ro");
    }
    loadCrds();
    var registry = PgdbaMetrics.newPrometheusRegistry();
    var reports = new ReportShelf();
    operator = PgdbaOperator.metered(client, AnalysisEngine.analyzer(),
        new OperatorSettings(Set.of(), 2, 1, 1, null, null, Duration.ofSeconds(5)),
        Clock.systemUTC(), registry, io.pgdba.k8s.analysis.RunHistory.NONE, reports);
    metrics = MetricsServer.start(0, registry, operator::alive, operator::ready, reports);
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void theLatestReportIsServedAtTheStatusPathWithoutTheSecret() throws Exception {
    String ns = "reports";
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ro").endMetadata()
        .withStringData(Map.of("username", "report_ro", "password", PASSWORD)).build()).create();
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName("pg-0").withLabels(Map.of("app", "pg")).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("postgres").withContainerID("containerd://x")
        .withRestartCount(0).withReady(true).endContainerStatus().endStatus()
        .build()).create();
    var log = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      String ts = String.format("2026-11-24T09:00:%02d.000000000Z", i);
      log.append(OperatorIT.logLine(ts, 45.0 + i,
          "SELECT * FROM orders WHERE customer_id = " + (17 * i + 3)));
    }
    server.expect().get()
        .withPath("/api/v1/namespaces/reports/pods/pg-0/log?pretty=false&container=postgres"
            + "&timestamps=true")
        .andReturn(200, log.toString())
        .always();
    assertThat(get("/reports/reports/shop").statusCode()).as("before the first run").isEqualTo(404);

    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("ro", null, null), null),
        new Logs(Map.of("app", "pg"), null, null, null, null, null), null, null, null));
    client.resource(a).create();

    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      var status = client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").get()
          .getStatus();
      assertThat(status).isNotNull();
      assertThat(status.reportPath()).isEqualTo("/reports/reports/shop");
      assertThat(get(status.reportPath()).statusCode()).isEqualTo(200);
    });
    var page = get("/reports/reports/shop");
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'");
    assertThat(page.body()).contains("<script id=\"pgdba-data\"")
        .containsIgnoringCase("from orders where customer_id = $1")
        .contains("idx_orders_customer_id")
        .doesNotContain(PASSWORD);

    // nothing but two Kubernetes names is looked up; other methods are refused
    assertThat(get("/reports/reports/other").statusCode()).isEqualTo(404);
    assertThat(get("/reports/reports/shop/extra").statusCode()).isEqualTo(404);
    assertThat(get("/reports/..%2Freports/shop").statusCode()).isEqualTo(404);
    assertThat(get("/reports/Reports/shop").statusCode()).isEqualTo(404);
    var post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri("/reports/reports/shop"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);

    // a deleted analysis takes its report with it
    client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(get("/reports/reports/shop").statusCode()).isEqualTo(404));
  }

  /**
   * As {@link OperatorIT#loadCrds}, but a create the loaded machine saw time out and retried is
   * no failure: the CRD is there.
   */
  private static void loadCrds() throws Exception {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
        "target/classes/META-INF/fabric8"))) {
      for (var f : files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
        try (var in = java.nio.file.Files.newInputStream(f)) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      }
    }
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + metrics.port() + path);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
