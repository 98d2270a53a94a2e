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
    // A covering candidate is served only by an index that also holds its INCLUDE columns.
    for (String col : candidate.include()) {
      boolean held = index.keys().contains(col)
          || (index.includeColumns() != null && index.includeColumns().contains(col));
      if (!held) {
        return false;
      }
    }
    for (int i = 0; i < candidate.keys().size(); i++) {
      if (!sameKey(index, i, candidate.keys().get(i))) {
        return false;
      }
    }
    return sameDirections(index, candidate);
  }

  /**
   * A candidate with a DESC key (a mixed ORDER BY) is served only by an index whose keys run the
   * same ways, or all the opposite ways (read backwards); directions come from the definition.
   */
  static boolean sameDirections(Index index, IndexDefinition candidate) {
    if (candidate.keys().stream().noneMatch(IndexKey::descending)) {
      return true;
    }
    List<Boolean> existing = directions(index.definition());
    if (existing == null || existing.size() < candidate.keys().size()) {
      return false;
    }
    boolean forward = true;
    boolean backward = true;
    for (int i = 0; i < candidate.keys().size(); i++) {
      boolean desc = candidate.keys().get(i).descending();
      forward &= existing.get(i) == desc;
      backward &= existing.get(i) != desc;
    }
    return forward || backward;
  }

  private static boolean isDesc(CharSequence key) {
    return key.toString().strip().toUpperCase(Locale.ROOT).matches(".*\\sDESC(\\s.*)?$");
  }

  /** DESC per key of a pg_get_indexdef text, null when it cannot be read. */
  static List<Boolean> directions(String definition) {
    if (definition == null) {
      return null;
    }
    int start = definition.indexOf(" USING ");
    int open = start < 0 ? -1 : definition.indexOf('(', start);
    if (open < 0) {
      return null;
    }
    var out = new java.util.ArrayList<Boolean>();
    int depth = 0;
    boolean quoted = false;
    var part = new StringBuilder();
    for (int i = open + 1; i < definition.length(); i++) {
      char c = definition.charAt(i);
      if (c == '"' || c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
      } else if (!quoted && c == ')') {
        if (depth == 0) {
          out.add(isDesc(part));
          return out;
        }
        depth--;
      } else if (!quoted && depth == 0 && c == ',') {
        out.add(isDesc(part));
        part.setLength(0);
        continue;
      }
      part.append(c);
    }
    return null;
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
