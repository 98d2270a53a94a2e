package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgdba.history.HistoryStore;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackMode;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackPolicy;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Thresholds;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.conditions.Condition;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.Outcome;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.k8s.recommendation.RecommendationNames;
import io.pgdba.metrics.PgdbaMetrics;
import io.pgdba.testsupport.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The loop no peer closes, with the real JOSDK operator, the real engine, a real target and a
 * real history store: an index recommended from the logs is approved and built; the runs after
 * it measure its effect on the recommendation's status (an Event, a metric), and the history's
 * rollback policy proposes (or, in Auto mode, does) the rollback of an index no query scans.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorFollowUpIT {

  static KubernetesClient client;
  static TestPostgres pg;
  static HistoryStore store;
  static PgdbaOperator operator;
  static PrometheusMeterRegistry registry;

  static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute("INSERT INTO orders SELECT g, g % 5000, 'n' || g"
          + " FROM generate_series(1, 50000) g");
      st.execute("CREATE TABLE lines (id bigint PRIMARY KEY, order_id int, qty int)");
      st.execute("INSERT INTO lines SELECT g, g % 5000, g % 7"
          + " FROM generate_series(1, 50000) g");
      st.execute("ANALYZE");
      st.execute("CREATE ROLE pgdba_ro LOGIN PASSWORD 'ro-pw' IN ROLE pg_read_all_stats");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgdba_ro");
      st.execute("CREATE DATABASE history");
    }
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("history"));
    ds.setUser("postgres");
    store = HistoryStore.open(ds);
    OperatorIT.loadCrds(client);
    registry = PgdbaMetrics.newPrometheusRegistry();
    operator = PgdbaOperator.metered(client, AnalysisEngine.analyzer(),
        new OperatorSettings(Set.of(), 2, 1, 1, null, null, Duration.ofSeconds(5)),
        Clock.systemUTC(), registry, RunHistory.in(store, Clock.systemUTC()));
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

  /** 40 lookups of {@code ms} each, logged from now on (so that a run after the apply is). */
  /**
   * Where a new log's lines start, from now: before the apply they lie in the past, so a run that
   * happens to come after a quick apply still reads a log of before it; after the apply in the
   * future, so no line of a log written after it passes for older.
   */
  static volatile Duration logShift = Duration.ofSeconds(-5);

  static String log(String sqlPrefix, double ms) {
    var sb = new StringBuilder();
    var t0 = Instant.now().plus(logShift);
    for (int i = 0; i < 40; i++) {
      sb.append(String.format(Locale.ROOT, "%s UTC [42] LOG:  duration: %.3f ms  statement:"
          + " %s%d%s%n", LOG_TIME.format(t0.plusMillis(i * 10L)), ms * (1 + (i % 3 - 1) / 100.0),
          sqlPrefix, i + 1, sqlPrefix.endsWith("'") ? "'" : ""));
    }
    return sb.toString();
  }

  static void setUp(String ns, String sqlPrefix, double ms) {
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ro").endMetadata()
        .withStringData(Map.of("username", "pgdba_ro", "password", "ro-pw")).build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("ddl").endMetadata()
        .withStringData(Map.of("username", "postgres", "password", "postgres")).build())
        .create();
    client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("pg-log").endMetadata()
        .withData(Map.of("postgresql.log", log(sqlPrefix, ms))).build()).create();
  }

  static PgAnalysis analysis(String ns, double slowMs, RollbackPolicy policy) {
    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.getMetadata().setNamespace(ns);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("ro", null, null), new SecretCredentials("ddl", null, null)),
        new Logs(null, null, new ConfigMapLogRef("pg-log", "postgresql.log"), null, null, null),
        null, new Thresholds(slowMs, null, null, null, null), null,
        new PgAnalysisSpec.History(null, null, null, null, 2, policy)));
    return a;
  }

  /** Runs the analysis again on a new log (a spec change is a new run) and waits for it. */
  static void runAgain(String ns, String sqlPrefix, double ms, double slowMs, int runs)
      throws Exception {
    client.configMaps().inNamespace(ns).withName("pg-log").edit(cm -> {
      cm.setData(Map.of("postgresql.log", log(sqlPrefix, ms)));
      return cm;
    });
    // the operator writes the status meanwhile: a conflict (409) is read again and retried
    for (int attempt = 1; ; attempt++) {
      try {
        client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").edit(a -> {
          var s = a.getSpec();
          a.setSpec(new PgAnalysisSpec(s.target(), s.logs(), s.schedule(),
              new Thresholds(slowMs, null, null, null, null), s.apply(), s.history()));
          return a;
        });
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
    awaitRuns(ns, runs);
  }

  static void awaitRuns(String ns, int runs) {
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(store.runs(ns + "/shop", Instant.EPOCH, Instant.now().plusSeconds(600)))
          .hasSize(runs);
      var status = client.resources(PgAnalysis.class).inNamespace(ns).withName("shop").get()
          .getStatus();
      assertThat(status.conditions()).anySatisfy(c -> {
        assertThat(c.type()).isEqualTo("Ready");
        assertThat(c.status()).as(c.message()).isEqualTo("True");
      });
    });
  }

  static IndexRecommendation only(String ns) {
    var recs = client.resources(IndexRecommendation.class).inNamespace(ns)
        .withLabel(RecommendationNames.ANALYSIS_LABEL, "shop").list().getItems();
    assertThat(recs).hasSize(1);
    return recs.get(0);
  }

  static IndexRecommendation get(String ns, String name) {
    return client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).get();
  }

  static String approve(String ns) {
    String name = only(ns).getMetadata().getName();
    client.resources(IndexRecommendation.class).inNamespace(ns).withName(name).edit(r -> {
      var s = r.getSpec();
      r.setSpec(OperatorIT.approved(s, true, null));
      return r;
    });
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(get(ns, name).getStatus().phase()).isEqualTo(Phase.Applied));
    return name;
  }

  static Condition condition(IndexRecommendation rec, String type) {
    return Conditions.find(rec.getStatus().conditions(), type)
        .orElseThrow(() -> new AssertionError("no " + type + " in " + rec.getStatus()));
  }

  @Test
  void theRunsAfterTheApplyMeasureItsEffectOnTheRecommendation() throws Exception {
    String ns = "measured";
    String lookup = "SELECT * FROM orders WHERE customer_id = ";
    logShift = Duration.ofSeconds(-5);
    setUp(ns, lookup, 20.0);
    client.resource(analysis(ns, 1, new RollbackPolicy(RollbackMode.Propose, null, 2))).create();
    awaitRuns(ns, 1);
    runAgain(ns, lookup, 20.0, 1.01, 2);
    String name = approve(ns);
    logShift = Duration.ofSeconds(1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var effect = get(ns, name).getStatus().measuredEffect();
      assertThat(effect).isNotNull();
      assertThat(effect.outcome()).isEqualTo(Outcome.Waiting);
      assertThat(effect.summary()).isEqualTo("waiting for runs after the apply (0 of 2)");
    });

    // what the index is for: real lookups that scan it, between the runs
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      for (int i = 1; i <= 20; i++) {
        st.execute(lookup + i);
      }
    }
    runAgain(ns, lookup, 0.4, 1.02, 3);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        get(ns, name).getStatus().measuredEffect().summary())
        .isEqualTo("waiting for runs after the apply (1 of 2)"));
    runAgain(ns, lookup, 0.4, 1.03, 4);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      var rec = get(ns, name);
      var effect = rec.getStatus().measuredEffect();
      assertThat(effect.outcome()).as(effect.summary()).isEqualTo(Outcome.Improved);
      assertThat(effect.summary()).isEqualTo("mean 20.0 ms → 0.40 ms over 80 calls");
      assertThat(effect.ratio()).isEqualTo(0.02);
      assertThat(effect.indexScans()).isPositive();
      var proposed = condition(rec, "RollbackProposed");
      assertThat(proposed.status()).isEqualTo("False");
      assertThat(rec.getStatus().phase()).isEqualTo(Phase.Applied);
    });
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .filteredOn(e -> "EffectMeasured".equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage())
            .isEqualTo("mean 20.0 ms → 0.40 ms over 80 calls"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(registry.scrape())
        .contains("pgdba_index_observed_effect_ratio{analysis=\"shop\",namespace=\"" + ns
            + "\",recommendation=\"" + name + "\"} 0.02"));
    // the runs were stored with what was applied before them, and the target's version
    var runs = store.runs(ns + "/shop", Instant.EPOCH, Instant.now().plusSeconds(600));
    assertThat(runs.get(0).applied()).isEmpty();
    assertThat(runs.get(3).applied()).containsExactly(get(ns, name).getStatus().appliedIndex());
    assertThat(runs).allSatisfy(r -> {
      assertThat(r.serverVersion()).startsWith("17.");
      assertThat(r.settingsHash()).hasSize(16);
    });
    assertThat(runs).extracting(r -> r.settingsHash()).containsOnly(runs.get(0).settingsHash());
  }

  @Test
  void anIndexNoQueryScansIsRolledBackByTheAutoPolicyAndStaysSo() throws Exception {
    String ns = "unused";
    String lookup = "SELECT * FROM lines WHERE order_id = ";
    logShift = Duration.ofSeconds(-5);
    setUp(ns, lookup, 20.0);
    client.resource(analysis(ns, 1, new RollbackPolicy(RollbackMode.Auto, null, 2))).create();
    awaitRuns(ns, 1);
    String name = approve(ns);
    logShift = Duration.ofSeconds(1);
    String index = get(ns, name).getSpec().indexName();
    // the logs say the lookups got faster, but nothing ran them on the server: idx_scan is 0
    runAgain(ns, lookup, 0.5, 1.01, 2);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        get(ns, name).getStatus().phase()).isEqualTo(Phase.Applied));
    runAgain(ns, lookup, 0.5, 1.02, 3);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      var rec = get(ns, name);
      assertThat(rec.getStatus().phase()).isEqualTo(Phase.RolledBack);
      assertThat(rec.getStatus().rolledBackBy()).isEqualTo("history.rollbackPolicy");
    });
    try (var c = pg.connect("postgres"); var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relname = '" + index
            + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the index is dropped").isZero();
    }
    assertThat(client.v1().events().inNamespace(ns).list().getItems())
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("RollbackProposed");
          assertThat(e.getMessage()).contains("no query scanned").contains("idx_scan 0")
              .contains("in the 2 runs after the apply").contains("Auto");
        })
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("IndexRolledBack"));
    // still approved, but the policy's rollback stands until someone changes the spec
    Thread.sleep(3000);
    assertThat(get(ns, name).getStatus().phase()).isEqualTo(Phase.RolledBack);
    assertThat(get(ns, name).getSpec().approvedTrue()).isTrue();
  }
}
