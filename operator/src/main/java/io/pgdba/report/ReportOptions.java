package io.pgdba.report;

/**
 * What a rendering shows.
 *
 * @param top queries per ranking in the text report; in the JSON report the number of queries
 *     listed, 0 for all of them
 * @param slowMs a query whose mean time reaches this is slow
 */
public record ReportOptions(int top, double slowMs) {

  public ReportOptions {
    if (top < 0) {
      throw new IllegalArgumentException("top must be >= 0, got " + top);
    }
  }

  /** 10 queries per ranking, 1 s: what pgBadger users expect to call slow. */
  public static ReportOptions defaults() {
    return new ReportOptions(10, 1000.0);
  }
}
