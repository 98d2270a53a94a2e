package io.pgdba.advisor.index;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.advisor.index.AnalyzedQuery.TableAccess;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The reason a DBA understands for each analyzed query that gets no index: what a candidate
 * would have saved and why it was not chosen, the existing index the plan already uses, a table
 * too small to matter, predicates that keep too many rows, or nothing an index can serve.
 */
final class NoIndexReasons {

  /** Above this share of a table's rows a predicate is "not selective" in the reason's words. */
  private static final double NOT_SELECTIVE = 0.05;

  private final Explainer explainer;
  private final Map<Candidate, Selection.Rejection> rejections;
  private final Map<String, Set<String>> servedBy;
  private final Map<String, Set<String>> planIndexes;
  private final TableFacts facts;
  private final boolean trigram;
  private final PartitionPruning pruning;

  NoIndexReasons(Explainer explainer, Map<Candidate, Selection.Rejection> rejections,
      Map<String, Set<String>> servedBy, Map<String, Set<String>> planIndexes, TableFacts facts,
      boolean trigram, PartitionPruning pruning) {
    this.pruning = pruning;
    this.explainer = explainer;
    this.rejections = rejections;
    this.servedBy = servedBy;
    this.planIndexes = planIndexes;
    this.facts = facts;
    this.trigram = trigram;
  }

  String reason(AnalyzedQuery q) {
    String reason = base(q);
    for (TableAccess a : q.accesses()) {
      String note = facts.note(a.table());
      if (note != null) {
        reason += "; " + note;
        break;
      }
    }
    return reason;
  }

  private String base(AnalyzedQuery q) {
    String fp = q.stats().fingerprint();
    String small = smallPartitions(q);
    if (small != null) {
      return small;
    }
    // A candidate that would have helped, but did not pay: its own reason.
    Candidate best = null;
    double bestSaving = 0;
    var mine = new ArrayList<Candidate>();
    for (var e : rejections.entrySet()) {
      if (e.getKey().fingerprints().contains(fp)) {
        mine.add(e.getKey());
      }
      Double s = e.getValue().savings().get(fp);
      if (s != null && s > bestSaving) {
        best = e.getKey();
        bestSaving = s;
      }
    }
    if (best != null) {
      return "no index: " + describe(best) + " would make it cheaper, but "
          + rejections.get(best).reason();
    }
    Set<String> used = planIndexes.getOrDefault(fp, Set.of());
    var onTables = new LinkedHashSet<String>();
    for (TableAccess a : q.accesses()) {
      a.table().indexes().forEach(i -> {
        if (used.contains(i.name())) {
          onTables.add(i.name());
        }
      });
    }
    Set<String> served = servedBy.getOrDefault(fp, Set.of());
    if (!served.isEmpty() && mine.isEmpty()) {
      return "already indexed by " + String.join(", ", served);
    }
    if (!onTables.isEmpty()) {
      return "already indexed by " + String.join(", ", onTables)
          + " (the plan uses it today and no candidate does better)";
    }
    for (TableAccess a : q.accesses()) {
      if (Table.PARTITIONED_TABLE.equals(a.table().kind()) && mine.isEmpty()
          && !facts.indexablePartitions(a.table())
          && a.table().pages() >= CandidateGenerator.TINY_TABLE_PAGES) {
        return unscriptable(a.table());
      }
    }
    if (q.accesses().stream().allMatch(
        a -> a.table().pages() < CandidateGenerator.TINY_TABLE_PAGES)) {
      Table t = q.accesses().get(0).table();
      return String.format(Locale.ROOT, "too few rows: %s has about %.0f rows in %d pages, a"
          + " sequential scan reads it at once", t.name(), Math.max(0, t.rowEstimate()),
          t.pages());
    }
    for (Candidate c : mine) {
      String why = rejections.get(c).reason();
      if (why.startsWith("the planner cannot")) {
        return "no index: " + describe(c) + " was not evaluated, " + why;
      }
    }
    if (!mine.isEmpty()) {
      Candidate c = mine.get(0);
      TableAccess access = q.accesses().stream().filter(a -> a.table().equals(c.table()))
          .findFirst().orElse(null);
      Double share = access == null ? null : share(access);
      if (share != null && share >= NOT_SELECTIVE) {
        return String.format(Locale.ROOT, "not selective: its predicates match %.1f %% of the"
            + " rows of %s, a sequential scan is cheaper than %s", 100 * share,
            c.table().name(), describe(c));
      }
      return "the planner prefers a sequential scan even with " + describe(c)
          + (share == null ? "" : String.format(Locale.ROOT, " (its predicates match %.2f %%"
              + " of the rows of %s)", 100 * share, c.table().name()));
    }
    String unindexable = unindexable(q);
    if (unindexable.equals(OTHER_CONDITIONS)) {
      // Its candidate may have been chosen for other queries without paying for this one.
      for (TableAccess a : q.accesses()) {
        Double share = share(a);
        if (share != null && share >= NOT_SELECTIVE) {
          return String.format(Locale.ROOT, "not selective: its predicates match %.1f %% of"
              + " the rows of %s, a sequential scan is cheaper than an index", 100 * share,
              a.table().name());
        }
      }
    }
    return "no indexable predicate: " + unindexable;
  }

