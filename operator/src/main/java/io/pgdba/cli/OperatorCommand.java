package io.pgdba.cli;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.operator.HealthServer;
import io.pgdba.k8s.operator.OperatorSettings;
import io.pgdba.k8s.operator.PgdbaOperator;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgdba operator}: runs the Kubernetes operator until SIGTERM. The client configuration is
 * the usual one (KUBECONFIG, ~/.kube/config, or the pod's service account).
 */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Run the Kubernetes operator (PgAnalysis and IndexRecommendation resources).")
public final class OperatorCommand implements Callable<Integer> {

  @Option(names = "--namespaces", split = ",", defaultValue = "${env:PGDBA_WATCH_NAMESPACES:-}",
      description = "Namespaces to watch, comma-separated; all when empty"
          + " (env PGDBA_WATCH_NAMESPACES).")
  String[] namespaces;

  @Option(names = "--health-port", defaultValue = "${env:PGDBA_HEALTH_PORT:-8081}",
      description = "Port of /healthz and /readyz; 0 disables (env PGDBA_HEALTH_PORT).")
  int healthPort;

  @Option(names = "--reconcile-threads", defaultValue = "${env:PGDBA_RECONCILE_THREADS:-5}",
      description = "Reconcile threads (env PGDBA_RECONCILE_THREADS).")
  int reconcileThreads;

  @Option(names = "--analysis-threads", defaultValue = "${env:PGDBA_ANALYSIS_THREADS:-2}",
      description = "Analyses run at once (env PGDBA_ANALYSIS_THREADS).")
  int analysisThreads;

  @Option(names = "--apply-threads", defaultValue = "${env:PGDBA_APPLY_THREADS:-2}",
      description = "Index builds run at once (env PGDBA_APPLY_THREADS).")
  int applyThreads;

  @Option(names = "--leader-election", defaultValue = "${env:PGDBA_LEADER_ELECTION:-}",
      description = "Lease name for leader election; none when empty"
          + " (env PGDBA_LEADER_ELECTION).")
  String leaderElection;

  @Option(names = "--lease-namespace", defaultValue = "${env:PGDBA_LEASE_NAMESPACE:-}",
      description = "Namespace of the lease; the pod's own when empty.")
  String leaseNamespace;

  @Option(names = "--shutdown-timeout", defaultValue = "${env:PGDBA_SHUTDOWN_TIMEOUT:-30}",
      description = "Seconds running work may take to end on SIGTERM.")
  int shutdownSeconds;

  @Override
  public Integer call() throws Exception {
    var watched = new LinkedHashSet<String>();
    if (namespaces != null) {
      Arrays.stream(namespaces).map(String::strip).filter(s -> !s.isEmpty()).forEach(watched::add);
    }
    for (int v : new int[] {reconcileThreads, analysisThreads, applyThreads}) {
      if (v < 1) {
        System.err.println("pgdba operator: thread counts must be at least 1");
        return 2;
      }
    }
    var settings = new OperatorSettings(watched, reconcileThreads, analysisThreads,
        applyThreads, blank(leaderElection) ? null : leaderElection,
        blank(leaseNamespace) ? null : leaseNamespace, Duration.ofSeconds(shutdownSeconds));
    var client = new KubernetesClientBuilder().build();
    var operator = new PgdbaOperator(client, AnalysisEngine.analyzer(), settings,
        Clock.systemUTC());
    var stopped = new CountDownLatch(1);
    HealthServer health = healthPort > 0
        ? new HealthServer(healthPort, operator::alive, operator::ready) : null;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      if (health != null) {
        health.close();
      }
      client.close();
      stopped.countDown();
    }, "pgdba-shutdown"));
    operator.start();
    stopped.await();
    return 0;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
