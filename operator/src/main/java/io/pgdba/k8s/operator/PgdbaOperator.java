package io.pgdba.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.k8s.analysis.PgAnalysisReconciler;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.jobs.BackgroundJobs;
import io.pgdba.k8s.recommendation.IndexRecommendationReconciler;
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
      if (settings.leaderElection() != null) {
        o.withLeaderElectionConfiguration(settings.leaseNamespace() == null
            ? new LeaderElectionConfiguration(settings.leaderElection())
            : new LeaderElectionConfiguration(settings.leaderElection(),
                settings.leaseNamespace()));
      }
    });
    operator.register(new PgAnalysisReconciler(client, engine, analyses, clock),
        c -> namespaces(c));
    operator.register(new IndexRecommendationReconciler(client, applyPool, clock),
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
