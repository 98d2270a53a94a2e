package io.pgdba.cli;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.operator.OperatorSettings;
import io.pgdba.k8s.operator.PgdbaOperator;
import io.pgdba.metrics.MetricsServer;
import io.pgdba.metrics.PgdbaMetrics;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import io.pgdba.catalog.ConnectionSettingsParser;
import io.pgdba.history.HistoryDatabase;
import io.pgdba.history.HistoryException;
import io.pgdba.history.HistoryStore;
import io.pgdba.k8s.analysis.RunHistory;
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

  // --health-port: the name before /metrics joined the probes on this port
  @Option(names = {"--metrics-port", "--health-port"},
      defaultValue = "${env:PGDBA_METRICS_PORT:-8080}",
      description = "Port of /metrics, /healthz and /readyz; 0 disables (env"
          + " PGDBA_METRICS_PORT). --health-port is its old name.")
  int metricsPort;

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
      description = "Namespace of the lease; the pod's own when empty"
          + " (env PGDBA_LEASE_NAMESPACE).")
  String leaseNamespace;

  @Option(names = "--shutdown-timeout", defaultValue = "${env:PGDBA_SHUTDOWN_TIMEOUT:-30}",
      description = "Seconds running work may take to end on SIGTERM"
          + " (env PGDBA_SHUTDOWN_TIMEOUT).")
  int shutdownSeconds;

  @Option(names = "--history", defaultValue = "${env:PGDBA_HISTORY_URL:-}",
      description = "Keep every run in this history database (a postgresql:// URI; the"
          + " password from PGPASSWORD or ~/.pgpass) and compare each run with the ones before"
          + " (env PGDBA_HISTORY_URL).")
  String history;

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
    try {
      // informers retry forever in the background: without this a missing cluster is silence
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      System.err.println("pgdba operator: cannot reach the Kubernetes API at "
          + client.getMasterUrl() + ": " + firstLine(e)
          + " (set KUBECONFIG, or run in a pod with a service account)");
      client.close();
      return 1;
    }
    RunHistory runHistory = RunHistory.NONE;
    HistoryDatabase historyDb = null;
    if (!blank(history)) {
      try {
        historyDb = HistoryDatabase.open(history, ConnectionSettingsParser.fromSystem());
        runHistory = RunHistory.in(HistoryStore.open(historyDb.dataSource()), Clock.systemUTC());
      } catch (HistoryException e) {
        System.err.println("pgdba operator: " + e.getMessage());
        client.close();
        return 1;
      }
    }
    var registry = PgdbaMetrics.newPrometheusRegistry();
    var reports = metricsPort > 0 ? new io.pgdba.report.ReportShelf() : null;
    var operator = PgdbaOperator.metered(client, AnalysisEngine.analyzer(), settings,
        Clock.systemUTC(), registry, runHistory, reports);
    try {
      operator.start();
    } catch (KubernetesClientException | OperatorException e) {
      // No cluster, no CRDs or no RBAC: a user's setup problem, one line, no stack trace.
      System.err.println("pgdba operator: cannot start against " + client.getMasterUrl() + ": "
          + firstLine(e));
      operator.close();
      client.close();
      return 1;
    }
    MetricsServer server;
    try {
      server = metricsPort > 0
          ? MetricsServer.start(metricsPort, registry, operator::alive, operator::ready, reports)
          : null;
    } catch (UncheckedIOException e) {
      System.err.println("pgdba operator: " + e.getMessage());
      operator.close();
      client.close();
      return 1;
    }
    System.err.printf("pgdba operator: watching %s through %s; metrics and health on %s%n",
        watched.isEmpty() ? "all namespaces" : String.join(",", watched), client.getMasterUrl(),
        server == null ? "no port" : "port " + server.port());
    var stopped = new CountDownLatch(1);
    var historyToClose = historyDb;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.close();
      if (historyToClose != null) {
        try {
          historyToClose.close();
        } catch (java.io.IOException e) {
          System.err.println("pgdba operator: closing the history: " + e.getMessage());
        }
      }
      if (server != null) {
        server.close();
      }
      client.close();
      stopped.countDown();
    }, "pgdba-shutdown"));
    stopped.await();
    return 0;
  }

  private static String firstLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return m.lines().findFirst().orElse(m);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
