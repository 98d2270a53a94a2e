package io.pgdba.advisor.index;

import java.util.List;

/**
 * One piece of index advice, with the evidence behind it and everything needed to apply and undo it.
 *
 * @param columns key columns in order; an expression key is given as its SQL text
 * @param where the partial-index predicate, null if none
 * @param ddl {@code CREATE INDEX CONCURRENTLY IF NOT EXISTS ...} (or the DROP for a DropIndex)
 * @param rollbackDdl the statement that undoes {@code ddl}
 * @param estimatedImprovementPercent cost saved on the affected workload, weighted by calls
 * @param writeOverhead extra work per write on the table, in plain words with a figure
 * @param reason why: the evidence in one sentence
 * @param guidance locking, build time estimate, when to run it
 */
public record Recommendation(
    Kind kind,
    String schema,
    String table,
    String indexName,
    List<String> columns,
    List<String> includeColumns,
    String method,
    String where,
    String ddl,
    String rollbackDdl,
    long estimatedSizeBytes,
    double estimatedImprovementPercent,
    EstimateMethod estimateMethod,
    List<AffectedQuery> affectedQueries,
    String writeOverhead,
    String reason,
    String guidance) {

  public enum Kind {
    CreateIndex,
    DropIndex
  }

  public enum EstimateMethod {
    hypopg,
    model,
    /** Drop advice is based on catalog facts (duplicates, usage), not a cost estimate. */
    catalog
  }

  /**
   * A query the recommendation changes.
   *
   * @param costBefore planner total cost of the example query before, likewise after
   * @param planBefore its plan today (EXPLAIN FORMAT JSON, compact), for the HTML report; null
   *     when not kept (only the first few queries of a recommendation keep theirs)
   * @param planAfter its plan with this index alone (HypoPG), null without HypoPG
   */
  public record AffectedQuery(String fingerprint, long calls, double costBefore,
      double costAfter, String planBefore, String planAfter) {

    public AffectedQuery(String fingerprint, long calls, double costBefore, double costAfter) {
      this(fingerprint, calls, costBefore, costAfter, null, null);
    }
  }
}