  /**
   * Why a partitioned table's index has no script: a foreign partition can carry no index (an
   * ON ONLY parent index would stay INVALID forever, and a plain CREATE INDEX on the parent skips
   * it while locking every partition against writes), and a sub-partitioned partition needs an
   * ON ONLY level of its own, which pgdba's script and its apply do not write.
   */
  private String unscriptable(Table table) {
    var parts = facts.partitions(table);
    for (var p : parts) {
      if ("f".equals(p.relkind())) {
        return "partition " + p.name() + " of " + table.name() + " is a foreign table, which"
            + " cannot carry an index: an index on " + table.name() + " cannot be built as a"
            + " valid partitioned index without a write lock on every partition (a plain"
            + " CREATE INDEX on the parent skips the foreign partition but blocks writes for the"
            + " whole build); index the remote table behind " + p.name() + " on its own server,"
            + " and the plain partitions one by one with CREATE INDEX CONCURRENTLY";
      }
    }
    for (var p : parts) {
      if ("p".equals(p.relkind())) {
        return "partition " + p.name() + " of " + table.name() + " is itself partitioned:"
            + " pgdba writes the parent's index script (CREATE INDEX ON ONLY, one CONCURRENTLY"
            + " build per partition, ATTACH PARTITION) for one level of plain partitions only;"
            + " build it by hand level by level (ON ONLY on " + p.name() + " too, its"
            + " partitions' indexes CONCURRENTLY, attached bottom-up)";
      }
    }
    return "partitioned table " + table.name() + " has partitions pgdba cannot index"
        + " (not plain tables): index them by hand";
  }

  /**
   * "too few rows" for a query whose partitioned reads keep only small partitions, even when
   * the parent as a whole is large; null when some read is big enough to need an index.
   */
  private String smallPartitions(AnalyzedQuery q) {
    String first = null;
    for (TableAccess a : q.accesses()) {
      PartitionPruning.Kept k;
      try {
        k = pruning == null ? null : pruning.kept(a);
      } catch (ExplainException e) {
        return null;
      }
      long pages = k == null ? a.table().pages() : k.pages();
      if (pages >= CandidateGenerator.TINY_TABLE_PAGES) {
        return null;
      }
      if (k != null && k.pruned() && first == null) {
        first = String.format(Locale.ROOT, "too few rows: it reads only %s of %s, about %.0f"
            + " rows in %d pages (the whole table has %d), a sequential scan reads %s at once",
            PartitionPruning.describe(k), a.table().name(), k.rows(), pages,
            a.table().pages(), k.leaves().size() == 1 ? "it" : "them");
      }
    }
    return first;
  }

  private static final String OTHER_CONDITIONS =
      "its conditions (OR, <>, NOT, expressions) are none a btree serves";

