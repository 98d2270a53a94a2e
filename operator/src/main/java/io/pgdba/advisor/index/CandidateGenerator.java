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

  private final boolean collationNeedsPatternOps;

  /** @param collationNeedsPatternOps true when the database collation is not C/POSIX */
  CandidateGenerator(boolean collationNeedsPatternOps) {
    this.collationNeedsPatternOps = collationNeedsPatternOps;
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
        List<Proposal> proposals;
        try {
          proposals = forAccess(access);
        } catch (RuntimeException e) {
          continue; // statistics we did not expect: no candidate rather than no advice at all
        }
        for (var proposal : proposals) {
          var existing = ExistingIndexes.servedBy(access.table(), proposal.definition());
          if (existing.isPresent()) {
            servedBy.computeIfAbsent(q.stats().fingerprint(), k -> new java.util.TreeSet<>())
                .add(existing.get().name());
            continue;
          }
          byDefinition.merge(proposal.definition(),
              new Candidate(proposal.definition(), access.table(), proposal.purpose(),
                  Set.of(q.stats().fingerprint())),
              (a, b) -> {
                var fps = new LinkedHashSet<>(a.fingerprints());
                fps.addAll(b.fingerprints());
                return new Candidate(a.definition(), a.table(), a.purpose(), Set.copyOf(fps));
              });
        }
      }
    }
    return byDefinition.values().stream()
        .sorted(Comparator.comparing((Candidate c) -> c.definition().toString()))
        .toList();
  }

  record Proposal(IndexDefinition definition, String purpose) {}

  /** Candidates for one table read, before the existing-index check. */
  List<Proposal> forAccess(TableAccess access) {
    Table table = access.table();
    var out = new ArrayList<Proposal>();
    // CREATE INDEX CONCURRENTLY is refused on a partitioned parent: its index takes ON ONLY, one
    // concurrent build per partition and ATTACH PARTITION, which the DDL here does not write yet.
    if (table.pages() < TINY_TABLE_PAGES || Table.PARTITIONED_TABLE.equals(table.kind())) {
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
    // Most selective first; the name breaks ties so that the result is deterministic.
    equalities.sort(Comparator.comparingDouble(Scored::selectivity).thenComparing(Scored::column));
    var keys = new ArrayList<IndexKey>();
    var seen = new LinkedHashSet<String>();
    for (Scored s : equalities) {
      if (rare != null && s.column().equals(rare.column())) {
        continue;
      }
      if (seen.add(s.column())) {
        keys.add(IndexKey.column(s.column()));
      }
    }
    if (range != null && !seen.contains(range.column())) {
      keys.add(rangeKey(table, range));
      seen.add(range.column());
    } else if (range == null && !access.orderBy().isEmpty()) {
      for (String col : access.orderBy()) {
        if (seen.add(col)) {
          keys.add(IndexKey.column(col));
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
    if (sparse != null && rare == null) {
      // Only the few non-NULL rows are indexed: small, and cheap to keep up.
      var partialKeys = keys.isEmpty() ? List.of(IndexKey.column(sparse.column())) : keys;
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), partialKeys)
          .withWhere(Identifiers.quote(sparse.column()) + " IS NOT NULL"),
          "partial index over the rows where " + sparse.column() + " is not NULL"));
    }
    if (rare != null) {
      var partialKeys = keys.isEmpty() ? List.of(IndexKey.column(rare.column())) : keys;
      String where = Identifiers.quote(rare.column()) + " = " + Identifiers.literal(rare.value());
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), partialKeys)
          .withWhere(where), "partial index for the rare value of a skewed column"));
    } else if (!keys.isEmpty()) {
      out.add(new Proposal(IndexDefinition.btree(schema, table.name(), keys),
          keys.size() == 1 ? "single-column btree" : "multi-column btree"));
      if (keys.size() > 1 && !keys.get(0).equals(keys.get(keys.size() - 1))) {
        // The leading key alone may serve more queries (chosen only if the selection agrees).
        out.add(new Proposal(IndexDefinition.btree(schema, table.name(), List.of(keys.get(0))),
            "single-column btree"));
      }
    }
    for (Predicate p : access.predicates()) {
      if (p.onExpression() && INDEXABLE_FUNCTIONS.contains(p.function())
          && (p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.RANGE)) {
        String expr = p.function() + "(" + Identifiers.quote(p.column()) + ")";
        out.add(new Proposal(IndexDefinition.btree(schema, table.name(),
            List.of(IndexKey.expression(expr))), "expression index"));
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
