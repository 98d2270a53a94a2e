package io.pgdba.k8s.recommendation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pgdba.k8s.conditions.Condition;
import java.util.List;

/** The audit trail of one recommendation: phase, who approved, when, and what it did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexRecommendationStatus(
    @JsonPropertyDescription("The metadata.generation the status reflects.")
        Long observedGeneration,
    @JsonPropertyDescription(
            "Proposed, Approved, Applying, Applied, Failed, RollingBack, RolledBack or Obsolete.")
        Phase phase,
    @JsonPropertyDescription("Ready and Applied conditions with reasons.")
        List<Condition> conditions,
    @JsonPropertyDescription("Who approved: the field manager or the pgdba.io/approved-by"
            + " annotation.")
        String approvedBy,
    @JsonPropertyDescription("When the approval was first seen (RFC 3339).") String approvedAt,
    @JsonPropertyDescription("Fully qualified name of the index that was built.")
        String appliedIndex,
    @JsonPropertyDescription("When the build started (RFC 3339).") String applyStartedAt,
    @JsonPropertyDescription("When the index was built and found valid (RFC 3339).")
        String appliedAt,
    @JsonPropertyDescription("When the rollback finished (RFC 3339).") String rolledBackAt,
    @JsonPropertyDescription("Why the last apply or rollback failed.") String failureReason,
    @JsonPropertyDescription("The estimate the recommendation was made with.")
        Effect estimatedEffect,
    @JsonPropertyDescription("What EXPLAIN showed after apply.") ObservedEffect observedEffect,
    @JsonPropertyDescription("What the build or its retry waits for right now; absent when"
            + " nothing is waited for.")
        WaitingFor waitingFor,
    @JsonPropertyDescription("Builds that found the table's lock taken, since the last approval"
            + " or window; retried with backoff up to a bound, then Failed.")
        Integer lockRetries,
    @JsonPropertyDescription("When the next attempt after a lock timeout starts (RFC 3339).")
        String nextAttemptAt,
    @JsonPropertyDescription("What the analysis runs after the apply measured on the affected"
            + " queries (needs the operator's history store).")
        MeasuredEffect measuredEffect,
    @JsonPropertyDescription("Who asked for the last rollback: spec.rollback or"
            + " history.rollbackPolicy (Auto).")
        String rolledBackBy) {

  /** Outcomes of {@link MeasuredEffect}. */
  public enum Outcome {
    /** Fewer runs after the apply than history.runsAfterApply. */
    Waiting,
    /** Enough runs, but no run on one side saw the affected queries. */
    NotEnoughData,
    Improved,
    NoMeasurableChange,
    Slower
  }

  /** The affected queries before and after the apply, from the history of the analysis. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MeasuredEffect(
      @JsonPropertyDescription("Waiting, NotEnoughData, Improved, NoMeasurableChange or Slower.")
          Outcome outcome,
      @JsonPropertyDescription("In one line, e.g. 'mean 15.7 ms → 0.40 ms over 1,200 calls'.")
          String summary,
      @JsonPropertyDescription("Calls-weighted mean of the affected queries before, in ms.")
          Double meanBeforeMs,
      @JsonPropertyDescription("Likewise after the apply, in ms.") Double meanAfterMs,
      @JsonPropertyDescription("meanAfterMs / meanBeforeMs: below 1 is faster.") Double ratio,
      @JsonPropertyDescription("Calls of the affected queries in the runs before.")
          Long callsBefore,
      @JsonPropertyDescription("Calls in the runs after.") Long callsAfter,
      @JsonPropertyDescription("Runs recorded after the apply (a run whose log began before it"
              + " counts on neither side).")
          Integer runsAfter,
      @JsonPropertyDescription("Runs after the apply needed to measure.") Integer runsNeeded,
      @JsonPropertyDescription("Scans of the index (pg_stat_user_indexes.idx_scan) at the last"
              + " run that read them.")
          Long indexScans,
      @JsonPropertyDescription("When this was last measured (RFC 3339).") String measuredAt) {}

  /** Reasons of {@link WaitingFor}. */
  public enum WaitReason {
    /** The build waits for older transactions to end: blocks nobody, bounded by buildTimeout. */
    OlderTransactions,
    /** The table's lock is held by others: bounded by lockTimeout, then retried. */
    TableLock,
    /** Another recommendation is building on the same table: builds run one at a time. */
    OtherBuild
  }

  /** What is waited for, typed so that nothing has to parse a message. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WaitingFor(
      @JsonPropertyDescription("OlderTransactions, TableLock or OtherBuild.") WaitReason reason,
      @JsonPropertyDescription("Since when (RFC 3339).") String since,
      @JsonPropertyDescription("The server sessions waited on (pg_blocking_pids).")
          List<Integer> pids,
      @JsonPropertyDescription("Start of the oldest transaction waited on (RFC 3339).")
          String oldestTransactionStart,
      @JsonPropertyDescription("For OtherBuild: the IndexRecommendation building now.")
          String recommendation) {}

  /** The engine's estimate. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Effect(
      @JsonPropertyDescription("Estimated cost saved, percent.") Double improvementPercent,
      @JsonPropertyDescription("Estimated index size in bytes.") Long sizeBytes) {}

  /** EXPLAIN of the affected queries after the build. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ObservedEffect(
      @JsonPropertyDescription("When the plans were checked (RFC 3339).") String verifiedAt,
      @JsonPropertyDescription("Affected queries EXPLAINed.") Integer queriesChecked,
      @JsonPropertyDescription("Of those, queries whose plan uses the index.")
          Integer queriesUsingIndex,
      @JsonPropertyDescription("Actual size of the built index in bytes.") Long indexSizeBytes,
      @JsonPropertyDescription("Planner cost saved on the checked queries, percent.")
          Double costImprovementPercent,
      @JsonPropertyDescription("Per query: whether the plan uses the index.")
          List<QueryCheck> queries) {}

  /** One query's plan check. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record QueryCheck(
      @JsonPropertyDescription("Fingerprint of the query.") String fingerprint,
      @JsonPropertyDescription("True when the plan uses the index.") Boolean usesIndex,
      @JsonPropertyDescription("Planner total cost after the build.") Double costAfter,
      @JsonPropertyDescription("Why the query could not be checked, if so.") String error) {}
}
