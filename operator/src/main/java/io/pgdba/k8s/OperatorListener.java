package io.pgdba.k8s;

import io.pgdba.apply.ApplyOutcome;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisStatus.RecommendationCounts;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.Phase;
import java.time.Duration;

/**
 * What the reconcilers did, for whoever counts it (the metrics): each method is optional and
 * called on a reconcile thread, so it must be quick and must not throw.
 */
public interface OperatorListener {

  OperatorListener NONE = new OperatorListener() {};

  /** A run finished and its result was written (figures in {@code result.report()}). */
  default void analysisSucceeded(PgAnalysis analysis, RunResult result, Duration took) {}

  /** A run failed; {@code condition} is TargetReachable, LogsRead or Analyzed. */
  default void analysisFailed(PgAnalysis analysis, String condition, String reason) {}

  /** The analysis' recommendations by phase, after each status write. */
  default void recommendationCounts(PgAnalysis analysis, RecommendationCounts counts) {}

  /** A recommendation's phase after a status write. */
  default void recommendationPhase(IndexRecommendation recommendation, Phase phase) {}

  /** An apply (index build, or drop for a DropIndex) ended. */
  default void indexApplied(
      IndexRecommendation recommendation, ApplyOutcome outcome, Duration took) {}

  /** A rollback ended. */
  default void indexRolledBack(
      IndexRecommendation recommendation, ApplyOutcome outcome, Duration took) {}
}
