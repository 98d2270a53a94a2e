package io.pgdba.advisor.index;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.advisor.index.AnalyzedQuery.TableAccess;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives candidate indexes from the analyzed queries: btree keys with the equality columns
 * first (most selective first), then one range column, then the sort columns; partial indexes
 * for rare values of skewed columns; expression indexes; join keys. Drops what an existing index
 * already serves and what no btree can serve; whether a candidate filters enough to pay off is
 * for the cost evaluation to say.
 */
final class CandidateGenerator {

  /** Below this many pages a sequential scan costs next to nothing: no index pays for itself. */
  static final long TINY_TABLE_PAGES = 32;
  /** A value this rare on a low-cardinality column makes a partial index on it worthwhile. */
  static final double RARE_VALUE = 0.05;
  /** A column with at least this share of NULLs gets a partial index for IS NOT NULL. */
  static final double MOSTLY_NULL = 0.5;
  /** A column with at most this many distinct values is "low cardinality". */
  static final double LOW_CARDINALITY = 100;
  /** Immutable one-argument functions an expression index can serve. */
  static final Set<String> INDEXABLE_FUNCTIONS = Set.of("lower", "upper");

  /** A value of a column this common makes {@code col <> value} worth a partial index. */
  static final double COMMON_VALUE = 0.5;
  /**
   * At most this many equality columns lead a key (Dexter caps at 3 too): by the third, the
   * product of their selectivities leaves a few rows at most on real data, and each further
   * column makes every insert and update pay for an index that filters no better.
   */
  static final int MAX_EQUALITY_KEYS = 3;
  /** pg_trgm needs a run of this many characters without wildcards to narrow anything. */
  static final int TRIGRAM_RUN = 3;

  private final boolean collationNeedsPatternOps;
  private final boolean trigram;
  /** table + column -> how many queries of the workload test it for equality. */
  private final Map<String, Integer> equalityUse = new java.util.HashMap<>();
  /** table + column of jsonb columns some query tests with ?, ?| or ?& (jsonb_ops needed). */
  private final Set<String> keyExists = new java.util.HashSet<>();

  /** @param collationNeedsPatternOps true when the database collation is not C/POSIX */
  CandidateGenerator(boolean collationNeedsPatternOps) {
    this(collationNeedsPatternOps, false);
  }

  /** @param trigram true when pg_trgm is installed: LIKE '%x%' gets a trigram GIN index */
  CandidateGenerator(boolean collationNeedsPatternOps, boolean trigram) {
    this.collationNeedsPatternOps = collationNeedsPatternOps;
    this.trigram = trigram;
  }

  private final Map<String, Set<String>> servedBy = new LinkedHashMap<>();

  /**
   * Per fingerprint, the existing indexes that already serve a candidate of the query (filled by
   * {@link #generate}): "already indexed by X" when nothing new is proposed for it.
   */
  Map<String, Set<String>> servedBy() {
    return servedBy;
  }

  /** Candidates for all queries, identical definitions merged, in a deterministic order. */
  List<Candidate> generate(List<AnalyzedQuery> queries) {
    Map<IndexDefinition, Candidate> byDefinition = new LinkedHashMap<>();
    for (AnalyzedQuery q : queries) {
      for (TableAccess access : q.accesses()) {
        var counted = new java.util.HashSet<String>();
        for (Predicate p : access.predicates()) {
          if ((p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.IS_NULL) && !p.onExpression()
              && counted.add(p.column())) {
            equalityUse.merge(key(access.table(), p.column()), 1, Integer::sum);
          }
          if (p.op() == Op.KEY_EXISTS) {
            keyExists.add(key(access.table(), p.column()));
          }
        }
      }
    }
    for (AnalyzedQuery q : queries) {
      for (TableAccess access : q.accesses()) {
        List<Proposal> proposals;
        try {
          proposals = forAccess(access);
        } catch (RuntimeException e) {
          continue; // statistics we did not expect: no candidate rather than no advice at all
        }
        for (var proposal : proposals) {
          var def = proposal.definition();
          var existing = !proposal.companions().isEmpty()
              ? java.util.Optional.<io.pgdba.catalog.Index>empty()
              : "gin".equals(def.method())
              ? java.util.Optional.ofNullable(ginServedBy(access.table(), def.keys().get(0)))
              : ExistingIndexes.servedBy(access.table(), def);
          if (existing.isPresent()) {
            servedBy.computeIfAbsent(q.stats().fingerprint(), k -> new java.util.TreeSet<>())
                .add(existing.get().name());
            continue;
          }
          byDefinition.merge(proposal.definition(),
              new Candidate(proposal.definition(), access.table(), proposal.purpose(),
                  Set.of(q.stats().fingerprint()), proposal.companions()),
              (a, b) -> {
                var fps = new LinkedHashSet<>(a.fingerprints());
                fps.addAll(b.fingerprints());
                return new Candidate(a.definition(), a.table(), a.purpose(), Set.copyOf(fps),
                    a.companions().size() >= b.companions().size() ? a.companions()
                        : b.companions());
              });
        }
      }
    }
    return byDefinition.values().stream()
        .sorted(Comparator.comparing((Candidate c) -> c.definition().toString()))
        .toList();
  }

