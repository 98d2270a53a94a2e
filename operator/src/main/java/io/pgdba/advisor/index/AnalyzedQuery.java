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
    OPAQUE,
    /** {@code col <> 'value'}: worth a partial index when the value is the common one. */
    NOT_EQUAL,
    /** {@code jsonb_or_array @> constant}: GIN (jsonb_path_ops serves it on jsonb). */
    CONTAINS,
    /** {@code jsonb ? key}, {@code ?|}, {@code ?&}: GIN with the default jsonb_ops only. */
    KEY_EXISTS,
    /** {@code array && constant}: GIN. */
    OVERLAP,
    /** {@code to_tsvector(config, col) @@ query}, or a tsvector column: GIN. */
    TEXT_MATCH,
    /** {@code constant = ANY(array column)}: no index serves it (@> would). */
    ANY_ARRAY,
    /** {@code a = 1 OR b = 2}: one index per arm, combined by a BitmapOr. */
    OR,
    /**
     * {@code a = 1 AND b = 2} as one arm of an OR (its arms are the conjuncts): one index on
     * them serves the arm in a BitmapOr.
     */
    AND
  }

  /**
   * One predicate on a table.
   *
   * @param column the catalog column it restricts
   * @param function for {@code f(col) = ...}: the function name, else null
   * @param value the literal compared with (EQ), else null
   * @param sql the predicate as written, with the table's alias, for selectivity EXPLAINs; null
   *     for a join key
   * @param partner for a join key, the position in {@link AnalyzedQuery#accesses()} of the
   *     table it is compared with (a nested loop probes the index once per row of that table);
   *     -1 when not one table (USING, IN (subquery)) or not a join key
   */
  record Predicate(String column, String function, Op op, String value, String sql,
      String keySql, List<Predicate> arms, int partner) {

    Predicate(String column, String function, Op op, String value, String sql) {
      this(column, function, op, value, sql, null, List.of());
    }

    Predicate(String column, String function, Op op, String value, String sql,
        String keySql, List<Predicate> arms) {
      this(column, function, op, value, sql, keySql, arms, -1);
    }

    Predicate {
      arms = arms == null ? List.of() : List.copyOf(arms);
    }

    boolean onExpression() {
      return function != null || keySql != null;
    }

    /**
     * The index key that serves an expression predicate, identifiers and literals already
     * quoted: {@code lower("email")}, {@code "data" ->> 'plan'},
     * {@code to_tsvector('english', "body")}; null for a plain column.
     */
    String keyText() {
      if (keySql != null) {
        return keySql;
      }
      return function == null ? null
          : function + "(" + io.pgdba.ddl.Identifiers.quote(column) + ")";
    }

    /** A predicate only a GIN index serves. */
    boolean gin() {
      return op == Op.CONTAINS || op == Op.KEY_EXISTS || op == Op.OVERLAP
          || op == Op.TEXT_MATCH;
    }
  }

  /**
   * One read of a table in the query.
   *
   * @param alias the name the query refers to it by
   * @param orderBy columns of ORDER BY when they are all this table's, else empty
   * @param limit the LIMIT row count when known, else null
   * @param orderDirections parallel to {@code orderBy}: true where that key sorts DESC
   * @param selected the table's columns the query's select list reads (single-table queries),
   *     null when unknown or all of them ({@code *}): what an index-only scan must cover
   */
  record TableAccess(
      Table table,
      String alias,
      List<Predicate> predicates,
      List<String> orderBy,
      boolean orderDescending,
      List<String> groupBy,
      Long limit,
      boolean joined,
      List<Boolean> orderDirections,
      List<String> selected) {

    TableAccess(Table table, String alias, List<Predicate> predicates, List<String> orderBy,
        boolean orderDescending, List<String> groupBy, Long limit, boolean joined) {
      this(table, alias, predicates, orderBy, orderDescending, groupBy, limit, joined, null,
          null);
    }

    /**
     * Every column of the table the query needs, for an index-only scan; null when unknown.
     */
    java.util.Set<String> needed() {
      if (selected == null) {
        return null;
      }
      var out = new java.util.LinkedHashSet<String>(selected);
      for (Predicate p : predicates) {
        if (p.onExpression() || p.op() == AnalyzedQuery.Op.OR) {
          return null;
        }
        out.add(p.column());
      }
      out.addAll(orderBy);
      out.addAll(groupBy);
      return out;
    }

    TableAccess {
      if (orderDirections == null || orderDirections.size() != orderBy.size()) {
        orderDirections = java.util.Collections.nCopies(orderBy.size(), orderDescending);
      }
      orderDirections = List.copyOf(orderDirections);
    }

    /** True when ORDER BY mixes ASC and DESC: only an index with the same mix serves it. */
    boolean mixedOrder() {
      return orderDirections.stream().distinct().count() > 1;
    }
  }
}
