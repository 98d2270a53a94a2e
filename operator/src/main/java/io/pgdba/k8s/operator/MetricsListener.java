package io.pgdba.k8s.operator;

import io.pgdba.apply.ApplyOutcome;
import io.pgdba.k8s.OperatorListener;
import io.pgdba.k8s.analysis.AnalysisSettings;
import io.pgdba.k8s.analysis.InvalidSpecException;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec.Kind;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.k8s.recommendation.RecommendationNames;
import io.pgdba.metrics.PgdbaMetrics;
import io.pgdba.metrics.RecommendationCount;
import io.pgdba.metrics.RecommendationState;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the reconcilers did into {@link PgdbaMetrics} calls: the one place where Kubernetes
 * resources become metric labels (names, phases, kinds and condition reasons, never messages).
 */
public final class MetricsListener implements OperatorListener {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsListener.class);
  private static final String TARGET_REACHABLE = "TargetReachable";
  /** No connection was tried: whether the target answers is not known. */
  private static final String SECRET_NOT_FOUND = "SecretNotFound";

  private final PgdbaMetrics metrics;

  public MetricsListener(PgdbaMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void analysisSucceeded(PgAnalysis analysis, RunResult result, Duration took) {
    guarded(() -> {
      metrics.analysisFinished(namespace(analysis), name(analysis), result.report(),
          slowMs(analysis), took.toMillis());
      metrics.targetReachable(namespace(analysis), name(analysis), true);
    });
  }

  @Override
  public void analysisFailed(PgAnalysis analysis, String condition, String reason,
      Duration took) {
    guarded(() -> {
      metrics.analysisFailed(namespace(analysis), name(analysis), reason, took.toMillis());
      // Mirrors the TargetReachable condition: past it, the run had connected.
      if (!TARGET_REACHABLE.equals(condition)) {
        metrics.targetReachable(namespace(analysis), name(analysis), true);
      } else if (!SECRET_NOT_FOUND.equals(reason)) {
        metrics.targetReachable(namespace(analysis), name(analysis), false);
      }
    });
  }

  @Override
  public void recommendations(PgAnalysis analysis,
      Collection<IndexRecommendation> recommendations) {
    guarded(() -> {
      // sorted: the same resources give the same series in the same order
      Map<String, Map<String, Long>> byPhaseAndKind = new TreeMap<>();
      for (var r : recommendations) {
        byPhaseAndKind.computeIfAbsent(phase(r).name(), p -> new TreeMap<>())
            .merge(kind(r), 1L, Long::sum);
      }
      var counts = byPhaseAndKind.entrySet().stream()
          .flatMap(p -> p.getValue().entrySet().stream()
              .map(k -> new RecommendationCount(p.getKey(), k.getKey(), k.getValue())))
          .toList();
      metrics.recommendationCounts(namespace(analysis), name(analysis), counts);
    });
  }

  @Override
  public void analysisDeleted(PgAnalysis analysis) {
    guarded(() -> metrics.analysisDeleted(namespace(analysis), name(analysis)));
  }

  @Override
  public void recommendationPhase(IndexRecommendation recommendation, Phase phase) {
    guarded(() -> {
      var spec = recommendation.getSpec();
      var status = recommendation.getStatus();
      Double observed = status == null || status.observedEffect() == null
          ? null : status.observedEffect().costImprovementPercent();
      metrics.recommendationState(new RecommendationState(
          recommendation.getMetadata().getNamespace(), analysisOf(recommendation),
          recommendation.getMetadata().getName(), spec.table(), kind(recommendation),
          phase.name(),
          spec.estimatedImprovementPercent() == null ? 0 : spec.estimatedImprovementPercent(),
          observed == null ? Double.NaN : observed));
      var measured = status == null ? null : status.measuredEffect();
      metrics.observedEffectRatio(recommendation.getMetadata().getNamespace(),
          analysisOf(recommendation), recommendation.getMetadata().getName(),
          measured == null || measured.ratio() == null || phase != Phase.Applied
              ? Double.NaN : measured.ratio());
    });
  }

  @Override
  public void recommendationDeleted(IndexRecommendation recommendation) {
    guarded(() -> metrics.recommendationDeleted(recommendation.getMetadata().getNamespace(),
        recommendation.getMetadata().getName()));
  }

  @Override
  public void indexApplied(IndexRecommendation recommendation, ApplyOutcome outcome,
      Duration took) {
    // Applying a DropIndex drops an index: no build to count.
    if (kindOf(recommendation) == Kind.DropIndex) {
      return;
    }
    var result = result(outcome);
    if (result != null) {
      guarded(() -> metrics.indexBuilt(result, took.toMillis()));
    }
  }

  @Override
  public void indexRolledBack(IndexRecommendation recommendation, ApplyOutcome outcome,
      Duration took) {
    var result = result(outcome);
    if (result != null) {
      guarded(() -> metrics.indexRolledBack(result, took.toMillis()));
    }
  }

  /** Success, failure, or null when nothing ended (another session is still building). */
  private static String result(ApplyOutcome outcome) {
    if (outcome.result() == ApplyOutcome.Result.IN_PROGRESS_ELSEWHERE) {
      return null;
    }
    return outcome.succeeded() ? PgdbaMetrics.SUCCESS : PgdbaMetrics.FAILED;
  }

  /** A listener must not throw on a reconcile thread: a metrics bug only costs a metric. */
  private static void guarded(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("updating metrics failed: {}", e.toString());
    }
  }

  private static double slowMs(PgAnalysis analysis) {
    try {
      return AnalysisSettings.of(analysis.getSpec()).slowMs();
    } catch (InvalidSpecException e) {
      // cannot happen after a successful run of this spec; count nothing as slow
      return Double.POSITIVE_INFINITY;
    }
  }

  private static Phase phase(IndexRecommendation r) {
    return r.getStatus() == null || r.getStatus().phase() == null
        ? Phase.Proposed : r.getStatus().phase();
  }

  private static Kind kindOf(IndexRecommendation r) {
    return r.getSpec() == null ? null : r.getSpec().kind();
  }

  private static String kind(IndexRecommendation r) {
    var kind = kindOf(r);
    return kind == null ? "CreateIndex" : kind.name();
  }

  private static String analysisOf(IndexRecommendation r) {
    if (r.getSpec() != null && r.getSpec().analysis() != null) {
      return r.getSpec().analysis();
    }
    var labels = r.getMetadata().getLabels();
    return labels == null ? null : labels.get(RecommendationNames.ANALYSIS_LABEL);
  }

  private static String namespace(PgAnalysis a) {
    return a.getMetadata().getNamespace();
  }

  private static String name(PgAnalysis a) {
    return a.getMetadata().getName();
  }
}
