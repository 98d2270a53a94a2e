package io.pgdba.finding;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One piece of advice that is not an index to create: a table to repack, a query to rewrite, a
 * setting to change. Every advisor except the index advisor returns these, and every surface (text,
 * JSON, HTML, CR status, Events, metrics) renders them without knowing which advisor made them.
 *
 * @param category the advisor family, which surfaces group by
 * @param kind a stable machine name, {@code <category>.<what>} (for example {@code table.bloat},
 *     {@code table.int4-overflow}, {@code query.not-in-nullable}, {@code config.work_mem}); never
 *     reworded, since metrics, alerts and scripts key on it
 * @param severity how urgent it is
 * @param object what it is about: {@code schema.table}, {@code schema.table.column}, a parameter
 *     name or a query fingerprint
 * @param title one line a DBA reads in a list
 * @param evidence the figures the finding rests on, in the order the advisor gave them (numbers
 *     stay numbers in JSON); never a password or any other secret
 * @param advice what to do, and the cost and risk of doing it
 * @param sql the statement(s) that carry the advice out, or null when there is none
 * @param rollbackSql the statement(s) that undo {@code sql}, or null
 */
public record Finding(
    Category category,
    String kind,
    Severity severity,
    String object,
    String title,
    Map<String, Object> evidence,
    String advice,
    String sql,
    String rollbackSql) {

  public Finding {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(title, "title");
    if (!kind.startsWith(category.jsonName() + ".")) {
      throw new IllegalArgumentException(
          "kind " + kind + " must start with its category " + category.jsonName() + ".");
    }
    evidence = evidence == null
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
  }

  /** A finding without SQL. */
  public static Finding of(Category category, String kind, Severity severity, String object,
      String title, Map<String, Object> evidence, String advice) {
    return new Finding(category, kind, severity, object, title, evidence, advice, null, null);
  }

  public Finding withSql(String sql, String rollbackSql) {
    return new Finding(category, kind, severity, object, title, evidence, advice, sql, rollbackSql);
  }
}
