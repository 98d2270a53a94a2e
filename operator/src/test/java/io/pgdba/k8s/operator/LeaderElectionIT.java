package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgdba.k8s.LogDrivenEngine;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.testsupport.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator processes (in-process, each with its own client) with leader election against one
 * API server (the Fabric8 mock server in CRUD mode, Lease objects included): one leads and
 * reconciles, the other waits; when the leader stops, the other takes over, and no analysis runs
 * twice.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionIT {

  static final String NS = "shop";
  static final String LEASE = "pgdba-operator-lock";

  KubernetesMockServer server;
  KubernetesClient client;
  TestPostgres pg;
  PgdbaOperator first;
  PgdbaOperator second;

  /** Runs of the engine per log source: one ConfigMap per analysis. */
  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  @AfterEach
  void stop() {
    for (var op : new PgdbaOperator[] {first, second}) {
      if (op != null) {
        op.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void oneLeadsTheOtherTakesOverWhenItStopsAndNoAnalysisRunsTwice() throws Exception {
    pg = TestPostgres.start();
    OperatorIT.loadCrds(client);
    // the API server's answer to JOSDK's check that the operator may use leases
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().addNewResourceRule()
            .withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
    secret("pg-ro", "postgres", "postgres");

    AnalysisEngine engine = request -> {
      String source = request.logs().get(0).name();
      runs.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
      return new LogDrivenEngine().analyze(request);
    };
    var settings = new OperatorSettings(Set.of(NS), 2, 1, 1, LEASE, NS, Duration.ofSeconds(5));
    first = new PgdbaOperator(server.createClient(), engine, settings, Clock.systemUTC());
    second = new PgdbaOperator(server.createClient(), engine, settings, Clock.systemUTC());
    first.start();
    second.start();

    await().atMost(Duration.ofSeconds(60)).until(() -> first.leading() || second.leading());
    var leader = first.leading() ? first : second;
    var follower = leader == first ? second : first;
    assertThat(follower.leading()).isFalse();
    String holder = lease();
    assertThat(holder).isNotBlank();

    analysis("before");
    await().atMost(Duration.ofSeconds(60)).until(() -> ready("before"));
    // the follower watches nothing: the analysis ran once, and stays run once
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> runs.get("configmap/log-before/log").get() == 1);

    leader.close();
    await().atMost(Duration.ofSeconds(60)).until(follower::leading);
    assertThat(lease()).isNotEqualTo(holder);

    analysis("after");
    await().atMost(Duration.ofSeconds(60)).until(() -> ready("after"));
    // the new leader reconciled "before" too (its informers started), but did not run it again
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
        runs.get("configmap/log-before/log").get() == 1
            && runs.get("configmap/log-after/log").get() == 1);
    assertThat(runs).containsOnlyKeys("configmap/log-before/log", "configmap/log-after/log");
  }

  private String lease() {
    var lease = client.leases().inNamespace(NS).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private void secret(String name, String user, String password) {
    client.secrets().inNamespace(NS).resource(new SecretBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withStringData(Map.of("username", user, "password", password)).build()).create();
  }

  private void analysis(String name) {
    client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("log-" + name).endMetadata()
        .withData(Map.of("log", "2026-11-24 10:00:00.000 UTC [42] LOG:  duration: 12.5 ms"
            + "  statement: SELECT 1\n"))
        .build()).create();
    var a = new PgAnalysis();
    a.getMetadata().setName(name);
    a.getMetadata().setNamespace(NS);
    a.setSpec(new PgAnalysisSpec(
        new Target("localhost", pg.port(), "postgres", "disable",
            new SecretCredentials("pg-ro", null, null), null),
        new Logs(null, null, new ConfigMapLogRef("log-" + name, "log"), null, null, null),
        null, null, null));
    client.resource(a).create();
  }

  private boolean ready(String name) {
    var a = client.resources(PgAnalysis.class).inNamespace(NS).withName(name).get();
    return a != null && a.getStatus() != null
        && Conditions.find(a.getStatus().conditions(), "Ready").map(c -> c.isTrue())
            .orElse(false);
  }
}
