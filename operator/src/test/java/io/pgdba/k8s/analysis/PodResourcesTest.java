package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pgdba.advisor.config.Resources;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod spec as the configuration advisor's resources, and its changes in the status. */
class PodResourcesTest {

  private static Pod pod(Map<String, String> labels, Map<String, Quantity> limits,
      Map<String, Quantity> requests) {
    return new PodBuilder().withNewMetadata().withName("db-1").withLabels(labels).endMetadata()
        .withNewSpec()
        .addToContainers(new ContainerBuilder().withName("bootstrap-sidecar").withNewResources()
            .addToLimits("memory", new Quantity("64Mi")).endResources().build())
        .addToContainers(new ContainerBuilder().withName("postgres").withNewResources()
            .withLimits(limits).withRequests(requests).endResources().build())
        .endSpec().build();
  }

  @Test
  void aCloudNativePgInstanceGivesItsPostgresContainersLimitsAndHugePages() {
    var settings = PodResources.of(pod(Map.of("cnpg.io/cluster", "shop"),
        Map.of("memory", new Quantity("4Gi"), "cpu", new Quantity("1500m"),
            "hugepages-2Mi", new Quantity("1Gi")),
        Map.of("memory", new Quantity("2Gi"))), null, 3);
    assertThat(settings).containsEntry("environment", "cnpg").containsEntry("instances", "3")
        .containsEntry("memory", String.valueOf(4L << 30)).containsEntry("cpus", "1.5")
        .containsEntry("hugepages", String.valueOf(1L << 30))
        .containsEntry("memory.source", "pod db-1 container postgres memory limit 4Gi");
    var resources = Resources.from(settings);
    assertThat(resources.memoryBytes()).isEqualTo(4L << 30);
    assertThat(resources.cpus()).isEqualTo(1.5);
    assertThat(resources.assumptions()).singleElement().asString().contains("storage unknown");
  }

  @Test
  void aStatefulSetPodWithoutLimitsIsSizedByItsRequest() {
    var settings = PodResources.of(pod(Map.of("app", "pg"), Map.of(),
        Map.of("memory", new Quantity("1G"))), "postgres", 1);
    assertThat(settings).containsEntry("environment", "statefulset")
        .containsEntry("memory", "1000000000")
        .containsEntry("memory.source", "pod db-1 container postgres memory request 1G"
            + " (no limit)")
        .doesNotContainKeys("cpus", "hugepages", "instances");
  }

  @Test
  void theStatusCarriesTheParametersToCommit() {
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("current", "4MB");
    evidence.put("proposed", "64MB");
    evidence.put("restart", false);
    var sb = new LinkedHashMap<String, Object>(evidence);
    sb.put("proposed", "1GB");
    sb.put("restart", true);
    var findings = List.of(
        Finding.of(Category.CONFIG, "config.work_mem", Severity.WARNING, "work_mem", "t",
            evidence, "a"),
        Finding.of(Category.CONFIG, "config.shared_buffers", Severity.INFO, "shared_buffers",
            "t", sb, "a"));
    var totals = new WorkloadTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        null, null);
    var report = new AnalysisReport(List.of(), new Workload(totals, List.of()), null,
        List.of(), findings);
    var summary = PgAnalysisReconciler.summary(new RunResult(1, Instant.EPOCH, Instant.EPOCH,
        report, List.of(), 0, null, null, null));
    assertThat(summary.configuration().parameters())
        .containsExactly(Map.entry("shared_buffers", "1GB"), Map.entry("work_mem", "64MB"));
    assertThat(summary.configuration().restartNeeded()).containsExactly("shared_buffers");
    assertThat(summary.configuration().postgresqlConf())
        .isEqualTo("# pgdba configuration changes\nshared_buffers = '1GB'  # needs a restart\n"
            + "work_mem = '64MB'\n");
    var none = PgAnalysisReconciler.summary(new RunResult(1, Instant.EPOCH, Instant.EPOCH,
        new AnalysisReport(List.of(), new Workload(totals, List.of()), null, List.of()),
        List.of(), 0, null, null, null));
    assertThat(none.configuration()).isNull();
  }
}
