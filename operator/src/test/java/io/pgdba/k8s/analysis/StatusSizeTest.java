package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import io.pgdba.k8s.analysis.PgAnalysisStatus.RecommendationCounts;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PgAnalysis status stays well under 100 KB however big the workload and the cluster. */
class StatusSizeTest {

  @Test
  void aHugeWorkloadGivesASmallStatus() {
    var queries = new ArrayList<QueryStats>();
    for (int i = 0; i < 20_000; i++) {
      String sql = "SELECT " + "c".repeat(5_000) + " FROM t" + i + " WHERE id = $1";
      queries.add(new QueryStats("fp" + i, sql, sql, List.of(), null, i + 1, i * 10.0, 1, i,
          i, i, i, i, Instant.EPOCH, Instant.EPOCH, Map.of(), Map.of(), Map.of(), List.of()));
    }
    var sources = new ArrayList<LogReadResult>();
    for (int i = 0; i < 500; i++) {
      sources.add(new LogReadResult("pod-" + i, null, null, 1_000_000, 10, "x".repeat(2000),
          1L << 30, 0));
    }
    var warnings = new ArrayList<String>();
    for (int i = 0; i < 1000; i++) {
      warnings.add("w".repeat(10_000));
    }
    var totals = new WorkloadTotals(10_000_000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        20_000, 0, null, null);
    var findings = new ArrayList<io.pgdba.finding.Finding>();
    for (int i = 0; i < 20_000; i++) {
      findings.add(io.pgdba.finding.Finding.of(io.pgdba.finding.Category.TABLE, "table.bloat",
          io.pgdba.finding.Severity.values()[i % 3], "public.t" + i + "o".repeat(1000),
          "t".repeat(5000), Map.of("n", i), "a".repeat(5000)));
    }
    var report = new AnalysisReport(sources, new Workload(totals, queries), null, warnings,
        findings);
    var pods = new ArrayList<PodLogPosition>();
    for (int i = 0; i < 5_000; i++) {
      pods.add(new PodLogPosition("postgres-cluster-pod-" + i, "postgres",
          "containerd://" + "a".repeat(64), "2026-11-24T10:00:00.123456789Z"));
    }
    var result = new RunResult(1, Instant.EPOCH, Instant.EPOCH, report, pods, 500_000_000L,
        null, null, null);
    var conditions = new Conditions(null, 1L, Clock.systemUTC());
    for (var type : List.of("TargetReachable", "LogsRead", "Analyzed", "Ready")) {
      conditions.set(type, false, "Reason", "m".repeat(10_000));
    }
    var status = new PgAnalysisStatus(1L, conditions.toList(), "2026-11-24T10:00:00Z",
        "2026-11-24T11:00:00Z", 0, PgAnalysisReconciler.summary(result),
        new RecommendationCounts(1, 1, 0, 0, 0, 0, 0), PgAnalysisReconciler.bounded(pods),
        FindingStatus.of(report.findings()));

    int bytes = new KubernetesSerialization().asJson(status).length();
    System.out.println("status of a 20000-query, 5000-pod analysis: " + bytes + " bytes");
    assertThat(bytes).isLessThan(50_000);
    assertThat(status.summary().topSlowQueries()).hasSize(PgAnalysisReconciler.TOP_SLOW);
    assertThat(status.summary().statements()).isEqualTo(10_000_000);
    assertThat(status.findings().total()).isEqualTo(20_000);
    assertThat(status.findings().top()).hasSize(FindingStatus.TOP);
    assertThat(status.findings().critical()).hasSize(FindingStatus.MAX_CRITICAL);
  }
}
