package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgdba.k8s.LogDrivenEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ApplyPolicy;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.conditions.Condition;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.k8s.recommendation.RecommendationNames;
import io.pgdba.metrics.MetricsServer;
import io.pgdba.metrics.PgdbaMetrics;
import io.pgdba.metrics.MonitoringNames;
import io.pgdba.metrics.Promtool;
import io.pgdba.testsupport.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real JOSDK operator in-process against the Fabric8 mock API server (CRUD mode, generated
 * CRDs loaded) and a real PostgreSQL: analysis, approval, build, rollback and the failure paths,
 * wired with its metrics as {@code pgdba operator} runs it, so each step is also checked in a
 * scrape of {@code /metrics}.
 */
@EnableKubernetesMockClient(crud = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorIT {

  static KubernetesMockServer server;
  static KubernetesClient client;
  static TestPostgres pg;
  static PgdbaOperator operator;
  static MetricsServer metrics;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute(
          "INSERT INTO orders SELECT g, g % 5000, 'n' || g FROM generate_series(1, 50000) g");
      st.execute("ANALYZE orders");
      st.execute("CREATE TABLE items AS SELECT g AS id, 's' || g AS sku"
          + " FROM generate_series(1, 20000) g");
      st.execute("CREATE TABLE events (id bigint, user_id int, kind text)");
      st.execute("INSERT INTO events SELECT g, g % 1000, 'k' || (g % 50)"
          + " FROM generate_series(1, 20000) g");
      st.execute("CREATE ROLE pgdba_ro LOGIN PASSWORD 'ro-secret-value' IN ROLE pg_read_all_stats");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgdba_ro");
    }
    loadCrds(client);
    var registry = PgdbaMetrics.newPrometheusRegistry();
    operator = PgdbaOperator.metered(client, new LogDrivenEngine(),
        new OperatorSettings(Set.of(), 4, 2, 2, null, null, Duration.ofSeconds(5)),
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
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * The CRDs the build generated, as a cluster would have them installed. A create that the
   * loaded machine saw time out and retried is no failure: the CRD is there (the 409 of the
   * retry), as in {@code OperatorReportIT}.
   */
  static void loadCrds(KubernetesClient client) throws IOException {
    try (var files = Files.list(Path.of("target/classes/META-INF/fabric8"))) {
      for (var f : files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
        try (var in = Files.newInputStream(f)) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      }
    }
  }

  static String scrape() throws Exception {
    var uri = URI.create("http://127.0.0.1:" + metrics.port() + "/metrics");
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The value of one series ({@code name{labels}}) in the scrape, NaN when it is absent. */
  static double sample(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).strip()))
        .findFirst().orElse(Double.NaN);
  }

  static String logLine(String ts, double ms, String sql) {
    return ts + " " + ts.substring(0, 10) + " " + ts.substring(11, 19)
        + ".000 UTC [42] LOG:  duration: " + ms + " ms  statement: " + sql + "\n";
  }

  static void secrets(String ns) {
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("pg-ro").endMetadata()
        .withStringData(Map.of("username", "pgdba_ro", "password", "ro-secret-value"))
        .build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("pg-ddl").endMetadata()
        .withStringData(Map.of("username", "postgres", "password", "postgres"))
        .build()).create();
  }

  static PgAnalysis analysis(String ns, String name, int port, Logs logs, String lockTimeout) {
    return analysis(ns, name, port, logs, lockTimeout, null);
  }

  static PgAnalysis analysis(String ns, String name, int port, Logs logs, String lockTimeout,
      String every) {
    var a = new PgAnalysis();
    a.getMetadata().setName(name);
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", port, "postgres", "disable",
            new SecretCredentials("pg-ro", null, null),
            new SecretCredentials("pg-ddl", null, null)),
        logs, every == null ? null : new PgAnalysisSpec.Schedule(every), null,
        new ApplyPolicy(null, null, lockTimeout)));
    return client.resource(a).create();
  }

  static void pod(String ns, String name, Map<String, String> labels) {
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("postgres").withContainerID("containerd://" + name)
        .withRestartCount(0).withReady(true).endContainerStatus().endStatus()
        .build()).create();
  }

  /**
   * Runs last, after successful and failed analyses, a build and a rollback: every metric the
   * shipped dashboard and alert rules read is in the real operator's scrape.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void everyMetricOfTheDashboardAndTheAlertsIsInTheScrape() throws Exception {
    var scraped = MonitoringNames.scraped(scrape());
    var expected = new java.util.TreeSet<String>(MonitoringNames.dashboard());
    expected.addAll(MonitoringNames.rules());
    // JOSDK creates its failure counters when a reconcile throws, which ours never do (errors are
    // conditions); an observed effect exists while a recommendation is Applied, a measured one
    // once runs after the apply were recorded (both asserted in ReconcileScrapeIT)
    expected.removeAll(java.util.Set.of(
        "operator_sdk_controllers_execution_reconcile_failure_total",
        "operator_sdk_reconciliations_failed_total",
        "pgdba_recommendation_observed_improvement_percent",
        "pgdba_index_observed_effect_ratio"));
    assertThat(expected).hasSizeGreaterThan(15);
    assertThat(scraped).containsAll(expected);
  }

  @Test
  void aPeriodicRunReadsOnlyNewLinesAndObsoletesWhatIsNoLongerRecommended() {
    String ns = "periodic";
    secrets(ns);
    pod(ns, "pg-0", Map.of("app", "pg"));
    String first = logLine("2026-11-24T09:00:00.000000000Z", 90.0,
            "SELECT * FROM events WHERE user_id = 1")
        + logLine("2026-11-24T09:00:05.250000000Z", 95.0,
            "SELECT * FROM events WHERE user_id = 2");
    String base = "/api/v1/namespaces/periodic/pods/pg-0/log?pretty=false&container=postgres";
    server.expect().get().withPath(base + "&timestamps=true").andReturn(200, first).once();
    // The second run asks from the second of the last line read; the kubelet repeats that line.
    server.expect().get().withPath(base + "&sinceTime=2026-11-24T09:00:05Z&timestamps=true")
        .andReturn(200, logLine("2026-11-24T09:00:05.250000000Z", 95.0,
                "SELECT * FROM events WHERE user_id = 2")
            + logLine("2026-11-24T09:10:00.000000000Z", 120.0,
                "SELECT * FROM events WHERE kind = 'k7'"))
        .once();
    server.expect().get().withPath(base + "&sinceTime=2026-11-24T09:10:00Z&timestamps=true")
        .andReturn(200, logLine("2026-11-24T09:10:00.000000000Z", 120.0,
            "SELECT * FROM events WHERE kind = 'k7'"))
        .always();
    analysis(ns, "events", pg.port(), new Logs(Map.of("app", "pg"), null, null, null, null, null),
        null, "3s");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var a = get(ns, "events");
      assertThat(a.getStatus()).isNotNull(); // a slow machine polls before the first status
      assertThat(a.getStatus().pods()).singleElement().satisfies(
          p -> assertThat(p.readUntil()).isEqualTo("2026-11-24T09:10:00Z"));
      assertThat(a.getStatus().summary().statements()).isLessThanOrEqualTo(1);
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var recs = recommendations(ns, "events");
      assertThat(recs).extracting(r -> r.getSpec().columns().get(0))
          .containsExactlyInAnyOrder("user_id", "kind");
      assertThat(recs).allSatisfy(r -> assertThat(r.getStatus()).isNotNull());
      assertThat(recs).filteredOn(r -> r.getSpec().columns().contains("user_id"))
          .singleElement().satisfies(r -> assertThat(r.getStatus().phase())
              .isEqualTo(Phase.Obsolete));
      assertThat(recs).filteredOn(r -> r.getSpec().columns().contains("kind"))
          .singleElement().satisfies(r -> assertThat(r.getStatus().phase())
              .isEqualTo(Phase.Proposed));
    });
  }

  @Test
  void autoModeApprovesButWaitsForTheMaintenanceWindow() {
    String ns = "auto";
    secrets(ns);
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("log").endMetadata()
        .withData(Map.of("log", "2026-11-24 09:00:00.000 UTC [42] LOG:  duration: 80.0 ms"
            + "  statement: SELECT * FROM items WHERE sku = 's42'\n"))
        .build()).create();
    var closedNow = java.time.LocalTime.now(java.time.ZoneOffset.UTC).plusHours(3)
        .withSecond(0).withNano(0);
    var a = new PgAnalysis();
    a.getMetadata().setName("items");
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("pg-ro", null, null),
            new SecretCredentials("pg-ddl", null, null)),
        new Logs(null, null, new ConfigMapLogRef("log", "log"), null, null, null), null, null,
        new ApplyPolicy(PgAnalysisSpec.ApplyMode.Auto,
            new PgAnalysisSpec.MaintenanceWindow(
                String.format("%02d:%02d", closedNow.getHour(), closedNow.getMinute()), "1h",
                "UTC", null), null)));
    client.resource(a).create();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var recs = recommendations(ns, "items");
      assertThat(recs).singleElement().satisfies(r -> {
        assertThat(r.getStatus()).isNotNull();
        assertThat(r.getStatus().phase()).isEqualTo(Phase.Approved);
        assertThat(r.getStatus().approvedBy()).isEqualTo("apply.mode=Auto");
        assertThat(Conditions.find(r.getStatus().conditions(), "Ready")).hasValueSatisfying(
            c -> assertThat(c.reason()).isEqualTo("WaitingForMaintenanceWindow"));
      });
    });
  }

  static PgAnalysis get(String ns, String name) {
    return client.resources(PgAnalysis.class).inNamespace(ns).withName(name).get();
  }

  static Condition condition(PgAnalysis a, String type) {
    assertThat(a.getStatus()).isNotNull();
    var found = Conditions.find(a.getStatus().conditions(), type);
    assertThat(found).as("condition " + type).isPresent();
    return found.get();
  }

  static List<IndexRecommendation> recommendations(String ns, String analysis) {
    return client.resources(IndexRecommendation.class).inNamespace(ns)
        .withLabel(RecommendationNames.ANALYSIS_LABEL, analysis).list().getItems();
  }

  static IndexRecommendation editSpec(String ns, String name,
      UnaryOperator<IndexRecommendationSpec> change, Map<String, String> annotations) {
    return client.resources(IndexRecommendation.class).inNamespace(ns).withName(name)
        .edit(r -> {
          r.setSpec(change.apply(r.getSpec()));
          if (!annotations.isEmpty()) {
            var a = r.getMetadata().getAnnotations() == null
                ? new HashMap<String, String>() : new HashMap<>(r.getMetadata().getAnnotations());
            a.putAll(annotations);
            r.getMetadata().setAnnotations(a);
          }
          return r;
        });
  }

  static IndexRecommendationSpec approved(IndexRecommendationSpec s, Boolean approved,
      Boolean rollback) {
    return new IndexRecommendationSpec(s.analysis(), s.kind(), s.schema(), s.table(),
        s.indexName(), s.columns(), s.includeColumns(), s.method(), s.where(), s.ddl(),
        s.rollbackDdl(), s.estimatedSizeBytes(), s.estimatedImprovementPercent(),
        s.estimateMethod(), s.affectedQueries(), s.writeOverhead(), s.reason(), s.guidance(),
        approved, rollback);
  }

  static IndexRecommendation recommendation(String ns, String name) {
    return client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).get();
  }

  static Phase phase(String ns, String name) {
    var r = recommendation(ns, name);
    return r == null || r.getStatus() == null ? null : r.getStatus().phase();
  }

  /** null when absent, else pg_index.indisvalid. */
  static Boolean indexValid(String index) throws Exception {
    return indexValidIn(pg, index);
  }

  static Boolean indexValidIn(TestPostgres pg, String index) throws Exception {
    try (Connection c = pg.connect("postgres");
        var ps = c.prepareStatement(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
      ps.setString(1, index);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }

  @Test
  void podLogsToRecommendationsThenApprovalBuildsAndRollbackDrops() throws Exception {
    String ns = "shop";
    secrets(ns);
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName("db-1").withLabels(Map.of("cnpg.io/cluster", "db"))
        .endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewContainerStatus().withName("postgres").withContainerID("containerd://a1")
        .withRestartCount(0).withReady(true).endContainerStatus().endStatus()
        .build()).create();
    String log = logLine("2026-11-24T09:00:00.100000000Z", 250.0,
            "SELECT * FROM orders WHERE customer_id = 42")
        + logLine("2026-11-24T09:00:01.100000000Z", 270.0,
            "SELECT * FROM orders WHERE customer_id = 7")
        + logLine("2026-11-24T09:00:02.500000000Z", 5.0, "SELECT * FROM nothere WHERE x = 1");
    server.expect().get()
        .withPath("/api/v1/namespaces/shop/pods/db-1/log?pretty=false&container=postgres"
            + "&timestamps=true")
        .andReturn(200, log)
        .always();
    analysis(ns, "orders-db", pg.port(),
        new Logs(Map.of("cnpg.io/cluster", "db"), "postgres", null, null, null, null), null);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var a = get(ns, "orders-db");
      assertThat(condition(a, "Ready").status()).isEqualTo("True");
      assertThat(a.getStatus().summary().linesRead()).isEqualTo(3);
      assertThat(a.getStatus().summary().statements()).isEqualTo(2);
      assertThat(a.getStatus().pods()).singleElement().satisfies(p -> {
        assertThat(p.pod()).isEqualTo("db-1");
        assertThat(p.readUntil()).isEqualTo("2026-11-24T09:00:02.500Z");
      });
      assertThat(a.getStatus().recommendations().proposed()).isEqualTo(1);
    });
    var analysis = get(ns, "orders-db");
    assertThat(condition(analysis, "TargetReachable").reason()).isEqualTo("Connected");
    assertThat(condition(analysis, "Ready").observedGeneration())
        .isEqualTo(analysis.getMetadata().getGeneration());
    assertThat(client.getKubernetesSerialization().asJson(analysis.getStatus()))
        .doesNotContain("ro-secret-value").hasSizeLessThan(100_000);
    var rec = recommendations(ns, "orders-db").get(0);
    assertThat(rec.getSpec().indexName()).isEqualTo("orders_customer_id_pgdba_idx");
    assertThat(rec.getMetadata().getLabels())
        .containsEntry(RecommendationNames.TABLE_LABEL, "orders")
        .containsEntry(RecommendationNames.KIND_LABEL, "create-index");
    assertThat(rec.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(analysis.getMetadata().getUid()));
    assertThat(rec.getMetadata().getName())
        .isEqualTo(RecommendationNames.name("orders-db", new LogDrivenEngine()
            .analyze(new io.pgdba.analysis.AnalysisRequest(List.of(new io.pgdba.log.LogSource(
                "l", () -> new java.io.ByteArrayInputStream(log.getBytes()))), null, null,
                new io.pgdba.catalog.ConnectionSettings("localhost", pg.port(), "postgres",
                    "postgres", "postgres", "disable", null, 5), null, 0))
            .advice().recommendations().get(0)));
    String name = rec.getMetadata().getName();
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.Proposed));
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("AnalysisSucceeded"));
    String labels = "analysis=\"orders-db\",namespace=\"shop\"";
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
        .contains("pgdba_analysis_runs_total{" + labels + ",result=\"success\"} 1.0")
        .contains("pgdba_analysis_failing{" + labels + "} 0.0")
        .contains("pgdba_target_reachable{" + labels + "} 1.0")
        .contains("pgdba_log_lines_read_total{" + labels + "} 3.0")
        .contains("pgdba_statements_total{" + labels + "} 2.0")
        .contains("pgdba_analysis_duration_seconds_count{" + labels + "} ")
        .contains("pgdba_recommendations{analysis=\"orders-db\",kind=\"CreateIndex\","
            + "namespace=\"shop\",phase=\"Proposed\"} 1.0")
        .contains("pgdba_recommendation_phase{analysis=\"orders-db\",kind=\"CreateIndex\","
            + "namespace=\"shop\",phase=\"Proposed\",recommendation=\"" + name
            + "\",table=\"orders\"} 1.0")
        .contains("pgdba_recommendation_estimated_improvement_percent{" + labels
            + ",recommendation=\"" + name + "\"} 90.0")
        .doesNotContain("ro-secret-value"));
    double builds = sample(scrape(), "pgdba_index_builds_total{result=\"success\"}");
    double rollbacks = sample(scrape(), "pgdba_index_rollbacks_total{result=\"success\"}");

    editSpec(ns, name, s -> approved(s, true, null), Map.of("pgdba.io/approved-by", "alice"));
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.Applied));
    assertThat(indexValid("orders_customer_id_pgdba_idx")).isTrue();
    var applied = recommendation(ns, name).getStatus();
    assertThat(applied.approvedBy()).isEqualTo("alice");
    assertThat(applied.appliedIndex()).isEqualTo("public.orders_customer_id_pgdba_idx");
    assertThat(applied.observedEffect().queriesChecked()).isEqualTo(1);
    assertThat(applied.observedEffect().queriesUsingIndex()).isEqualTo(1);
    assertThat(applied.observedEffect().indexSizeBytes()).isPositive();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var scrape = scrape();
      assertThat(sample(scrape, "pgdba_index_builds_total{result=\"success\"}"))
          .isEqualTo(builds + 1);
      assertThat(scrape).contains("pgdba_recommendation_phase{analysis=\"orders-db\","
          + "kind=\"CreateIndex\",namespace=\"shop\",phase=\"Applied\",recommendation=\""
          + name + "\",table=\"orders\"} 1.0");
      // what EXPLAIN showed after the build, for the dashboard's estimated-vs-observed panel
      assertThat(scrape).contains("pgdba_recommendation_observed_improvement_percent{"
          + "analysis=\"orders-db\",namespace=\"shop\",recommendation=\"" + name + "\"}");
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(get(ns, "orders-db").getStatus().recommendations().applied()).isEqualTo(1));

    editSpec(ns, name, s -> approved(s, true, true), Map.of());
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.RolledBack));
    assertThat(indexValid("orders_customer_id_pgdba_idx")).isNull();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        sample(scrape(), "pgdba_index_rollbacks_total{result=\"success\"}"))
        .isEqualTo(rollbacks + 1));

    // Git takes the rollback back: the index is built again; deleting the resource keeps it.
    editSpec(ns, name, s -> approved(s, true, false), Map.of());
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.Applied));
    client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).delete();
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(recommendation(ns, name)).isNull());
    assertThat(indexValid("orders_customer_id_pgdba_idx")).isTrue();
    // its series go with it; the analysis' stay
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
        .doesNotContain("recommendation=\"" + name + "\"")
        .contains("pgdba_analysis_runs_total{" + labels + ",result=\"success\"} 1.0"));
    Promtool.run(scrape(), "check", "metrics");
  }

  /**
   * A namespace with an analysis of an uploaded log of one-statement queries on {@code table}
   * (created here with {@code columns}), lock timeout 1s; returns the recommendations' names by
   * index name once they are Proposed.
   */
  static Map<String, String> busyTable(String ns, String table, List<String> queries)
      throws Exception {
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("CREATE TABLE " + table + " AS SELECT g AS id, g % 1000 AS a, 's' || g AS b"
          + " FROM generate_series(1, 20000) g");
      st.execute("ANALYZE " + table);
    }
    secrets(ns);
    var log = new StringBuilder();
    for (var q : queries) {
      log.append("2026-11-24 09:00:00.000 UTC [42] LOG:  duration: 300.0 ms  statement: ")
          .append(q).append('\n');
    }
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("uploaded-log").endMetadata()
        .withData(Map.of("postgresql.log", log.toString()))
        .build()).create();
    analysis(ns, "busy", pg.port(),
        new Logs(null, null, new ConfigMapLogRef("uploaded-log", "postgresql.log"), "stderr",
            null, null), "1s");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(recommendations(ns, "busy")).hasSize(queries.size())
            .allSatisfy(r -> assertThat(r.getStatus()).isNotNull()));
    var names = new java.util.TreeMap<String, String>();
    for (var r : recommendations(ns, "busy")) {
      names.put(r.getSpec().indexName(), r.getMetadata().getName());
    }
    return names;
  }

  static Condition ready(String ns, String name) {
    return Conditions.find(recommendation(ns, name).getStatus().conditions(), "Ready")
        .orElseThrow();
  }

  static int backendPid(Connection c) throws Exception {
    try (var st = c.createStatement();
        var rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  static long invalidIndexesOn(String table) throws Exception {
    try (var c = pg.connect("postgres");
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM pg_index WHERE indrelid = '" + table
            + "'::regclass AND NOT indisvalid")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void anOpenTransactionIsWaitedForPastTheLockTimeoutAndTheStatusSaysWhichPid()
      throws Exception {
    String ns = "busy-open";
    var names = busyTable(ns, "busy_open", List.of("SELECT * FROM busy_open WHERE a = 7"));
    String name = names.get("busy_open_a_pgdba_idx");
    try (Connection holder = pg.connect("postgres")) {
      holder.setAutoCommit(false);
      try (var st = holder.createStatement()) {
        st.execute("INSERT INTO busy_open VALUES (0, 1, 'an open transaction')");
      }
      int pid = backendPid(holder);
      editSpec(ns, name, s -> approved(s, true, null), Map.of());
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var status = recommendation(ns, name).getStatus();
        assertThat(status.phase()).isEqualTo(Phase.Applying);
        assertThat(status.waitingFor()).isNotNull();
        assertThat(status.waitingFor().reason()).isEqualTo(
            io.pgdba.k8s.recommendation.IndexRecommendationStatus.WaitReason.OlderTransactions);
        assertThat(status.waitingFor().pids()).contains(pid);
        assertThat(status.waitingFor().oldestTransactionStart()).isNotNull();
        assertThat(ready(ns, name).reason()).isEqualTo("WaitingForOlderTransactions");
      });
      Thread.sleep(3_000); // three lock timeouts: still waiting, not Failed
      assertThat(phase(ns, name)).isEqualTo(Phase.Applying);
      holder.rollback();
    }
    await().atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.Applied));
    assertThat(recommendation(ns, name).getStatus().waitingFor()).isNull();
    assertThat(indexValid("busy_open_a_pgdba_idx")).isTrue();
    assertThat(invalidIndexesOn("busy_open")).isZero();
  }

  @Test
  void aLockHeldOnTheTableIsRetriedWithBackoffAndThenBuilds() throws Exception {
    String ns = "busy-locked";
    var names = busyTable(ns, "busy_locked", List.of("SELECT * FROM busy_locked WHERE a = 7"));
    String name = names.get("busy_locked_a_pgdba_idx");
    try (Connection locker = pg.connect("postgres")) {
      locker.setAutoCommit(false);
      try (var st = locker.createStatement()) {
        st.execute("LOCK TABLE busy_locked IN SHARE MODE");
      }
      int pid = backendPid(locker);
      editSpec(ns, name, s -> approved(s, true, null), Map.of());
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var status = recommendation(ns, name).getStatus();
        assertThat(status.lockRetries()).isEqualTo(1);
        assertThat(status.phase()).isEqualTo(Phase.Approved);
        assertThat(status.nextAttemptAt()).isNotNull();
        assertThat(status.waitingFor()).isNotNull();
        assertThat(status.waitingFor().reason()).isEqualTo(
            io.pgdba.k8s.recommendation.IndexRecommendationStatus.WaitReason.TableLock);
        assertThat(status.waitingFor().pids()).containsExactly(pid);
        assertThat(ready(ns, name).reason()).isEqualTo("TableLocked");
      });
      assertThat(indexValid("busy_locked_a_pgdba_idx")).isNull();
      locker.rollback();
    }
    // the retry (a JOSDK reschedule after the backoff) finds the table free
    await().atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(phase(ns, name)).isEqualTo(Phase.Applied));
    var applied = recommendation(ns, name).getStatus();
    assertThat(applied.lockRetries()).isNull();
    assertThat(applied.waitingFor()).isNull();
    assertThat(indexValid("busy_locked_a_pgdba_idx")).isTrue();
    assertThat(invalidIndexesOn("busy_locked")).isZero();
  }

  @Test
  void twoApprovalsOnOneTableBuildOneAtATime() throws Exception {
    String ns = "busy-two";
    var names = busyTable(ns, "busy_two", List.of("SELECT * FROM busy_two WHERE a = 7",
        "SELECT * FROM busy_two WHERE b = 's7'"));
    assertThat(names).containsOnlyKeys("busy_two_a_pgdba_idx", "busy_two_b_pgdba_idx");
    try (Connection reader = pg.connect("postgres")) {
      // a long reader elsewhere keeps whichever build starts first waiting for it
      reader.setAutoCommit(false);
      try (var st = reader.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        st.execute("SELECT count(*) FROM orders");
      }
      for (var name : names.values()) {
        editSpec(ns, name, s -> approved(s, true, null), Map.of());
      }
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        var statuses = names.values().stream().map(n -> recommendation(ns, n).getStatus())
            .toList();
        assertThat(statuses).anySatisfy(s -> {
          assertThat(s.phase()).isEqualTo(Phase.Applying);
          assertThat(s.waitingFor()).isNotNull();
          assertThat(s.waitingFor().reason()).isEqualTo(io.pgdba.k8s.recommendation
              .IndexRecommendationStatus.WaitReason.OlderTransactions);
        });
        assertThat(statuses).anySatisfy(s -> {
          assertThat(s.phase()).isEqualTo(Phase.Approved);
          assertThat(s.waitingFor()).isNotNull();
          assertThat(s.waitingFor().reason()).isEqualTo(io.pgdba.k8s.recommendation
              .IndexRecommendationStatus.WaitReason.OtherBuild);
          assertThat(s.waitingFor().recommendation()).startsWith(ns + "/");
          assertThat(s.lockRetries()).isNull(); // queued by the operator, never hit the lock
        });
      });
      reader.rollback();
    }
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(names.values())
        .allSatisfy(n -> assertThat(phase(ns, n)).isEqualTo(Phase.Applied)));
    assertThat(names.values()).allSatisfy(n ->
        assertThat(recommendation(ns, n).getStatus().lockRetries()).isNull());
    assertThat(indexValid("busy_two_a_pgdba_idx")).isTrue();
    assertThat(indexValid("busy_two_b_pgdba_idx")).isTrue();
    assertThat(invalidIndexesOn("busy_two")).isZero();
  }

  @Test
  void aMissingSecretIsAConditionNamingIt() {
    String ns = "nosecret";
    analysis(ns, "no-secret", pg.port(),
        new Logs(null, null, new ConfigMapLogRef("whatever", "log"), null, null, null), null);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var a = get(ns, "no-secret");
      var reachable = condition(a, "TargetReachable");
      assertThat(reachable.status()).isEqualTo("False");
      assertThat(reachable.reason()).isEqualTo("SecretNotFound");
      assertThat(reachable.message()).contains("nosecret/pg-ro");
      assertThat(condition(a, "Ready").status()).isEqualTo("False");
      assertThat(a.getStatus().consecutiveFailures()).isEqualTo(1);
      assertThat(a.getStatus().nextRunTime()).isNotNull();
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
        .contains("pgdba_analysis_failures_total{analysis=\"no-secret\",namespace=\"nosecret\","
            + "reason=\"SecretNotFound\"} ")
        .contains("pgdba_analysis_failing{analysis=\"no-secret\",namespace=\"nosecret\"} 1.0")
        .doesNotContain("pgdba_target_reachable{analysis=\"no-secret\""));
  }

  @Test
  void aPodWhoseContainerHasNotStartedIsLogsReadFalseNamingThePod() {
    String ns = "starting";
    secrets(ns);
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName("db-0").withLabels(Map.of("app", "starting")).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Pending")
        .addNewContainerStatus().withName("postgres").withReady(false).withRestartCount(0)
        .endContainerStatus().endStatus()
        .build()).create();
    analysis(ns, "starting", pg.port(),
        new Logs(Map.of("app", "starting"), "postgres", null, null, null, null), null);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var a = get(ns, "starting");
      var logs = condition(a, "LogsRead");
      assertThat(logs.status()).isEqualTo("False");
      assertThat(logs.reason()).isEqualTo("ContainerNotStarted");
      assertThat(logs.message()).contains("db-0", "postgres", "has not started");
      assertThat(condition(a, "Ready").status()).isEqualTo("False");
    });
  }

  @Test
  void anUnreachableDatabaseIsAConditionNamingIt() throws Exception {
    String ns = "down";
    secrets(ns);
    int closedPort;
    try (var s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    analysis(ns, "down", closedPort,
        new Logs(null, null, new ConfigMapLogRef("whatever", "log"), null, null, null), null);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var a = get(ns, "down");
      var reachable = condition(a, "TargetReachable");
      assertThat(reachable.status()).isEqualTo("False");
      assertThat(reachable.reason()).isEqualTo("ConnectionFailed");
      assertThat(reachable.message()).contains("localhost:" + closedPort, "connection refused")
          .doesNotContain("ro-secret-value");
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(scrape())
        .contains("pgdba_analysis_failures_total{analysis=\"down\",namespace=\"down\","
            + "reason=\"ConnectionFailed\"} ")
        .contains("pgdba_target_reachable{analysis=\"down\",namespace=\"down\"} 0.0"));
  }

  @Test
  void aBadFieldIsAConditionNamingTheField() {
    String ns = "bad";
    analysis(ns, "both-sources", pg.port(),
        new Logs(Map.of("app", "pg"), null, new ConfigMapLogRef("log", "log"), null, null, null),
        null);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var ready = condition(get(ns, "both-sources"), "Ready");
      assertThat(ready.status()).isEqualTo("False");
      assertThat(ready.reason()).isEqualTo("InvalidSpec");
      assertThat(ready.message()).startsWith("spec.logs:");
    });
  }
}
