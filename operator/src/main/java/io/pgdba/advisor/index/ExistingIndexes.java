package io.pgdba.advisor.index;

import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares candidate indexes with the existing ones: a candidate whose keys are a leading prefix
 * of a valid existing index of the same method and compatible predicate brings nothing (and with
 * HypoPG, its hypothetical twin would look cheaper than the real index: the known trap).
 */
final class ExistingIndexes {

  private ExistingIndexes() {}

  /** The valid existing index that already serves {@code candidate}, if any. */
  static Optional<Index> servedBy(Table table, IndexDefinition candidate) {
    for (Index index : table.indexes()) {
      if (index.valid() && serves(index, candidate)) {
        return Optional.of(index);
      }
    }
    return Optional.empty();
  }

  static boolean serves(Index index, IndexDefinition candidate) {
    if (!index.method().equalsIgnoreCase(candidate.method())) {
      return false;
    }
    boolean samePredicate = Objects.equals(normalize(index.predicate()),
        normalize(candidate.where()));
    if (index.predicate() != null && !samePredicate) {
      return false;
    }
    if (candidate.keys().size() > index.keys().size()) {
      return false;
    }
    for (int i = 0; i < candidate.keys().size(); i++) {
      if (!sameKey(index, i, candidate.keys().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** True when two indexes have the same keys, operator classes, method and predicate. */
  static boolean equivalent(Index a, Index b) {
    return a.method().equalsIgnoreCase(b.method())
        && a.keys().size() == b.keys().size()
        && isPrefix(a, b)
        && Objects.equals(normalize(a.predicate()), normalize(b.predicate()));
  }

  /** True when every key of {@code a} is the same key at the same position of {@code b}. */
  static boolean isPrefix(Index a, Index b) {
    if (a.keys().size() > b.keys().size()) {
      return false;
    }
    for (int i = 0; i < a.keys().size(); i++) {
      if (!normalize(a.keys().get(i)).equals(normalize(b.keys().get(i)))
          || !Objects.equals(opclass(a, i), opclass(b, i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameKey(Index index, int i, IndexKey key) {
    boolean expr = index.expressionKeys() != null && i < index.expressionKeys().size()
        && Boolean.TRUE.equals(index.expressionKeys().get(i));
    if (expr != key.expression()) {
      return false;
    }
    String text = key.expression() ? key.text() : key.text();
    boolean sameText = key.expression()
        ? normalize(index.keys().get(i)).equals(normalize(text))
        : index.keys().get(i).equals(text);
    return sameText && Objects.equals(opclass(index, i), key.opclass());
  }

  private static String opclass(Index index, int i) {
    List<String> ops = index.opclasses();
    return ops == null || i >= ops.size() ? null : ops.get(i);
  }

  /**
   * Expression text as comparable as pg_get_expr allows: {@code lower((email)::text)} and
   * {@code lower(email)} are the same key; quotes, parentheses, casts and spaces are dropped.
   */
  static String normalize(String sql) {
    if (sql == null) {
      return null;
    }
    return sql.toLowerCase(Locale.ROOT)
        .replaceAll("::\\s*\"?[a-z_ ]+\"?(\\(\\d+(,\\d+)?\\))?(\\[\\])?", "")
        .replaceAll("[\"()\\s]", "");
  }
}
