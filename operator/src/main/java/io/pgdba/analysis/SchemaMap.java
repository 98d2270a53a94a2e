package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Table;
import io.pgdba.workload.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The part of the target's schema the workload touches, for the report's relationship diagram:
 * the tables named in the workload's queries (or given index advice), the tables their foreign
 * keys reference, their sizes and the indexes recommended on them. Built from the catalog already
 * read, so it costs the target nothing.
 *
 * @param tables at most {@link #MAX_TABLES}, the touched ones first, then by size
 * @param foreignKeys between listed tables only
 */
public record SchemaMap(List<TableNode> tables, List<ForeignKey> foreignKeys) {

  /** A diagram of more tables than this is no longer read, only scrolled. */
  public static final int MAX_TABLES = 60;

  /**
   * @param name {@code name} in schema public, else {@code schema.name}
   * @param recommended names of the indexes recommended on it
   */
  public record TableNode(String name, long totalSizeBytes, long rows, int indexes,
      boolean touched, List<String> recommended) {}

  public record ForeignKey(String from, String to, List<String> columns) {}

  static SchemaMap of(Catalog catalog, Workload workload, IndexAdvice advice) {
    Set<String> words = words(workload);
    var recommended = new HashMap<String, List<String>>();
    if (advice != null) {
      for (var r : advice.recommendations()) {
        recommended.computeIfAbsent(label(r.schema(), r.table()), k -> new ArrayList<>())
            .add(r.indexName());
      }
    }
    Map<String, Table> byLabel = new HashMap<>();
    for (Table t : catalog.tables()) {
      byLabel.put(label(t.schema(), t.name()), t);
    }
    var touched = new LinkedHashSet<String>();
    for (Table t : catalog.tables()) {
      String label = label(t.schema(), t.name());
      if (recommended.containsKey(label) || words.contains(t.name())
          || words.contains(t.name().toLowerCase(Locale.ROOT))) {
        touched.add(label);
      }
    }
    var chosen = new LinkedHashSet<>(sortBySize(touched, byLabel));
    var referenced = new LinkedHashSet<String>();
    for (String label : touched) {
      for (var c : byLabel.get(label).constraints()) {
        if (c.kind() == Constraint.Kind.FOREIGN_KEY && c.referencedTable() != null) {
          String to = label(c.referencedSchema(), c.referencedTable());
          if (byLabel.containsKey(to) && !chosen.contains(to)) {
            referenced.add(to);
          }
        }
      }
    }
    chosen.addAll(sortBySize(referenced, byLabel));
    var kept = chosen.stream().limit(MAX_TABLES).toList();
    var keptSet = new HashSet<>(kept);
    var tables = new ArrayList<TableNode>();
    var keys = new ArrayList<ForeignKey>();
    for (String label : kept) {
      Table t = byLabel.get(label);
      tables.add(new TableNode(label, t.totalSizeBytes(), Math.max(0, Math.round(t.rowEstimate())),
          t.indexes().size(), touched.contains(label),
          List.copyOf(recommended.getOrDefault(label, List.of()))));
      for (var c : t.constraints()) {
        if (c.kind() == Constraint.Kind.FOREIGN_KEY && c.referencedTable() != null) {
          String to = label(c.referencedSchema(), c.referencedTable());
          if (keptSet.contains(to)) {
            keys.add(new ForeignKey(label, to, List.copyOf(c.columns())));
          }
        }
      }
    }
    return new SchemaMap(List.copyOf(tables), List.copyOf(keys));
  }

  private static List<String> sortBySize(Set<String> labels, Map<String, Table> byLabel) {
    return labels.stream()
        .sorted(Comparator.comparingLong((String l) -> byLabel.get(l).totalSizeBytes()).reversed()
            .thenComparing(Comparator.naturalOrder()))
        .toList();
  }

  private static String label(String schema, String name) {
    return schema == null || schema.equals("public") ? name : schema + "." + name;
  }

  /**
   * Identifiers of every query text: unquoted ones as written and folded to lower case, quoted
   * ones exactly. One pass over the texts, so a workload of 20,000 queries costs milliseconds.
   */
  static Set<String> words(Workload workload) {
    var out = new HashSet<String>();
    for (var q : workload.queries()) {
      String s = q.query();
      if (s == null) {
        continue;
      }
      int i = 0;
      int n = s.length();
      while (i < n) {
        char c = s.charAt(i);
        if (c == '"') {
          var sb = new StringBuilder();
          i++;
          while (i < n) {
            char d = s.charAt(i);
            if (d == '"') {
              if (i + 1 < n && s.charAt(i + 1) == '"') {
                sb.append('"');
                i += 2;
                continue;
              }
              break;
            }
            sb.append(d);
            i++;
          }
          out.add(sb.toString());
          i++;
        } else if (Character.isLetter(c) || c == '_') {
          int start = i;
          while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
              || s.charAt(i) == '$')) {
            i++;
          }
          String w = s.substring(start, i);
          out.add(w);
          out.add(w.toLowerCase(Locale.ROOT));
        } else {
          i++;
        }
      }
    }
    return out;
  }
}
