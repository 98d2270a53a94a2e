package io.pgdba.k8s.recommendation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.history.Effect;
import io.pgdba.history.IndexFollowUp;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackMode;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackPolicy;
import io.pgdba.k8s.analysis.RunFacts;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec.AffectedQuery;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The follow-up as a value: what the history says, and what the rollback policy makes of it. */
class FollowUpsTest {

  static final Instant NOW = Instant.parse("2026-11-02T10:00:07.5Z");
  static final Effect IMPROVED = new Effect("improved", 20, 0.4, 120, 80, 40,
      "mean 20.0 ms → 0.40 ms over 80 calls");
  static final Effect SLOWER = new Effect("slower", 2, 6, 120, 80, -12,
      "mean 2.00 ms → 6.00 ms over 80 calls");

  final List<String> asked = new ArrayList<>();

  RunHistory history(IndexFollowUp answer) {
    return new RunHistory() {
      @Override
      public AnalysisReport record(String analysis, PgAnalysisSpec.History spec,
          AnalysisReport report, RunFacts facts) {
        return report;
      }

      @Override
      public Optional<IndexFollowUp> followUp(String analysis, Collection<String> fingerprints,
          Instant appliedAt, String index, int runsNeeded) {
        asked.add(analysis + " " + fingerprints + " " + appliedAt + " " + index + " "
            + runsNeeded);
        return Optional.ofNullable(answer);
      }
    };
  }

  static IndexRecommendation rec(IndexRecommendationSpec.Kind kind) {
    var rec = new IndexRecommendation();
    rec.getMetadata().setName("shop-orders-1");
    rec.getMetadata().setNamespace("prod");
    rec.setSpec(new IndexRecommendationSpec("shop", kind, "public", "orders", "orders_c_idx",
        List.of("customer_id"), null, null, null, "CREATE INDEX ...", "DROP INDEX ...", null,
        null, null, List.of(new AffectedQuery("fp1", 40L, 100.0, 2.0, "select 1")), null, null,
        null, true, null));
    return rec;
  }

  static PgAnalysis analysis(Integer runsAfterApply, RollbackPolicy policy) {
    var a = new PgAnalysis();
    a.getMetadata().setName("shop");
    a.setSpec(new PgAnalysisSpec(null, null, null, null, null,
        new PgAnalysisSpec.History(null, null, null, null, runsAfterApply, policy)));
    return a;
  }

  static FollowUps.Applied applied() {
    return new FollowUps.Applied("2026-11-01T03:30:00Z", "public.orders_c_idx", null, NOW);
  }

  @Test
  void waitingSaysHowManyRunsCameOfHowManyAndAsksForTheAffectedQueries() {
    var result = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(3, null), applied(), history(new IndexFollowUp(null, 1, 3, 1, 0L,
            "waiting for runs after the apply (1 of 3)")));
    assertThat(asked).containsExactly(
        "prod/shop [fp1] 2026-11-01T03:30:00Z public.orders_c_idx 3");
    assertThat(result.effect().outcome()).isEqualTo(Outcome.Waiting);
    assertThat(result.effect().summary()).isEqualTo("waiting for runs after the apply (1 of 3)");
    assertThat(result.effect().measuredAt()).isEqualTo("2026-11-02T10:00:07Z");
    assertThat(result.proposal()).isEmpty();
    assertThat(result.policySet()).isFalse();
  }

  @Test
  void anImprovementIsMeasuredWithItsRatioAndKeptWithoutNewTime() {
    var followUp = new IndexFollowUp(IMPROVED, 2, 2, 2, 830L, IMPROVED.summary());
    var first = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(null, null, 2)), applied(), history(followUp));
    assertThat(asked.get(0)).endsWith(" " + RunHistory.RUNS_AFTER_APPLY);
    var effect = first.effect();
    assertThat(effect.outcome()).isEqualTo(Outcome.Improved);
    assertThat(effect.ratio()).isEqualTo(0.02);
    assertThat(effect.meanBeforeMs()).isEqualTo(20.0);
    assertThat(effect.indexScans()).isEqualTo(830L);
    assertThat(first.proposal()).isEmpty();
    assertThat(first.keptBecause()).isEqualTo(IMPROVED.summary() + "; 830 index scans");
    // an unchanged measurement keeps its time: the status is not written again
    var later = new FollowUps.Applied("2026-11-01T03:30:00Z", "public.orders_c_idx", effect,
        NOW.plusSeconds(600));
    assertThat(FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(null, null, 2)), later, history(followUp)).effect())
        .isSameAs(effect);
  }

  @Test
  void slowerQueriesProposeTheRollbackUnlessThePolicySaysNot() {
    var followUp = new IndexFollowUp(SLOWER, 2, 2, 2, 12L, SLOWER.summary());
    var proposed = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(RollbackMode.Propose, null, null)), applied(),
        history(followUp));
    assertThat(proposed.proposal()).hasValueSatisfying(p -> {
      assertThat(p.reason()).isEqualTo("QueriesSlower");
      assertThat(p.message()).isEqualTo("the affected queries got measurably slower after the"
          + " apply: mean 2.00 ms → 6.00 ms over 80 calls; set spec.rollback: true to drop it");
    });
    var off = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(RollbackMode.Propose, false, null)), applied(),
        history(followUp));
    assertThat(off.proposal()).isEmpty();
    assertThat(off.effect().outcome()).isEqualTo(Outcome.Slower);
  }

  @Test
  void anUnscannedIndexIsProposedOnlyAfterTheRunsThePolicyNames() {
    var twoRuns = new IndexFollowUp(IMPROVED, 2, 2, 2, 0L, IMPROVED.summary());
    var auto = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(RollbackMode.Auto, null, 2)), applied(),
        history(twoRuns));
    assertThat(auto.mode()).isEqualTo(RollbackMode.Auto);
    assertThat(auto.proposal()).hasValueSatisfying(p -> {
      assertThat(p.reason()).isEqualTo("IndexUnused");
      assertThat(p.message()).isEqualTo("no query scanned public.orders_c_idx"
          + " (pg_stat_user_indexes.idx_scan 0) in the 2 runs after the apply; rolling back"
          + " (history.rollbackPolicy.mode: Auto)");
    });
    assertThat(FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(RollbackMode.Auto, null, 3)), applied(),
        history(twoRuns)).proposal()).isEmpty();
    assertThat(FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(RollbackMode.Auto, null, null)), applied(),
        history(twoRuns)).proposal()).as("no unusedRuns: an unused index is kept").isEmpty();
  }

  @Test
  void aDroppedIndexOrNoStoreIsNotFollowedUp() {
    var followUp = new IndexFollowUp(SLOWER, 2, 2, 2, 0L, SLOWER.summary());
    var drop = FollowUps.follow(rec(IndexRecommendationSpec.Kind.DropIndex),
        analysis(null, new RollbackPolicy(null, null, 1)), applied(), history(followUp));
    assertThat(drop.effect()).isNull();
    assertThat(drop.proposal()).isEmpty();
    assertThat(asked).isEmpty();
    var none = FollowUps.follow(rec(IndexRecommendationSpec.Kind.CreateIndex),
        analysis(null, new RollbackPolicy(null, null, 1)), applied(), RunHistory.NONE);
    assertThat(none.effect()).isNull();
    assertThat(none.proposal()).isEmpty();
  }
}
