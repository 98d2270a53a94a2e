package io.pgdba.k8s.recommendation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/**
 * The engine's recommendation as created by the operator, plus the two fields a human (or Git)
 * sets: {@code approved} and {@code rollback}. The operator never writes this spec again after
 * creating it, so Argo CD or Flux can own those two fields without a fight.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexRecommendationSpec(
    @Required @JsonPropertyDescription("Name of the PgAnalysis that recommended this.")
        String analysis,
    @Required @JsonPropertyDescription("CreateIndex, or DropIndex for an unused/duplicate index.")
        Kind kind,
    @JsonPropertyDescription("Schema of the table.") String schema,
    @Required @JsonPropertyDescription("Table the index is on.") String table,
    @Required @JsonPropertyDescription("Name of the index to create (or drop).")
        String indexName,
    @JsonPropertyDescription("Key columns in order; expressions as SQL text.")
        List<String> columns,
    @JsonPropertyDescription("INCLUDE columns (covering index).") List<String> includeColumns,
    @JsonPropertyDescription("Access method, e.g. btree.") String method,
    @JsonPropertyDescription("Predicate of a partial index.") String where,
    @Required
        @JsonPropertyDescription(
            "The statement that applies the recommendation (CREATE INDEX CONCURRENTLY ...).")
        String ddl,
    @Required @JsonPropertyDescription("The statement that undoes ddl.") String rollbackDdl,
    @JsonPropertyDescription("Estimated size of the index in bytes.") Long estimatedSizeBytes,
    @JsonPropertyDescription("Estimated cost saved on the affected queries, weighted by calls.")
        Double estimatedImprovementPercent,
    @JsonPropertyDescription("How the estimate was made: hypopg, model or catalog.")
        String estimateMethod,
    @JsonPropertyDescription("The queries this changes (at most 10), with an example each.")
        List<AffectedQuery> affectedQueries,
    @JsonPropertyDescription("Extra work on writes to the table, in plain words.")
        String writeOverhead,
    @JsonPropertyDescription("Why: the evidence in one sentence.") String reason,
    @JsonPropertyDescription("Locking, build time and when to run it.") String guidance,
    @JsonPropertyDescription(
            "Set to true to build the index (in the maintenance window of the analysis, if any)."
                + " Owned by a human or by Git.")
        Boolean approved,
    @JsonPropertyDescription(
            "Set to true to undo an applied recommendation with rollbackDdl. Owned by a human or"
                + " by Git.")
        Boolean rollback) {

  /** What applying does. */
  public enum Kind {
    CreateIndex,
    DropIndex
  }

  /** A query the recommendation changes; the example is EXPLAINed after apply. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AffectedQuery(
      @JsonPropertyDescription("Fingerprint of the normalized query.") String fingerprint,
      @JsonPropertyDescription("Executions seen.") Long calls,
      @JsonPropertyDescription("Planner cost of the example before.") Double costBefore,
      @JsonPropertyDescription("Estimated planner cost with the index.") Double costAfter,
      @JsonPropertyDescription("One real execution (truncated to 2000 characters).")
          String example) {}

  /** spec.approved is true (a method name Jackson does not take for a property). */
  public boolean approvedTrue() {
    return Boolean.TRUE.equals(approved);
  }

  /** spec.rollback is true. */
  public boolean rollbackTrue() {
    return Boolean.TRUE.equals(rollback);
  }
}
