package io.pgdba.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
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

/**
 * The operator: both reconcilers on one JOSDK {@link Operator}, with the settings the tests use
 * too (server-side apply off everywhere, since the Fabric8 mock server cannot serve it), and the
 * two bounded pools that keep long work off the reconcile threads.
 */
public final class PgdbaOperator implements AutoCloseable {

  private final Operator operator;
  private final BackgroundJobs<RunResult> analyses;
  private final BackgroundJobs<?> applies;
  private final OperatorSettings settings;

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
    return new PgdbaOperator(client, engine, settings, clock,
        new MetricsListener(new PgdbaMetrics(registry, PgdbaMetrics.DEFAULT_TOP_QUERIES, clock)),
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
        o.withLeaderElectionConfiguration(settings.leaseNamespace() == null
            ? new LeaderElectionConfiguration(settings.leaderElection())
            : new LeaderElectionConfiguration(settings.leaderElection(),
                settings.leaseNamespace()));
      }
    });
    operator.register(
        new PgAnalysisReconciler(client, engine, analyses, clock, listener, history),
        c -> namespaces(c));
    operator.register(new IndexRecommendationReconciler(client, applyPool, clock, listener),
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

  /** Stops watching, lets running builds end (bounded), then returns. */
  @Override
  public void close() {
    operator.stop();
    long seconds = settings.shutdownTimeout().getSeconds();
    analyses.shutdown(seconds);
    applies.shutdown(seconds);
  }
}
