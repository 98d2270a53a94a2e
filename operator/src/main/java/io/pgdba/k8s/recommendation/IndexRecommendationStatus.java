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
    @JsonPropertyDescription("What EXPLAIN showed after apply.") ObservedEffect observedEffect) {

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
