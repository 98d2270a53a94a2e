package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pgdba.history.HistoryStore;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Thresholds;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.conditions.Condition;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.testsupport.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The operator keeping history in a real store: every run of a PgAnalysis is recorded, a query
 * above its spec target and a query five times slower than in the run before set the {@code
 * Regressed} condition and raise an Event.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorHistoryIT {

  static KubernetesClient client;
  static TestPostgres pg;
  static HistoryStore store;
  static PgdbaOperator operator;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int)");
      st.execute("CREATE ROLE pgdba_ro LOGIN PASSWORD 'ro-pw' IN ROLE pg_read_all_stats");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgdba_ro");
      st.execute("CREATE DATABASE history");
    }
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("history"));
    ds.setUser("postgres");
    store = HistoryStore.open(ds);
    OperatorIT.loadCrds(client);
    operator = new PgdbaOperator(client, AnalysisEngine.analyzer(),
        new OperatorSettings(Set.of(), 2, 1, 1, null, null, Duration.ofSeconds(5)),
        Clock.systemUTC(), io.pgdba.k8s.OperatorListener.NONE, null,
        RunHistory.in(store, Clock.systemUTC()));
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

  /** 40 lookups of {@code ms} each (a tight spread: 1 % either way). */
  static String log(String minute, double ms) {
    var sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append(String.format(Locale.ROOT, "2026-11-24 09:%s:%02d.000 UTC [42] LOG:  duration:"
          + " %.3f ms  statement: SELECT * FROM orders WHERE id = %d%n", minute, i,
          ms * (1 + (i % 3 - 1) / 100.0), i + 1));
    }
    return sb.toString();
  }

  static PgAnalysis analysis(String ns, double slowMs) {
    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("ro", null, null), null),
        new Logs(null, null, new ConfigMapLogRef("pg-log", "postgresql.log"), null, null, null),
        null, new Thresholds(slowMs, null, null, null, null), null,
        new PgAnalysisSpec.History(null, null,
            List.of("~from orders where id:mean<=1000"), null)));
    return a;
  }

  static Condition regressed(String ns) {
    var status = client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").get()
        .getStatus();
    assertThat(status).isNotNull();
    return Conditions.find(status.conditions(), "Regressed")
        .orElseThrow(() -> new AssertionError("no Regressed condition in " + status));
  }

  @Test
  void eachRunIsKeptAndASlowerRunSetsRegressed() throws Exception {
    String ns = "history";
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ro").endMetadata()
        .withStringData(Map.of("username", "pgdba_ro", "password", "ro-pw")).build()).create();
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("pg-log").endMetadata()
        .withData(Map.of("postgresql.log", log("00", 2.0))).build()).create();
    client.resource(analysis(ns, 100)).create();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      var c = regressed(ns);
      assertThat(c.status()).as(c.message()).isEqualTo("False");
      assertThat(c.reason()).isEqualTo("NoRegression");
    });
    assertThat(store.series("history/shop", Instant.EPOCH, Instant.now().plusSeconds(60)))
        .hasSize(1).allSatisfy((fp, points) -> assertThat(points).hasSize(1));

    // five times slower, and above the spec's target; a new generation runs again
    client.configMaps().inNamespace(ns).withName("pg-log").edit(cm -> {
      cm.setData(Map.of("postgresql.log", log("10", 1200.0)));
      return cm;
    });
    client.resource(analysis(ns, 101)).update();
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      var c = regressed(ns);
      assertThat(c.status()).as(c.message()).isEqualTo("True");
      assertThat(c.reason()).isEqualTo("QueriesRegressed");
      assertThat(c.message()).contains("level").contains("target-exceeded");
    });
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("QueriesRegressed"));
  }
}