  /** What in the query no btree serves, in a DBA's words. */
  private String unindexable(AnalyzedQuery q) {
    var parts = new ArrayList<String>();
    for (TableAccess a : q.accesses()) {
      for (Predicate p : a.predicates()) {
        String at = a.table().name() + "." + p.column();
        if (p.op() == Op.LIKE_INFIX) {
          parts.add(like(p, at));
        } else if (p.op() == Op.ANY_ARRAY) {
          parts.add("= ANY(" + at + ") on an array column, which no index serves (written as "
              + p.column() + " @> ARRAY[...] a GIN index could serve it)");
        } else if (p.op() == Op.OPAQUE && "to_tsvector".equals(p.function())) {
          parts.add("to_tsvector without a configuration on " + at + " (it depends on"
              + " default_text_search_config and cannot be indexed: write to_tsvector('english',"
              + " ...) with the configuration an index is built for)");
        } else if (p.op() == Op.NOT_EQUAL) {
          parts.add("<> on " + at + " matches most rows (only <> the most common value is worth"
              + " a partial index)");
        } else if (p.op() == Op.OR) {
          parts.add("an OR on " + a.table().name() + " whose arms are not all indexable (a"
              + " BitmapOr needs an index for every arm)");
        } else if (p.op() == Op.OPAQUE || (p.onExpression() && !p.gin()
            && !CandidateGenerator.btreeExpression(p))) {
          parts.add("a cast or function on " + a.table().name() + "." + p.column());
        }
      }
    }
    if (parts.isEmpty()) {
      // A WHERE whose conditions gave no predicate (NOT LIKE, a comparison of two
      // expressions) is still a WHERE: "no WHERE" would read as a misparse.
      boolean anything = q.accesses().stream().anyMatch(a -> !a.predicates().isEmpty()
          || !a.orderBy().isEmpty()) || hasWhere(q.sql());
      return anything ? OTHER_CONDITIONS
          : "no WHERE, join or ORDER BY an index could serve (it reads whole tables)";
    }
    return String.join("; ", parts);
  }

  private static boolean hasWhere(String sql) {
    return sql != null && java.util.regex.Pattern.compile("(?i)\\bwhere\\b")
        .matcher(sql.replaceAll("'(?:[^']|'')*'", "''")).find();
  }

  /** Why no btree serves this LIKE or ILIKE, and whether a trigram index could. */
  private String like(Predicate p, String at) {
    String pattern = p.value();
    String trgm = !trigram ? " (only a trigram index could serve it: install pg_trgm)"
        : CandidateGenerator.trigramRun(pattern) ? " (a pg_trgm GIN index could serve it)"
        : " (the pattern has no run of 3 characters a trigram index could look up)";
    if (pattern == null) {
      return "LIKE/ILIKE with a parameter as the pattern on " + at + ": a btree serves only a"
          + " constant pattern without a leading wildcard, and the workload does not show the"
          + " values" + (trigram ? " (a pg_trgm GIN index serves any pattern with 3 literal"
          + " characters)" : " (only a trigram index could serve a '%...%' pattern: install"
          + " pg_trgm)");
    }
    boolean leading = pattern.isEmpty() || pattern.charAt(0) == '%' || pattern.charAt(0) == '_';
    if (leading) {
      return "LIKE/ILIKE with a leading wildcard on " + at + trgm;
    }
    if (p.onExpression()) {
      return "LIKE on an expression of " + at + " (" + p.function() + ")" + trgm;
    }
    // Only ILIKE gets here: a case-insensitive match no btree range can bound.
    // (The pattern is log text: it is not echoed.)
    return "ILIKE on " + at + " is case-insensitive, which no btree serves (written as lower("
        + p.column() + ") = or LIKE a lower-case prefix, an index on lower(" + p.column()
        + ") would)" + trgm;
  }

  private Double share(TableAccess access) {
    List<Predicate> preds = access.predicates().stream().filter(p -> p.sql() != null).toList();
    Table t = access.table();
    if (preds.isEmpty() || t.rowEstimate() <= 0) {
      return null;
    }
    var where = new StringBuilder();
    for (Predicate p : preds) {
      where.append(where.length() == 0 ? "" : " AND ").append('(').append(p.sql()).append(')');
    }
    try {
      double rows = explainer.rows("SELECT 1 FROM " + Identifiers.qualified(t.schema(), t.name())
          + " AS " + Identifiers.quote(access.alias()) + " WHERE " + where);
      return Math.min(1, rows / t.rowEstimate());
    } catch (ExplainException e) {
      return null;
    }
  }

  private static String describe(Candidate c) {
    var def = c.definition();
    return "an index on " + c.table().name() + " ("
        + String.join(", ", def.keys().stream().map(k -> k.text()).toList()) + ")"
        + (def.where() == null ? "" : " WHERE " + def.where());
  }
}
