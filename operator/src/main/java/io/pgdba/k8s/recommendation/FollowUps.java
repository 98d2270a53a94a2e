package io.pgdba.k8s.recommendation;

import io.pgdba.history.IndexFollowUp;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackMode;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackPolicy;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.events.EventRecorder;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.MeasuredEffect;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The follow-up of an applied index: its measured effect from the analysis' history, and what
 * {@code spec.history.rollbackPolicy} of the analysis makes of it. Computed as a value; the
 * reconciler writes it and acts.
 */
final class FollowUps {

  private FollowUps() {}

  /** What the follow-up reads of the recommendation's status. */
  record Applied(String appliedAt, String appliedIndex, MeasuredEffect previous, Instant now) {}

  /** Why the policy would roll the index back. */
  record Proposal(String reason, String message) {}

  /**
   * @param effect the status' measuredEffect (the previous one when nothing could be read)
   * @param policySet the analysis has a rollback policy
   * @param keptBecause with a policy and no proposal: why the index stays
   */
  record Result(MeasuredEffect effect, Optional<Proposal> proposal, boolean policySet,
      RollbackMode mode, String keptBecause) {}

  static Result follow(IndexRecommendation rec, PgAnalysis analysis, Applied applied,
      RunHistory history) {
    var historySpec = analysis.getSpec().history();
    RollbackPolicy policy = historySpec == null ? null : historySpec.rollbackPolicy();
    var mode = policy == null || policy.mode() == null ? RollbackMode.Propose : policy.mode();
    var none = new Result(applied.previous(), Optional.empty(), false, mode, null);
    var spec = rec.getSpec();
    if (applied.appliedAt() == null || applied.appliedIndex() == null
        || spec.kind() == IndexRecommendationSpec.Kind.DropIndex) {
      return none;
    }
    int needed = historySpec == null || historySpec.runsAfterApply() == null
        ? RunHistory.RUNS_AFTER_APPLY : historySpec.runsAfterApply();
    List<String> fingerprints = spec.affectedQueries() == null ? List.of()
        : spec.affectedQueries().stream().map(IndexRecommendationSpec.AffectedQuery::fingerprint)
            .filter(Objects::nonNull).toList();
    var found = history.followUp(rec.getMetadata().getNamespace() + "/" + spec.analysis(),
        fingerprints, Instant.parse(applied.appliedAt()), applied.appliedIndex(), needed);
    if (found.isEmpty()) {
      return none;
    }
    var followUp = found.get();
    var effect = effect(followUp, applied.previous(), applied.now());
    if (policy == null) {
      return new Result(effect, Optional.empty(), false, mode, null);
    }
    Proposal proposal = null;
    String tail = mode == RollbackMode.Auto
        ? "; rolling back (history.rollbackPolicy.mode: Auto)"
        : "; set spec.rollback: true to drop it";
    if (!Boolean.FALSE.equals(policy.whenSlower()) && followUp.slower()) {
      proposal = new Proposal("QueriesSlower",
          "the affected queries got measurably slower after the apply: " + followUp.summary()
              + tail);
    } else if (policy.unusedRuns() != null && followUp.unusedOver(policy.unusedRuns())) {
      proposal = new Proposal("IndexUnused", "no query scanned " + applied.appliedIndex()
          + " (pg_stat_user_indexes.idx_scan 0) in the " + followUp.usageRuns()
          + " runs after the apply" + tail);
    }
    String kept = followUp.summary() + (followUp.indexScans() == null ? ""
        : "; " + followUp.indexScans() + " index scans");
    return new Result(effect, Optional.ofNullable(proposal), true, mode, kept);
  }

  /** Events once: when the effect is first measured, and when a rollback is first proposed. */
  static void events(IndexRecommendation rec, IndexRecommendationStatus old,
      MeasuredEffect effect, Result result, EventRecorder events) {
    var before = old == null ? null : old.measuredEffect();
    if (measured(effect) && !measured(before)) {
      if (effect.outcome() == Outcome.Slower) {
        events.warning(rec, "EffectMeasured", effect.summary());
      } else {
        events.normal(rec, "EffectMeasured", effect.summary());
      }
    }
    boolean wasProposed = old != null && Conditions.find(old.conditions(),
        IndexRecommendationReconciler.ROLLBACK_PROPOSED).map(c -> c.isTrue()).orElse(false);
    result.proposal().filter(p -> !wasProposed)
        .ifPresent(p -> events.warning(rec, IndexRecommendationReconciler.ROLLBACK_PROPOSED,
            p.message()));
  }

  static boolean measured(MeasuredEffect e) {
    return e != null && e.outcome() != Outcome.Waiting && e.outcome() != Outcome.NotEnoughData;
  }

  static MeasuredEffect effect(IndexFollowUp f, MeasuredEffect previous, Instant now) {
    var e = f.effect();
    Outcome outcome = e == null ? Outcome.Waiting : switch (e.outcome()) {
      case "improved" -> Outcome.Improved;
      case "slower" -> Outcome.Slower;
      case "no-measurable-change" -> Outcome.NoMeasurableChange;
      default -> Outcome.NotEnoughData;
    };
    Double before = e == null ? null : finite(e.meanBeforeMs());
    Double after = e == null ? null : finite(e.meanAfterMs());
    Double ratio = before == null || after == null || before <= 0 ? null
        : Math.round(after / before * 10_000) / 10_000.0;
    var measured = new MeasuredEffect(outcome, f.summary(), before, after, ratio,
        e == null ? null : e.callsBefore(), e == null ? null : e.callsAfter(), f.runsAfter(),
        f.runsNeeded(), f.indexScans(), null);
    // the time moves only when the figures do: an unchanged status is not written again
    if (previous != null && measured.equals(withoutTime(previous))) {
      return previous;
    }
    return withTime(measured, now.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : null;
  }

  private static MeasuredEffect withoutTime(MeasuredEffect m) {
    return withTime(m, null);
  }

  private static MeasuredEffect withTime(MeasuredEffect m, String at) {
    return new MeasuredEffect(m.outcome(), m.summary(), m.meanBeforeMs(), m.meanAfterMs(),
        m.ratio(), m.callsBefore(), m.callsAfter(), m.runsAfter(), m.runsNeeded(),
        m.indexScans(), at);
  }
}