  record Proposal(IndexDefinition definition, String purpose, List<IndexDefinition> companions) {

    Proposal(IndexDefinition definition, String purpose) {
      this(definition, purpose, List.of());
    }
  }

  private static String key(Table table, String column) {
    return table.schema() + '\u0000' + table.name() + '\u0000' + column;
  }

  /** Candidates for one table read, before the existing-index check. */
  List<Proposal> forAccess(TableAccess access) {
    Table table = access.table();
    var out = new ArrayList<Proposal>();
    // A partitioned parent's pages are its partitions' (TableFacts); its index is an ON ONLY
    // script, written by the advisor, and a parent it cannot script is dropped there.
    if (table.pages() < TINY_TABLE_PAGES) {
      return out;
    }
    var equalities = new ArrayList<Scored>();
    Predicate rare = null;
    double rareSel = 1;
    Predicate range = null;
    for (Predicate p : access.predicates()) {
      Column col = table.column(p.column()).orElse(null);
      if (col == null || p.onExpression()) {
        continue;
      }
      switch (p.op()) {
        case EQ, IN, IS_NULL -> {
          double sel = p.op() == Op.EQ ? ColumnSelectivity.equality(table, col, p.value())
              : p.op() == Op.IS_NULL && col.stats() != null ? col.stats().nullFrac()
              : ColumnSelectivity.equality(table, col, null);
          double distinct = ColumnSelectivity.distinct(table, col);
          if (p.op() == Op.EQ && p.value() != null && sel <= RARE_VALUE
              && distinct <= LOW_CARDINALITY && sel < rareSel) {
            rare = p;
            rareSel = sel;
          } else {
            // No selectivity threshold here: whether a key pays is decided from estimated costs
            // (a fixed cut made columns near it flip in and out between two ANALYZE runs).
            equalities.add(new Scored(p.column(), sel));
          }
        }
        case RANGE, LIKE_PREFIX -> {
          if (range == null) {
            range = p;
          }
        }
        default -> { }
      }
    }
    // The equality tested by the most queries of the workload first, so that one index serves
    // them all through its leading column; then the most selective; the name breaks ties.
    equalities.sort(Comparator.comparingInt((Scored s) ->
            -equalityUse.getOrDefault(key(table, s.column()), 0))
        .thenComparingDouble(Scored::selectivity).thenComparing(Scored::column));
    var keys = new ArrayList<IndexKey>();
    var seen = new LinkedHashSet<String>();
    // Never analyzed (reltuples -1): no row count to pin against, only the column cap applies.
    double pinned = table.rowEstimate() > 0 ? table.rowEstimate() : Double.POSITIVE_INFINITY;
    for (Scored s : equalities) {
      if (rare != null && s.column().equals(rare.column())) {
        continue;
      }
      // A further equality column narrows nothing once the keys pin about one row, and past a
      // few columns the index only grows: the others are checked on the fetched rows.
      if (keys.size() >= MAX_EQUALITY_KEYS || !keys.isEmpty() && pinned < 2) {
        break;
      }
      if (seen.add(s.column())) {
        keys.add(IndexKey.column(s.column()));
        pinned *= s.selectivity();
      }
    }
    // When the equality keys find the row, a range or sort column after them serves nothing.
    boolean rowFound = !keys.isEmpty() && pinned < 2;
    if (!rowFound && range != null && !seen.contains(range.column())) {
      keys.add(rangeKey(table, range));
      seen.add(range.column());
    } else if (!rowFound && range == null && !access.orderBy().isEmpty()) {
      // ORDER BY a DESC, b needs (a DESC, b); when every key runs the same way a plain index
      // read backwards serves, and DESC would only make it differ from the usual one.
      boolean mixed = access.mixedOrder();
      for (int i = 0; i < access.orderBy().size(); i++) {
        String col = access.orderBy().get(i);
        if (seen.add(col)) {
          keys.add(IndexKey.column(col).withDescending(mixed && access.orderDirections().get(i)));
        }
      }
    }
    String schema = table.schema();
    Predicate sparse = null;
    for (Predicate p : access.predicates()) {
      Column col = table.column(p.column()).orElse(null);
      if (p.op() == Op.NOT_NULL && !p.onExpression() && col != null && col.stats() != null
          && col.stats().nullFrac() >= MOSTLY_NULL) {
        sparse = p;
        break;
      }
    }
    Predicate common = null;
    for (Predicate p : access.predicates()) {
      Column col = table.column(p.column()).orElse(null);
      if (p.op() == Op.NOT_EQUAL && col != null && p.value() != null
          && ColumnSelectivity.equality(table, col, p.value()) >= COMMON_VALUE) {
        common = p;
        break;
      }
    }
    if (common != null && rare == null && sparse == null) {
      // WHERE status <> 'done' when most rows are done: only the others are indexed.
      var partialKeys = keys.isEmpty() ? List.of(IndexKey.column(common.column())) : keys;
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), partialKeys)
          .withWhere(Identifiers.quote(common.column()) + " <> "
              + Identifiers.literal(common.value())),
          "partial index over the rows where " + common.column() + " is not the common value"));
    }
    if (sparse != null && rare == null) {
      // Only the few non-NULL rows are indexed: small, and cheap to keep up.
      var partialKeys = keys.isEmpty() ? List.of(IndexKey.column(sparse.column())) : keys;
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), partialKeys)
          .withWhere(Identifiers.quote(sparse.column()) + " IS NOT NULL"),
          "partial index over the rows where " + sparse.column() + " is not NULL"));
    }
    if (rare != null) {
      var withRare = new ArrayList<IndexKey>();
      withRare.add(IndexKey.column(rare.column()));
      withRare.addAll(keys);
      if (ExistingIndexes.servedBy(table, IndexDefinition.btree(schema, table.name(), withRare))
          .isPresent()) {
        // An index led by the column already serves the value: "already indexed by" it.
        rare = null;
        keys.add(0, withRare.get(0));
      }
    }
    if (rare != null) {
      var partialKeys = keys.isEmpty() ? List.of(IndexKey.column(rare.column())) : keys;
      String where = Identifiers.quote(rare.column()) + " = " + Identifiers.literal(rare.value());
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), partialKeys)
          .withWhere(where), "partial index for the rare value of a skewed column"));
    } else if (!keys.isEmpty()) {
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), keys),
          keys.size() == 1 ? "single-column btree" : "multi-column btree"));
      var include = covering(access, keys);
      if (!include.isEmpty()) {
        // Whether the index-only scan pays (a table mostly all-visible) is the evaluation's.
        out.add(new Proposal(new IndexDefinition(schema, table.name(), "btree", keys, include,
            null), "covering btree (INCLUDE " + String.join(", ", include) + ") for an"
            + " index-only scan"));
      }
      if (keys.size() > 1 && !keys.get(0).equals(keys.get(keys.size() - 1))) {
        // The leading key alone may serve more queries (chosen only if the selection agrees).
        out.add(new Proposal(IndexDefinition.btree(schema, table.name(), List.of(keys.get(0))),
            "single-column btree"));
      }
    }
    for (Predicate p : access.predicates()) {
      if (p.onExpression() && btreeExpression(p)
          && (p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.RANGE)) {
        out.add(new Proposal(IndexDefinition.btree(schema, table.name(),
            List.of(IndexKey.expression(p.keyText()))), "expression index"));
      }
    }
    gin(access, out);
    for (Predicate p : access.predicates()) {
      if (p.op() == Op.OR) {
        orArms(access, p, out);
      }
    }
    if (access.joined()) {
      for (Predicate p : access.predicates()) {
        if (p.op() == Op.JOIN && !seen.contains(p.column())) {
          boolean fk = table.constraints().stream().anyMatch(c ->
              c.kind() == Constraint.Kind.FOREIGN_KEY && c.columns().size() == 1
                  && c.columns().get(0).equals(p.column()));
          out.add(new Proposal(IndexDefinition.btree(schema, table.name(),
              List.of(IndexKey.column(p.column()))),
              fk ? "unindexed foreign key used in a join" : "join key"));
        }
      }
    }
    return out;
  }

  /** At most this many INCLUDE columns: wider, the index nears the table's own size. */
  static final int MAX_INCLUDE = 3;

  /**
   * The columns the query reads beyond the keys, as INCLUDE columns of a covering index (PG 11+);
   * empty when the query reads unknown columns or too many, or the keys cover it already.
   */
  static List<String> covering(TableAccess access, List<IndexKey> keys) {
    var needed = access.needed();
    if (needed == null || keys.stream().anyMatch(IndexKey::expression)) {
      return List.of();
    }
    var extra = new ArrayList<String>();
    for (String col : needed) {
      if (keys.stream().noneMatch(k -> k.text().equals(col))) {
        extra.add(col);
      }
    }
    return extra.size() > MAX_INCLUDE ? List.of() : extra;
  }

  /** An expression a btree key can be: lower/upper(col), data->>'key'. */
  static boolean btreeExpression(Predicate p) {
    return p.keySql() != null && "->>".equals(p.function())
        || p.keySql() == null && INDEXABLE_FUNCTIONS.contains(p.function());
  }

  /**
   * GIN candidates: jsonb containment (jsonb_path_ops, smaller and faster, when no query of the
   * workload asks ? on the column), key existence (jsonb_ops), array containment and overlap,
   * full text on the query's own to_tsvector expression, and trigrams for LIKE '%x%'.
   */
  private void gin(TableAccess access, List<Proposal> out) {
    Table table = access.table();
    var byKey = new LinkedHashMap<IndexKey, String>();
    for (Predicate p : access.predicates()) {
      Column col = table.column(p.column()).orElse(null);
      if (col == null) {
        continue;
      }
      String type = col.type() == null ? "" : col.type();
      boolean jsonb = type.equals("jsonb");
      boolean array = type.endsWith("[]");
      switch (p.op()) {
        case CONTAINS, KEY_EXISTS -> {
          if (jsonb) {
            boolean pathOps = p.op() == Op.CONTAINS
                && !keyExists.contains(key(table, p.column()));
            byKey.putIfAbsent(IndexKey.column(p.column(), pathOps ? "jsonb_path_ops" : null),
                pathOps ? "GIN (jsonb_path_ops) for @> on " + p.column()
                    : "GIN for the key tests on " + p.column());
          } else if (array && p.op() == Op.CONTAINS) {
            byKey.putIfAbsent(IndexKey.column(p.column()), "GIN for @> on " + p.column());
          }
        }
        case OVERLAP -> {
          if (array) {
            byKey.putIfAbsent(IndexKey.column(p.column()), "GIN for && on " + p.column());
          }
        }
        case TEXT_MATCH -> {
          if (p.keySql() != null) {
            byKey.putIfAbsent(IndexKey.expression(p.keySql()), "full-text GIN on " + p.keySql());
          } else if (type.equals("tsvector")) {
            byKey.putIfAbsent(IndexKey.column(p.column()), "full-text GIN on " + p.column());
          }
        }
        case LIKE_INFIX -> {
          boolean textual = type.equals("text") || type.startsWith("character");
          if (trigram && textual && trigramRun(p.value())) {
            if (!p.onExpression()) {
              // ILIKE too: gin_trgm_ops answers it on the column itself, no lower() needed.
              byKey.putIfAbsent(IndexKey.column(p.column(), "gin_trgm_ops"),
                  "trigram GIN (pg_trgm) for LIKE/ILIKE '%...%' on " + p.column());
            } else if (p.keySql() == null && INDEXABLE_FUNCTIONS.contains(p.function())) {
              // lower(name) LIKE '%x%': the planner matches an index on the same expression
              // only; one on the bare column is never used for it.
              byKey.putIfAbsent(IndexKey.expression(p.keyText(), "gin_trgm_ops"),
                  "trigram GIN (pg_trgm) for LIKE/ILIKE '%...%' on " + p.keyText());
            }
          }
        }
        default -> { }
      }
    }
    byKey.forEach((key, purpose) -> out.add(new Proposal(new IndexDefinition(table.schema(),
        table.name(), "gin", List.of(key), List.of(), null), purpose)));
  }

  /** An existing GIN index on the same column or expression, whichever operator class. */
  static io.pgdba.catalog.Index ginServedBy(Table table, IndexKey key) {
    for (var index : table.indexes()) {
      if (index.valid() && "gin".equalsIgnoreCase(index.method()) && !index.keys().isEmpty()
          && index.predicate() == null
          && ExistingIndexes.normalize(index.keys().get(0)).equals(
              ExistingIndexes.normalize(key.text()))) {
        String opclass = index.opclasses() == null || index.opclasses().isEmpty() ? null
            : index.opclasses().get(0);
        boolean trgm = "gin_trgm_ops".equals(key.opclass());
        if (trgm == "gin_trgm_ops".equals(opclass)
            && !("jsonb_path_ops".equals(opclass) && key.opclass() == null)) {
          return index;
        }
      }
    }
    return null;
  }

  /** True when a LIKE pattern has a run of at least three literal characters. */
  static boolean trigramRun(String pattern) {
    if (pattern == null) {
      return false;
    }
    int run = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' || c == '_') {
        run = 0;
      } else {
        if (c == '\\') {
          i++;
        }
        if (++run >= TRIGRAM_RUN) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code a = 1 OR b = 2}: a BitmapOr serves it only when every arm has an index. The arms
   * already indexed are left; one missing index is an ordinary candidate, several are proposed
   * together (none pays off alone).
   */
  private void orArms(TableAccess access, Predicate or, List<Proposal> out) {
    Table table = access.table();
    var missing = new ArrayList<IndexDefinition>();
    for (Predicate arm : or.arms()) {
      IndexKey key;
      if (arm.onExpression()) {
        if (!btreeExpression(arm)) {
          return;
        }
        key = IndexKey.expression(arm.keyText());
      } else if (arm.op() == Op.EQ || arm.op() == Op.IN || arm.op() == Op.RANGE
          || arm.op() == Op.IS_NULL) {
        key = IndexKey.column(arm.column());
      } else if (arm.op() == Op.LIKE_PREFIX) {
        key = rangeKey(table, arm);
      } else if (arm.op() == Op.AND) {
        key = null;
      } else {
        return; // an arm no btree serves: the OR is filtered after a scan whatever we add
      }
      if (!arm.onExpression() && table.column(arm.column()).isEmpty()) {
        return;
      }
      var keys = key != null ? List.of(key) : conjunctionKeys(table, arm);
      if (keys.isEmpty()) {
        return;
      }
      var def = IndexDefinition.btree(table.schema(), table.name(), keys);
      if (ExistingIndexes.servedBy(table, def).isEmpty() && !missing.contains(def)) {
        missing.add(def);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String purpose = missing.size() == 1
        ? missing.get(0).keys().size() == 1 ? "single-column btree" : "multi-column btree"
        : "one btree per arm of the OR (" + missing.size() + " indexes, applied together: a"
            + " BitmapOr needs them all)";
    out.add(new Proposal(missing.get(0), purpose, missing.subList(1, missing.size())));
  }

  /**
   * The keys of one index for an OR's arm {@code (a = 1 AND b = 2)}: its equality columns, most
   * selective first, then one range or prefix column, as for a whole WHERE; the conjuncts no
   * btree serves are checked on the rows the index finds. Empty when none is indexable.
   */
  private List<IndexKey> conjunctionKeys(Table table, Predicate arm) {
    var equalities = new ArrayList<Scored>();
    Predicate range = null;
    for (Predicate p : arm.arms()) {
      Column col = table.column(p.column()).orElse(null);
      if (col == null || p.onExpression()) {
        continue;
      }
      if (p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.IS_NULL) {
        double sel = p.op() == Op.EQ ? ColumnSelectivity.equality(table, col, p.value())
            : p.op() == Op.IS_NULL && col.stats() != null ? col.stats().nullFrac()
            : ColumnSelectivity.equality(table, col, null);
        equalities.add(new Scored(p.column(), sel));
      } else if ((p.op() == Op.RANGE || p.op() == Op.LIKE_PREFIX) && range == null) {
        range = p;
      }
    }
    equalities.sort(Comparator.comparingDouble(Scored::selectivity)
        .thenComparing(Scored::column));
    var keys = new ArrayList<IndexKey>();
    var seen = new LinkedHashSet<String>();
    for (Scored s : equalities) {
      if (keys.size() < MAX_EQUALITY_KEYS && seen.add(s.column())) {
        keys.add(IndexKey.column(s.column()));
      }
    }
    if (range != null && seen.add(range.column())) {
      keys.add(rangeKey(table, range));
    }
    return keys;
  }

  private IndexKey rangeKey(Table table, Predicate p) {
    if (p.op() == Op.LIKE_PREFIX && needsPatternOps(table, p.column())) {
      return IndexKey.column(p.column(), "text_pattern_ops");
    }
    return IndexKey.column(p.column());
  }

  /** LIKE 'prefix%' can use a default btree only under the C collation. */
  private boolean needsPatternOps(Table table, String column) {
    var col = table.column(column).orElse(null);
    if (col != null && col.collation() != null) {
      return !isC(col.collation());
    }
    return collationNeedsPatternOps;
  }

  static boolean isC(String collation) {
    return collation.equals("C") || collation.equals("POSIX") || collation.equals("ucs_basic");
  }

  private record Scored(String column, double selectivity) {}
}
