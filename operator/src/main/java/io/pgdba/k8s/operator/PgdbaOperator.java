package io.pgdba.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.pgdba.k8s.OperatorListener;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.analysis.PgAnalysisReconciler;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.jobs.BackgroundJobs;
import io.pgdba.k8s.recommendation.IndexRecommendationReconciler;
import io.pgdba.metrics.PgdbaMetrics;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator: both reconcilers on one JOSDK {@link Operator}, with the settings the tests use
 * too (server-side apply off everywhere, since the Fabric8 mock server cannot serve it), and the
 * two bounded pools that keep long work off the reconcile threads.
 */
public final class PgdbaOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgdbaOperator.class);

  private final Operator operator;
  private final BackgroundJobs<RunResult> analyses;
  private final BackgroundJobs<?> applies;
  private final OperatorSettings settings;
  private final AtomicBoolean leading = new AtomicBoolean();
  private volatile boolean closing;

  public PgdbaOperator(KubernetesClient client, AnalysisEngine engine, OperatorSettings settings,
      Clock clock) {
    this(client, engine, settings, clock, OperatorListener.NONE, null);
  }

  /**
   * The operator as it runs in a cluster (and in the sandbox): pgdba's own meters and JOSDK's
   * (per controller, not per resource) in {@code registry}, e.g. {@link
   * PgdbaMetrics#newPrometheusRegistry()} served by {@code MetricsServer}.
   */
  public static PgdbaOperator metered(KubernetesClient client, AnalysisEngine engine,
      OperatorSettings settings, Clock clock, MeterRegistry registry) {
    return metered(client, engine, settings, clock, registry, RunHistory.NONE);
  }

  /** Metered, and keeping each run of every PgAnalysis in {@code history}. */
  public static PgdbaOperator metered(KubernetesClient client, AnalysisEngine engine,
      OperatorSettings settings, Clock clock, MeterRegistry registry, RunHistory history) {
    return metered(client, engine, settings, clock, registry, history, null);
  }

  /** Also keeping each analysis' latest HTML report on {@code reports} (null: none). */
  public static PgdbaOperator metered(KubernetesClient client, AnalysisEngine engine,
      OperatorSettings settings, Clock clock, MeterRegistry registry, RunHistory history,
      io.pgdba.report.ReportShelf reports) {
    OperatorListener listener =
        new MetricsListener(new PgdbaMetrics(registry, PgdbaMetrics.DEFAULT_TOP_QUERIES, clock));
    if (reports != null) {
      listener = OperatorListener.all(listener,
          new io.pgdba.k8s.analysis.ReportListener(reports));
    }
    return new PgdbaOperator(client, engine, settings, clock, listener,
        MicrometerMetrics.withoutPerResourceMetrics(registry), history);
  }

  /**
   * With a listener of what the reconcilers do and JOSDK's own metrics (e.g. Micrometer), both
   * optional: that is where the metrics plug in.
   */
  public PgdbaOperator(KubernetesClient client, AnalysisEngine engine, OperatorSettings settings,
      Clock clock, OperatorListener listener, Metrics metrics) {
    this(client, engine, settings, clock, listener, metrics, RunHistory.NONE);
  }

  public PgdbaOperator(KubernetesClient client, AnalysisEngine engine, OperatorSettings settings,
      Clock clock, OperatorListener listener, Metrics metrics, RunHistory history) {
    this.settings = settings;
    this.analyses = new BackgroundJobs<>("pgdba-analysis", settings.analysisThreads(), 1000);
    var applyPool = IndexRecommendationReconciler.pool(settings.applyThreads());
    this.applies = applyPool;
    this.operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withConcurrentReconciliationThreads(settings.reconcileThreads())
          .withCloseClientOnStop(false)
          .withStopOnInformerErrorDuringStartup(false)
          .withReconciliationTerminationTimeout(settings.shutdownTimeout());
      if (metrics != null) {
        o.withMetrics(metrics);
      }
      if (settings.leaderElection() != null) {
        // JOSDK exits the process whenever leading stops, a graceful close included (two
        // operators in one test JVM, or a SIGTERM whose hook then blocks in System.exit). Only a
        // lost lease must end the process, so that no two processes reconcile at once.
        o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            settings.leaderElection(), settings.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null,
            new LeaderCallbacks(() -> leading.set(true), this::stoppedLeading, leader -> { }),
            false));
      }
    });
    operator.register(
        new PgAnalysisReconciler(client, engine, analyses, clock, listener, history),
        c -> namespaces(c));
    operator.register(
        new IndexRecommendationReconciler(client, applyPool, clock, listener, history),
        c -> namespaces(c));
  }

  private <R extends io.fabric8.kubernetes.api.model.HasMetadata> void namespaces(
      io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider<R> c) {
    if (settings.namespaces().isEmpty()) {
      c.watchingAllNamespaces();
    } else {
      c.settingNamespaces(settings.namespaces());
    }
  }

  public void start() {
    operator.start();
  }

  /** Started, and every informer healthy: what /readyz reports. */
  public boolean ready() {
    var info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  /** The process is alive and serving: what /healthz reports. */
  public boolean alive() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** With leader election: this process holds the lease and reconciles. */
  public boolean leading() {
    return leading.get();
  }

  private void stoppedLeading() {
    leading.set(false);
    if (!closing) {
      LOG.error("lost the leader lease {}: exiting so that only the new leader reconciles",
          settings.leaderElection());
      System.exit(1);
    }
  }

  /** Stops watching, lets running builds end (bounded), then returns. */
  @Override
  public void close() {
    closing = true;
    operator.stop();
    long seconds = settings.shutdownTimeout().getSeconds();
    analyses.shutdown(seconds);
    applies.shutdown(seconds);
  }
}
