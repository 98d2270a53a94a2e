package io.pgdba.k8s;

import io.pgdba.apply.ApplyOutcome;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.RunResult;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.Phase;
import java.time.Duration;
import java.util.Collection;

/**
 * What the reconcilers did, for whoever counts it (the metrics): each method is optional and
 * called on a reconcile thread, so it must be quick and must not throw.
 */
public interface OperatorListener {

  OperatorListener NONE = new OperatorListener() {};

  /** A run finished and its result was written (figures in {@code result.report()}). */
  default void analysisSucceeded(PgAnalysis analysis, RunResult result, Duration took) {}

  /**
   * A run failed, or could not start (a missing Secret: {@code took} is zero).
   *
   * @param condition the condition that failed: TargetReachable, LogsRead or Analyzed
   * @param reason that condition's CamelCase reason (a fixed set, never a message)
   */
  default void analysisFailed(
      PgAnalysis analysis, String condition, String reason, Duration took) {}

  /** The analysis' IndexRecommendations as the reconcile saw them, after each status write. */
  default void recommendations(
      PgAnalysis analysis, Collection<IndexRecommendation> recommendations) {}

  /** The PgAnalysis is gone (its recommendations go by garbage collection). */
  default void analysisDeleted(PgAnalysis analysis) {}

  /** A recommendation's phase after each reconcile that wrote, or kept, its status. */
  default void recommendationPhase(IndexRecommendation recommendation, Phase phase) {}

  /** The IndexRecommendation is gone. */
  default void recommendationDeleted(IndexRecommendation recommendation) {}

  /** An apply (index build, or drop for a DropIndex) ended. */
  default void indexApplied(
      IndexRecommendation recommendation, ApplyOutcome outcome, Duration took) {}

  /** A rollback ended. */
  default void indexRolledBack(
      IndexRecommendation recommendation, ApplyOutcome outcome, Duration took) {}

  /** Tells each of {@code listeners}, in order, of every event. */
  static OperatorListener all(OperatorListener... listeners) {
    var list = java.util.List.of(listeners);
    return new OperatorListener() {
      @Override
      public void analysisSucceeded(PgAnalysis a, RunResult r, Duration took) {
        list.forEach(l -> l.analysisSucceeded(a, r, took));
      }

      @Override
      public void analysisFailed(PgAnalysis a, String condition, String reason, Duration took) {
        list.forEach(l -> l.analysisFailed(a, condition, reason, took));
      }

      @Override
      public void recommendations(PgAnalysis a, Collection<IndexRecommendation> recs) {
        list.forEach(l -> l.recommendations(a, recs));
      }

      @Override
      public void analysisDeleted(PgAnalysis a) {
        list.forEach(l -> l.analysisDeleted(a));
      }

      @Override
      public void recommendationPhase(IndexRecommendation r, Phase phase) {
        list.forEach(l -> l.recommendationPhase(r, phase));
      }

      @Override
      public void recommendationDeleted(IndexRecommendation r) {
        list.forEach(l -> l.recommendationDeleted(r));
      }

      @Override
      public void indexApplied(IndexRecommendation r, ApplyOutcome outcome, Duration took) {
        list.forEach(l -> l.indexApplied(r, outcome, took));
      }

      @Override
      public void indexRolledBack(IndexRecommendation r, ApplyOutcome outcome, Duration took) {
        list.forEach(l -> l.indexRolledBack(r, outcome, took));
      }
    };
  }
}
