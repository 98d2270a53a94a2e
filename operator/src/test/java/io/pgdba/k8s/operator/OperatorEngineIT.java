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
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.k8s.recommendation.RecommendationNames;
import io.pgdba.testsupport.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator with the real engine (log reader, workload, catalog, index advisor): pod logs of
 * slow lookups in, a recommendation out, approved, built and used by the planner.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorEngineIT {

  static KubernetesMockServer server;
  static KubernetesClient client;
  static TestPostgres pg;
  static PgdbaOperator operator;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute(
          "INSERT INTO orders SELECT g, g % 5000, 'n' || g FROM generate_series(1, 200000) g");
      st.execute("ANALYZE orders");
      st.execute("CREATE ROLE pgdba_ro LOGIN PASSWORD 'ro-pw' IN ROLE pg_read_all_stats");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgdba_ro");
    }
    OperatorIT.loadCrds(client);
    operator = new PgdbaOperator(client, AnalysisEngine.analyzer(),
        new OperatorSettings(Set.of(), 2, 1, 1, null, null, Duration.ofSeconds(5)),
        Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void slowLookupsInPodLogsBecomeAnAppliedIndex() throws Exception {
    String ns = "engine";
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ro").endMetadata()
        .withStringData(Map.of("username", "pgdba_ro", "password", "ro-pw")).build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ddl").endMetadata()
        .withStringData(Map.of("username", "postgres", "password", "postgres")).build())
        .create();
    client.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName("pg-0").withLabels(Map.of("app", "pg")).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running")
        .addNewContainerStatus().withName("postgres").withContainerID("containerd://x")
        .withRestartCount(0).withReady(true).endContainerStatus().endStatus()
        .build()).create();
    var log = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      String ts = String.format("2026-11-24T09:00:%02d.000000000Z", i);
      log.append(OperatorIT.logLine(ts, 45.0 + i,
          "SELECT * FROM orders WHERE customer_id = " + (17 * i + 3)));
    }
    server.expect().get()
        .withPath("/api/v1/namespaces/engine/pods/pg-0/log?pretty=false&container=postgres"
            + "&timestamps=true")
        .andReturn(200, log.toString())
        .always();
    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("ro", null, null), new SecretCredentials("ddl", null, null)),
        new Logs(Map.of("app", "pg"), null, null, null, null, null), null, null, null));
    client.resource(a).create();

    await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      var status = client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").get()
          .getStatus();
      assertThat(status).isNotNull();
      assertThat(Conditions.find(status.conditions(), "Ready"))
          .hasValueSatisfying(c -> assertThat(c.status()).as(c.message()).isEqualTo("True"));
      assertThat(status.summary().statements()).isEqualTo(30);
      assertThat(status.summary().topSlowQueries()).isNotEmpty();
    });
    List<IndexRecommendation> recs = client.resources(IndexRecommendation.class).inNamespace(ns)
        .withLabel(RecommendationNames.ANALYSIS_LABEL, "shop").list().getItems();
    var rec = recs.stream()
        .filter(r -> r.getSpec().table().equals("orders")
            && r.getSpec().columns().contains("customer_id"))
        .findFirst().orElseThrow(() -> new AssertionError("no customer_id index in " + recs));
    String name = rec.getMetadata().getName();
    client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).edit(r -> {
      var s = r.getSpec();
      r.setSpec(new IndexRecommendationSpec(s.analysis(), s.kind(), s.schema(), s.table(),
          s.indexName(), s.columns(), s.includeColumns(), s.method(), s.where(), s.ddl(),
          s.rollbackDdl(), s.estimatedSizeBytes(), s.estimatedImprovementPercent(),
          s.estimateMethod(), s.affectedQueries(), s.writeOverhead(), s.reason(), s.guidance(),
          true, null));
      return r;
    });
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      var r = client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).get();
      assertThat(r.getStatus().phase()).isEqualTo(Phase.Applied);
    });
    var applied = client.resources(IndexRecommendation.class).inNamespace(ns).withName(name)
        .get().getStatus();
    assertThat(OperatorIT.indexValidIn(pg, rec.getSpec().indexName())).isTrue();
    assertThat(applied.observedEffect().queriesChecked()).isPositive();
    assertThat(applied.observedEffect().queriesUsingIndex())
        .isEqualTo(applied.observedEffect().queriesChecked());
  }
}
