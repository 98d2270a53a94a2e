package io.pgdba.advisor.index;

/**
 * Limits of the index advisor.
 *
 * @param minImprovementPercent recommend nothing that saves less of the affected workload's cost
 * @param minCalls ignore queries seen fewer times
 * @param maxIndexesPerTable new indexes per table at most; 0 = no limit (the default: the
 *     cost/benefit decision, saving against write overhead, decides how many a table needs)
 * @param storageBudgetBytes total size of new indexes at most (0 = no budget)
 * @param useHypopg use HypoPG when the extension is there (false forces the cost model)
 */
public record AdvisorOptions(
    double minImprovementPercent,
    long minCalls,
    int maxIndexesPerTable,
    long storageBudgetBytes,
    boolean useHypopg) {

  /**
   * 20 %: below that the saving is within the planner's estimation noise and does not pay for the
   * write overhead and storage of one more index.
   */
  public static AdvisorOptions defaults() {
    return new AdvisorOptions(20.0, 1, 0, 0, true);
  }
}
