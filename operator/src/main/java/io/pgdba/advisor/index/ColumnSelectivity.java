package io.pgdba.advisor.index;

import io.pgdba.catalog.Column;
import io.pgdba.catalog.ColumnStats;
import io.pgdba.catalog.Table;

/**
 * Selectivity of equality on a column from pg_stats, the way the planner estimates it: the
 * frequency of a most common value, else the rest spread evenly over the other distinct values.
 */
final class ColumnSelectivity {

  /** PostgreSQL's DEFAULT_EQ_SEL, used when a column has no statistics. */
  static final double DEFAULT_EQ = 0.005;

  private ColumnSelectivity() {}

  /** Number of distinct values (pg_stats n_distinct resolved against the row count). */
  static double distinct(Table table, Column column) {
    ColumnStats s = column.stats();
    if (s == null) {
      return 1 / DEFAULT_EQ;
    }
    double rows = Math.max(1, table.rowEstimate());
    double nd = s.nDistinct() >= 0 ? s.nDistinct() : -s.nDistinct() * rows;
    return Math.max(1, nd);
  }

  /** Fraction of rows equal to {@code value}; the average over values when value is null. */
  static double equality(Table table, Column column, String value) {
    ColumnStats s = column.stats();
    if (s == null) {
      return DEFAULT_EQ;
    }
    double nd = distinct(table, column);
    if (value == null) {
      return (1 - s.nullFrac()) / nd;
    }
    var mcv = s.mostCommonValues() == null ? java.util.List.<String>of() : s.mostCommonValues();
    double mcvTotal = 0;
    for (int i = 0; i < mcv.size(); i++) {
      double f = s.mostCommonFreqs().get(i);
      if (mcv.get(i).equals(value)) {
        return f;
      }
      mcvTotal += f;
    }
    double others = nd - mcv.size();
    if (others < 1) {
      // Every value is in the MCV list and this one is not: it is (almost) absent.
      return Math.min(DEFAULT_EQ, 1 / Math.max(1, table.rowEstimate()));
    }
    return Math.max(0, 1 - s.nullFrac() - mcvTotal) / others;
  }

  /** The share of rows in the most common value: high means an equality filter keeps many. */
  static double topFrequency(Column column) {
    ColumnStats s = column.stats();
    if (s == null || s.mostCommonFreqs() == null || s.mostCommonFreqs().isEmpty()) {
      return 0;
    }
    return s.mostCommonFreqs().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }
}
