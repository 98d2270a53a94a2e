package io.pgdba.ddl;

/**
 * One key of an index.
 *
 * @param text a column name (unquoted), or for an expression key its SQL text with identifiers
 *     already quoted, e.g. {@code lower(email)}
 * @param expression true when {@code text} is an expression
 * @param opclass a non-default operator class such as {@code text_pattern_ops}, else null
 * @param descending true for a DESC key (only for a mixed-direction ORDER BY: a btree is read
 *     backwards for free when every key is reversed)
 */
public record IndexKey(String text, boolean expression, String opclass, boolean descending) {

  public IndexKey(String text, boolean expression, String opclass) {
    this(text, expression, opclass, false);
  }

  /** The same key sorted DESC (or ASC). */
  public IndexKey withDescending(boolean desc) {
    return new IndexKey(text, expression, opclass, desc);
  }

  public static IndexKey expression(String sql, String opclass) {
    return new IndexKey(sql, true, opclass);
  }

  public static IndexKey column(String name) {
    return new IndexKey(name, false, null);
  }

  public static IndexKey column(String name, String opclass) {
    return new IndexKey(name, false, opclass);
  }

  public static IndexKey expression(String sql) {
    return new IndexKey(sql, true, null);
  }

  /** The key as it appears between the parentheses of CREATE INDEX. */
  public String sql() {
    String key = expression ? "(" + text + ")" : Identifiers.quote(text);
    String withClass = opclass == null ? key : key + " " + opclass;
    return descending ? withClass + " DESC" : withClass;
  }
}
