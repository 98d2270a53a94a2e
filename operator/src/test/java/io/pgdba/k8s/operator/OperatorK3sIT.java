package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.conditions.Conditions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * End to end on a real API server (K3s): the CRDs from crds/ install and validate, the operator
 * runs against it, and an example from examples/ is reconciled (its database does not exist
 * here, so it must end with a condition naming the unreachable target). Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class OperatorK3sIT {

  @Container
  static final K3sContainer K3S =
      new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.5-k3s1"));

  @Test
  void installsTheCrdsRunsTheOperatorAndReconcilesAnExample() throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build()) {
      try (var files = Files.list(Path.of("../crds"))) {
        for (var f : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
          CustomResourceDefinition crd = client.getKubernetesSerialization()
              .unmarshal(Files.readString(f), CustomResourceDefinition.class);
          client.resource(crd).serverSideApply();
        }
      }
      await().atMost(Duration.ofSeconds(60)).until(() ->
          client.apiextensions().v1().customResourceDefinitions().withName("pganalyses.pgdba.io")
              .get().getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
      try (var operator = new PgdbaOperator(client, AnalysisEngine.analyzer(),
          new OperatorSettings(Set.of("default"), 2, 1, 1, null, null, Duration.ofSeconds(5)),
          Clock.systemUTC())) {
        operator.start();
        await().atMost(Duration.ofSeconds(60)).until(operator::ready);
        for (var example : new String[] {"secrets.yaml", "pganalysis-configmap.yaml"}) {
          try (var in = Files.newInputStream(Path.of("../examples").resolve(example))) {
            client.load(in).inNamespace("default").createOrReplace();
          }
        }
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
          var a = client.resources(PgAnalysis.class).inNamespace("default")
              .withName("uploaded-log").get();
          assertThat(a.getStatus()).isNotNull();
          assertThat(Conditions.find(a.getStatus().conditions(), "TargetReachable"))
              .hasValueSatisfying(c -> {
                assertThat(c.status()).isEqualTo("False");
                assertThat(c.reason()).isEqualTo("ConnectionFailed");
                assertThat(c.message()).contains("shop-db-rw").doesNotContain("change-me");
              });
        });
      }
    }
  }
}
