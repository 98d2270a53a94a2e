package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PodLogCollectorTest {

  KubernetesMockServer server;
  KubernetesClient client;

  static Pod pod(String containerId, int restarts) {
    return new PodBuilder()
        .withNewMetadata().withName("pg-0").withNamespace("ns")
        .withLabels(Map.of("cnpg.io/cluster", "db")).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pg").endContainer()
        .endSpec()
        .withNewStatus().withPhase("Running")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addNewContainerStatus().withName("postgres").withContainerID(containerId)
        .withRestartCount(restarts).withReady(true).endContainerStatus()
        .endStatus()
        .build();
  }

  static String lines(String... tsAndText) {
    var sb = new StringBuilder();
    for (int i = 0; i < tsAndText.length; i += 2) {
      sb.append(tsAndText[i]).append(' ').append(tsAndText[i + 1]).append('\n');
    }
    return sb.toString();
  }

  @Test
  void readsOnlyLinesAfterThePreviousPositionAndThePreviousContainerAfterARestart()
      throws Exception {
    client.pods().inNamespace("ns").resource(pod("containerd://one", 0)).create();
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/pg-0/log?pretty=false&container=postgres"
            + "&timestamps=true")
        .andReturn(200, lines(
            "2026-11-24T10:00:00.100000000Z", "LOG:  first",
            "2026-11-24T10:00:01.200000000Z", "LOG:  second"))
        .once();
    var collector = new PodLogCollector(client);
    List<PodLogPosition> positions;
    try (var first = collector.collect("ns", Map.of("cnpg.io/cluster", "db"), null, null)) {
      assertThat(first.lines()).isEqualTo(2);
      assertThat(Files.readAllLines(first.files().get(0)))
          .containsExactly("LOG:  first", "LOG:  second");
      positions = first.positions();
      assertThat(positions).containsExactly(new PodLogPosition(
          "pg-0", "postgres", "containerd://one", "2026-11-24T10:00:01.200Z"));
    }

    // The container restarted: the previous one's tail, then the new one, after the position.
    client.pods().inNamespace("ns").resource(pod("containerd://two", 1)).update();
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/pg-0/log?pretty=false&container=postgres"
            + "&previous=true&sinceTime=2026-11-24T10:00:01Z&timestamps=true")
        .andReturn(200, lines(
            "2026-11-24T10:00:01.200000000Z", "LOG:  second",
            "2026-11-24T10:00:01.900000000Z", "LOG:  third before the crash"))
        .once();
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/pg-0/log?pretty=false&container=postgres"
            + "&sinceTime=2026-11-24T10:00:01Z&timestamps=true")
        .andReturn(200, lines(
            "2026-11-24T10:00:05.000000000Z", "LOG:  after the restart"))
        .once();
    try (var second = collector.collect("ns", Map.of("cnpg.io/cluster", "db"), "postgres",
        positions)) {
      assertThat(Files.readAllLines(second.files().get(0)))
          .containsExactly("LOG:  third before the crash", "LOG:  after the restart");
      assertThat(second.lines()).isEqualTo(2);
      assertThat(second.positions().get(0).containerId()).isEqualTo("containerd://two");
      assertThat(second.positions().get(0).readUntil()).isEqualTo("2026-11-24T10:00:05Z");
    }
  }

  @Test
  void aPodWhoseContainerHasNotStartedIsAProblemNamingThePod() throws Exception {
    client.pods().inNamespace("ns").resource(pod(null, 0)).create();
    try (var collected = new PodLogCollector(client).collect(
        "ns", Map.of("cnpg.io/cluster", "db"), "postgres", null)) {
      assertThat(collected.positions()).isEmpty();
      assertThat(collected.problems()).singleElement().satisfies(p -> {
        assertThat(p.pod()).isEqualTo("pg-0");
        assertThat(p.reason()).isEqualTo("ContainerNotStarted");
        assertThat(p.message()).contains("pg-0", "postgres", "has not started");
      });
    }
  }

  @Test
  void linesWithoutTheKubeletTimestampAreCountedAndNamedNotDroppedSilently() throws Exception {
    client.pods().inNamespace("ns").resource(pod("containerd://one", 0)).create();
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/pods/pg-0/log?pretty=false&container=postgres"
            + "&timestamps=true")
        .andReturn(200, "LOG:  no stamp \u001b[31mred\n"
            + lines("2026-11-24T10:00:00.100000000Z", "LOG:  stamped")
            + "another line without one\n")
        .once();
    try (var collected = new PodLogCollector(client).collect(
        "ns", Map.of("cnpg.io/cluster", "db"), "postgres", null)) {
      assertThat(collected.lines()).isEqualTo(1);
      assertThat(collected.problems()).singleElement().satisfies(p -> {
        assertThat(p.reason()).isEqualTo("LinesWithoutTimestamp");
        // the first such line is quoted, its control characters neutralized
        assertThat(p.message()).startsWith("pod pg-0: 2 log lines without the kubelet timestamp")
            .contains("LOG:  no stamp ?[31mred").doesNotContain("\u001b");
      });
    }
  }
}
