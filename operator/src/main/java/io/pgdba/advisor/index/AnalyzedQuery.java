package io.pgdba.advisor.index;

import io.pgdba.catalog.Table;
import io.pgdba.workload.QueryStats;
import java.util.List;

/**
 * What the advisor learned from one query: each table it reads and the predicates, join keys and
 * ordering on that table.
 *
 * @param writeTarget the table an INSERT, UPDATE or DELETE writes, else null
 */
record AnalyzedQuery(QueryStats stats, String sql, List<TableAccess> accesses, Table writeTarget) {

  /** How a column (or an expression on it) is restricted. */
  enum Op {
    EQ,
    IN,
    RANGE,
    LIKE_PREFIX,
    /** LIKE with a leading wildcard, or ILIKE: a btree cannot help. */
    LIKE_INFIX,
    IS_NULL,
    /** IS NOT NULL: worth a partial index when most rows are NULL. */
    NOT_NULL,
    /** Equality with a column of another table. */
    JOIN,
    /** A function or cast on the column that no expression key can serve (e.g. a cast). */
    OPAQUE
  }

  /**
   * One predicate on a table.
   *
   * @param column the catalog column it restricts
   * @param function for {@code f(col) = ...}: the function name, else null
   * @param value the literal compared with (EQ), else null
   * @param sql the predicate as written, with the table's alias, for selectivity EXPLAINs; null
   *     for a join key
   */
  record Predicate(String column, String function, Op op, String value, String sql) {

    boolean onExpression() {
      return function != null;
    }
  }

  /**
   * One read of a table in the query.
   *
   * @param alias the name the query refers to it by
   * @param orderBy columns of ORDER BY when they are all this table's, else empty
   * @param limit the LIMIT row count when known, else null
   */
  record TableAccess(
      Table table,
      String alias,
      List<Predicate> predicates,
      List<String> orderBy,
      boolean orderDescending,
      List<String> groupBy,
      Long limit,
      boolean joined) {}
}
