package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Thresholds;
import io.pgdba.k8s.analysis.PgAnalysisStatus.FindingCount;
import io.pgdba.metrics.MetricsServer;
import io.pgdba.metrics.PgdbaMetrics;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Findings in the operator, whichever advisor made them: the real JOSDK operator against the
 * Fabric8 mock API server with an engine that returns findings of several categories. The status
 * counts them by category and severity and keeps the top few; a critical finding raises a
 * Warning Event once, when it is new; pgdba_findings counts them by category and severity.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorFindingsIT {

  static KubernetesMockServer server;
  static KubernetesClient client;
  static PgdbaOperator operator;
  static MetricsServer metrics;
  static TestPostgres pg;
  static final AtomicReference<List<Finding>> FINDINGS = new AtomicReference<>(List.of());

  @BeforeAll
  static void start() throws Exception {
    // the run checks that the target answers; the findings themselves come from FINDINGS
    pg = TestPostgres.shared(TestPostgres.DEFAULT_MAJOR);
    OperatorIT.loadCrds(client);
    var registry = PgdbaMetrics.newPrometheusRegistry();
    operator = PgdbaOperator.metered(client,
        request -> new AnalysisReport(List.of(), new Workload(new WorkloadTotals(0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null), List.of()), null, List.of(),
            FINDINGS.get()),
        new OperatorSettings(Set.of(), 2, 1, 1, null, null, Duration.ofSeconds(5)),
        Clock.systemUTC(), registry);
    metrics = MetricsServer.start(0, registry, operator::alive, operator::ready);
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
  }

  static Finding finding(Category c, String kind, Severity s, String object) {
    return Finding.of(c, kind, s, object, kind + " on " + object, Map.of("n", 1), "do it");
  }

  @Test
  void statusCountsEventsOnNewCriticalsAndTheMetric() throws Exception {
    String ns = "findings";
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ro").endMetadata()
        .withStringData(Map.of("username", "postgres", "password", "postgres")).build()).create();
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("log").endMetadata()
        .withData(Map.of("log", "")).build()).create();
    FINDINGS.set(List.of(
        finding(Category.TABLE, "table.int4-overflow", Severity.CRITICAL, "public.events.id"),
        finding(Category.TABLE, "table.bloat", Severity.WARNING, "public.orders"),
        finding(Category.TABLE, "table.bloat", Severity.WARNING, "public.items"),
        finding(Category.CONFIG, "config.work_mem", Severity.INFO, "work_mem"),
        finding(Category.QUERY, "query.not-in", Severity.CRITICAL, "0123456789abcdef"),
        finding(Category.TABLE, "table.char-type", Severity.INFO, "public.a.b"),
        finding(Category.TABLE, "table.money-type", Severity.WARNING, "public.a.c")));
    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.getMetadata().setNamespace(ns);
    a.setSpec(spec(null));
    client.resource(a).create();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var f = status(ns).findings();
      assertThat(f).as("status %s", status(ns)).isNotNull();
      assertThat(f.total()).isEqualTo(7);
    });
    var f = status(ns).findings();
    assertThat(f.counts()).containsExactly(
        new FindingCount("table", "info", 1), new FindingCount("table", "warning", 3),
        new FindingCount("table", "critical", 1), new FindingCount("query", "critical", 1),
        new FindingCount("config", "info", 1));
    assertThat(f.top()).hasSize(5);
    assertThat(f.top().get(0).severity()).isEqualTo("critical");
    assertThat(f.top().get(0).kind()).isEqualTo("table.int4-overflow");
    assertThat(f.critical()).containsExactly("table.int4-overflow public.events.id",
        "query.not-in 0123456789abcdef");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(critical(ns)).hasSize(2));
    assertThat(critical(ns)).anySatisfy(e -> assertThat(e.getMessage())
        .startsWith("table.int4-overflow on public.events.id: "));
    assertThat(critical(ns)).allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));

    String scrape = scrape();
    assertThat(OperatorIT.sample(scrape, "pgdba_findings{analysis=\"shop\",category=\"table\","
        + "namespace=\"findings\",severity=\"warning\"}")).isEqualTo(3.0);
    assertThat(OperatorIT.sample(scrape, "pgdba_findings{analysis=\"shop\",category=\"query\","
        + "namespace=\"findings\",severity=\"critical\"}")).isEqualTo(1.0);
    assertThat(OperatorIT.sample(scrape, "pgdba_findings{analysis=\"shop\",category=\"log\","
        + "namespace=\"findings\",severity=\"critical\"}")).isEqualTo(0.0);

    // Second run (a spec change): the two known criticals again, one new, one warning gone.
    FINDINGS.set(List.of(
        finding(Category.TABLE, "table.int4-overflow", Severity.CRITICAL, "public.events.id"),
        finding(Category.QUERY, "query.not-in", Severity.CRITICAL, "0123456789abcdef"),
        finding(Category.TABLE, "table.sequence-overflow", Severity.CRITICAL, "public.s")));
    client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").edit(r -> {
      r.setSpec(spec(new Thresholds(50.0, null, null, null, null)));
      return r;
    });
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(status(ns).findings().total()).isEqualTo(3));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(critical(ns)).hasSize(3));
    Thread.sleep(1000); // an extra Event would come with the status write; none must
    assertThat(critical(ns)).hasSize(3).filteredOn(e -> e.getMessage().contains("public.s"))
        .hasSize(1);
    assertThat(OperatorIT.sample(scrape(), "pgdba_findings{analysis=\"shop\","
        + "category=\"table\",namespace=\"findings\",severity=\"warning\"}")).isEqualTo(0.0);
    assertThat(OperatorIT.sample(scrape(), "pgdba_findings{analysis=\"shop\","
        + "category=\"table\",namespace=\"findings\",severity=\"critical\"}")).isEqualTo(2.0);
  }

  private static PgAnalysisSpec spec(Thresholds thresholds) {
    return new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("ro", null, null), null),
        new Logs(null, null, new ConfigMapLogRef("log", "log"), null, null, null), null,
        thresholds, null);
  }

  private static io.pgdba.k8s.analysis.PgAnalysisStatus status(String ns) {
    var r = client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").get();
    assertThat(r.getStatus()).isNotNull();
    return r.getStatus();
  }

  private static List<Event> critical(String ns) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "CriticalFinding".equals(e.getReason())).toList();
  }

  private static String scrape() throws Exception {
    var uri = URI.create("http://127.0.0.1:" + metrics.port() + "/metrics");
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
