package io.pgdba.advisor.index;

import io.pgdba.advisor.index.AnalyzedQuery.Op;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.advisor.index.AnalyzedQuery.TableAccess;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.catalog.Column;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The advisor's own cost model, for servers without HypoPG. Row counts come from the planner
 * (EXPLAIN of the table's predicates alone, so histograms and MCVs are used); page and CPU costs
 * follow PostgreSQL's formulas in simplified form (index descent and leaf pages, heap pages by
 * Cardenas' approximation interpolated by the leading column's correlation, bitmap heap scan,
 * sequential scan, sort). The saving of a table read, model cost before minus model cost with the
 * candidate, is taken off the planner's real cost of the query.
 */
final class CostModel implements Evaluator {

  private static final double PAGE = 8192;

  private final Explainer explainer;
  private final boolean collationNeedsPatternOps;
  private final double seqPage;
  private final double randomPage;
  private final double cpuTuple;
  private final double cpuIndexTuple;
  private final double cpuOperator;
  private final Map<IndexDefinition, Long> sizes = new java.util.HashMap<>();
  private PartitionPruning pruning;

  CostModel(Explainer explainer, Map<String, String> settings, boolean collationNeedsPatternOps) {
    this.explainer = explainer;
    this.collationNeedsPatternOps = collationNeedsPatternOps;
    this.seqPage = setting(settings, "seq_page_cost", 1.0);
    this.randomPage = setting(settings, "random_page_cost", 4.0);
    this.cpuTuple = setting(settings, "cpu_tuple_cost", 0.01);
    this.cpuIndexTuple = setting(settings, "cpu_index_tuple_cost", 0.005);
    this.cpuOperator = setting(settings, "cpu_operator_cost", 0.0025);
  }

  private static double setting(Map<String, String> settings, String name, double fallback) {
    try {
      String v = settings == null ? null : settings.get(name);
      return v == null ? fallback : Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * Prices a partitioned table's read on the partitions the planner keeps for its predicates
   * (see {@link PartitionPruning}) instead of on the whole parent.
   */
  void pruning(PartitionPruning pruning) {
    this.pruning = pruning;
  }

  /** The read as it scans: a partitioned table's kept partitions only. */
  private TableAccess scanned(TableAccess access) throws ExplainException {
    if (pruning == null) {
      return access;
    }
    Table t = pruning.scanned(access);
    return t == access.table() ? access : new TableAccess(t, access.alias(),
        access.predicates(), access.orderBy(), access.orderDescending(), access.groupBy(),
        access.limit(), access.joined(), access.orderDirections(), access.selected());
  }

  /** Per written row, roughly one leaf page to dirty plus the comparisons of the descent. */
  double maintenanceCostPerWrite(Table table) {
    return randomPage + 2 * cpuOperator * log2(Math.max(2, table.rowEstimate()));
  }

  @Override
  public EstimateMethod method() {
    return EstimateMethod.model;
  }

  @Override
  public double cost(AnalyzedQuery query, double before, List<Candidate> config)
      throws ExplainException {
    double saving = 0;
    double floor = 0;
    for (TableAccess whole : query.accesses()) {
      double with = Double.POSITIVE_INFINITY;
      var available = new ArrayList<IndexDefinition>();
      TableAccess access = whole;
      for (Candidate c : config) {
        if (c.table().equals(whole.table())) {
          access = scanned(whole);
          // A partitioned index is read only on the kept partitions: their share of its size.
          double share = access == whole || whole.table().rowEstimate() <= 0 ? 1
              : Math.min(1, access.table().rowEstimate() / whole.table().rowEstimate());
          for (IndexDefinition def : c.definitions()) {
            available.add(def);
            with = Math.min(with, indexCost(query, access, def,
                (long) (sizeOf(c.table(), def) * share)));
          }
        }
      }
      if (!available.isEmpty()) {
        with = Math.min(with, bitmapOrCost(access, available));
      }
      if (Double.isInfinite(with)) {
        continue;
      }
      double base = baseline(query, access);
      if (with < base) {
        saving += base - with;
        floor += with;
      }
    }
    if (saving <= 0) {
      return before;
    }
    // The planner's plan may be cheaper than the model's baseline: never go below the index read.
    return Math.max(Math.min(before, floor), before - saving);
  }

  /**
   * With one table read the model's cost is the cheapest of its index reads (or the planner's
   * today), so one more index never raises it; across several reads the floor it keeps under the
   * index reads can, so a join is not bounded.
   */
  @Override
  public boolean monotone(AnalyzedQuery query, Candidate candidate) {
    return query.accesses().size() == 1;
  }

  @Override
  public long sizeBytes(Candidate candidate) throws ExplainException {
    long total = 0;
    for (IndexDefinition def : candidate.definitions()) {
      total += sizeOf(candidate.table(), def);
    }
    return total;
  }

  private long sizeOf(Table table, IndexDefinition def) throws ExplainException {
    Long cached = sizes.get(def);
    if (cached == null) {
      cached = estimateSize(table, def);
      sizes.put(def, cached);
    }
    return cached;
  }

  /**
   * {@code a = 1 OR b = 2} read by a BitmapOr: one bitmap index scan per arm, each by an index
   * among {@code available} and the table's existing ones whose leading key the arm restricts;
   * +inf when an arm has none (the OR is then filtered after a scan).
   */
  double bitmapOrCost(TableAccess access, List<IndexDefinition> available)
      throws ExplainException {
    double best = Double.POSITIVE_INFINITY;
    Table t = access.table();
    var all = new ArrayList<>(available);
    for (Index index : t.indexes()) {
      if (index.valid() && index.method().equals("btree") && index.predicate() == null) {
        all.add(definition(index));
      }
    }
    double n = Math.max(1, t.rowEstimate());
    double pages = Math.max(1, t.pages());
    for (Predicate or : access.predicates()) {
      if (or.op() != Op.OR) {
        continue;
      }
      double indexPart = 0;
      for (Predicate arm : or.arms()) {
        double armRows = armRows(access, arm, all);
        if (Double.isInfinite(armRows)) {
          indexPart = Double.POSITIVE_INFINITY;
          break;
        }
        indexPart += randomPage * (1 + Math.ceil(armRows / 300)) + armRows * (cpuIndexTuple
            + cpuOperator);
      }
      if (Double.isInfinite(indexPart)) {
        continue;
      }
      double fetched = Math.max(1, rows(access, access.predicates().stream()
          .filter(p -> p.sql() != null).toList()));
      double orRows = Math.max(fetched, rows(access, List.of(or)));
      double heapPages = pages * (1 - Math.exp(-orRows / pages));
      double io = heapPages * (randomPage - (randomPage - seqPage) * Math.sqrt(heapPages / pages));
      long quals = access.predicates().stream().filter(p -> p.sql() != null).count();
      double cost = indexPart + io + orRows * (cpuTuple + cpuOperator * quals)
          + sortCost(access, fetched);
      best = Math.min(best, cost);
    }
    return best;
  }

  /**
   * The rows the best index for one arm of an OR returns to the BitmapOr; +inf when no index
   * serves the arm. An arm {@code (a = 1 AND b = 2)} is served by an index led by any of its
   * conjuncts, and returns the rows of the conjuncts its leading keys match (all of them for an
   * index on (a, b), the rows of a = 1 alone for one on (a)).
   */
  private double armRows(TableAccess access, Predicate arm, List<IndexDefinition> all)
      throws ExplainException {
    double best = Double.POSITIVE_INFINITY;
    for (IndexDefinition def : all) {
      if (!def.method().equals("btree") || def.where() != null || def.keys().isEmpty()) {
        continue;
      }
      if (arm.op() != Op.AND) {
        if (armMatches(arm, def.keys().get(0))) {
          return Math.max(1, rows(access, List.of(arm)));
        }
        continue;
      }
      var matched = new ArrayList<Predicate>();
      for (IndexKey key : def.keys()) {
        Predicate conjunct = null;
        for (Predicate c : arm.arms()) {
          if (armMatches(c, key) && (c.op() == Op.EQ || c.op() == Op.IN || c.op() == Op.IS_NULL
              || c.op() == Op.RANGE || c.op() == Op.LIKE_PREFIX)) {
            conjunct = c;
            break;
          }
        }
        if (conjunct == null) {
          break;
        }
        matched.add(conjunct);
        if (conjunct.op() == Op.RANGE || conjunct.op() == Op.LIKE_PREFIX) {
          break; // a key after a range bounds nothing
        }
      }
      if (!matched.isEmpty()) {
        best = Math.min(best, Math.max(1, rows(access, matched)));
      }
    }
    return best;
  }

  private static boolean armMatches(Predicate arm, IndexKey key) {
    if (arm.onExpression()) {
      return key.expression() && ExistingIndexes.normalize(key.text())
          .equals(ExistingIndexes.normalize(arm.keyText()));
    }
    return !key.expression() && key.text().equals(arm.column())
        && (arm.op() != Op.LIKE_PREFIX || key.opclass() != null);
  }

  /**
   * A GIN index: a bitmap scan over the rows its operators select (the recheck is counted as
   * one more qual per row); it never returns rows in order, so a sort follows and LIMIT does
   * not stop it early. +inf when no predicate of the access is one this index answers.
   */
  private double ginCost(TableAccess access, IndexDefinition def) throws ExplainException {
    IndexKey key = def.keys().get(0);
    var matched = new ArrayList<Predicate>();
    for (Predicate p : access.predicates()) {
      if (p.sql() != null && ginServes(key, p)) {
        matched.add(p);
      }
    }
    if (matched.isEmpty()) {
      return Double.POSITIVE_INFINITY;
    }
    Table t = access.table();
    double pages = Math.max(1, t.pages());
    double fetched = Math.max(1, rows(access, matched));
    boolean trgm = "gin_trgm_ops".equals(key.opclass());
    // Each row's entries (keys, lexemes, trigrams) make posting lists several times the rows.
    double entries = trgm ? 8 : 3;
    double indexIo = randomPage * (1 + Math.ceil(fetched * entries / 1000));
    double indexCpu = fetched * entries * cpuIndexTuple;
    double heapPages = pages * (1 - Math.exp(-fetched / pages));
    double io = heapPages * (randomPage - (randomPage - seqPage) * Math.sqrt(heapPages / pages));
    long quals = access.predicates().stream().filter(p -> p.sql() != null).count();
    double rowsOut = rows(access, access.predicates().stream()
        .filter(p -> p.sql() != null).toList());
    return indexIo + indexCpu + io
        + fetched * (cpuTuple + cpuOperator * (quals + 1) + functionCost(access))
        + sortCost(access, rowsOut);
  }

  /** True when the GIN key answers the predicate with its operator class. */
  static boolean ginServes(IndexKey key, Predicate p) {
    boolean sameTarget = key.expression()
        ? p.keyText() != null && ExistingIndexes.normalize(key.text())
            .equals(ExistingIndexes.normalize(p.keyText()))
        : !p.onExpression() && key.text().equals(p.column());
    if (!sameTarget) {
      return false;
    }
    String opclass = key.opclass();
    if ("gin_trgm_ops".equals(opclass)) {
      return p.op() == Op.LIKE_INFIX && CandidateGenerator.trigramRun(p.value());
    }
    if ("jsonb_path_ops".equals(opclass)) {
      return p.op() == Op.CONTAINS;
    }
    return p.op() == Op.CONTAINS || p.op() == Op.KEY_EXISTS || p.op() == Op.OVERLAP
        || p.op() == Op.TEXT_MATCH;
  }

  /** Bytes of a btree over the table's rows (those matching a partial predicate), 90 % full. */
  long estimateSize(Table table, IndexDefinition def) throws ExplainException {
    double rows = Math.max(1, table.rowEstimate());
    if (def.where() != null) {
      rows = explainer.rows("SELECT 1 FROM " + Identifiers.qualified(table.schema(), table.name())
          + " WHERE " + def.where());
    }
    int width = 0;
    for (IndexKey key : def.keys()) {
      width += keyWidth(table, key);
    }
    for (String col : def.include()) {
      width += table.column(col).map(CostModel::avgWidth).orElse(8);
    }
    double tuple = align8(8 + width) + 4; // IndexTuple header + data, plus the line pointer
    double perPage = Math.max(1, Math.floor((PAGE * 0.9 - 24) / tuple));
    double leaves = Math.ceil(rows / perPage);
    double pages = leaves + Math.ceil(leaves / 250) + 1; // inner pages and the metapage
    return (long) (pages * PAGE);
  }

  /** Cost of the cheapest way to read this table today: seq scan or an existing index. */
  double baseline(AnalyzedQuery query, TableAccess access) throws ExplainException {
    double best = seqScanCost(access) + sortCost(access, null);
    var existing = new ArrayList<IndexDefinition>();
    for (Index index : access.table().indexes()) {
      if (index.valid() && (index.method().equals("btree") || index.method().equals("gin"))) {
        best = Math.min(best, indexCost(query, access, definition(index), index.sizeBytes()));
      }
    }
    return Math.min(best, bitmapOrCost(access, existing));
  }

  private double seqScanCost(TableAccess access) {
    Table t = access.table();
    long quals = access.predicates().stream().filter(p -> p.sql() != null).count();
    return Math.max(1, t.pages()) * seqPage
        + Math.max(1, t.rowEstimate()) * (cpuTuple + cpuOperator * quals + functionCost(access));
  }

  /** to_tsvector costs 100 operators a row (its procost): what a full-text index saves most. */
  private double functionCost(TableAccess access) {
    double cost = 0;
    for (Predicate p : access.predicates()) {
      if ("to_tsvector".equals(p.function())) {
        cost += 100 * cpuOperator;
      }
    }
    return cost;
  }

  /** Cost of reading the access through an index with the given definition; +inf if unusable. */
  double indexCost(AnalyzedQuery query, TableAccess access, IndexDefinition def, long sizeBytes)
      throws ExplainException {
    Table t = access.table();
    if ("gin".equals(def.method())) {
      return def.keys().isEmpty() || def.where() != null ? Double.POSITIVE_INFINITY
          : ginCost(access, def);
    }
    if (!"btree".equals(def.method())) {
      return Double.POSITIVE_INFINITY;
    }
    double n = Math.max(1, t.rowEstimate());
    double pages = Math.max(1, t.pages());
    Predicate partial = null;
    if (def.where() != null) {
      partial = partialMatch(access, def.where());
      if (partial == null) {
        return Double.POSITIVE_INFINITY;
      }
    }
    var used = new ArrayList<Predicate>();
    int equalityKeys = 0;
    for (IndexKey key : def.keys()) {
      Predicate p = matching(access, key);
      if (p == null) {
        break;
      }
      if (p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.IS_NULL) {
        used.add(p);
        equalityKeys++;
        continue;
      }
      if (p.op() == Op.RANGE
          || (p.op() == Op.LIKE_PREFIX && (key.opclass() != null && key.opclass().endsWith(
              "pattern_ops") || !needsPatternOps(t, p.column())))) {
        used.add(p);
      }
      if (p.op() == Op.RANGE) {
        // Both bounds of "col >= a AND col < b" bound the index scan, not only the first.
        for (Predicate other : access.predicates()) {
          if (other != p && other.op() == Op.RANGE && other.sql() != null
              && other.onExpression() == p.onExpression()
              && other.column().equals(p.column())
              && java.util.Objects.equals(other.function(), p.function())) {
            used.add(other);
          }
        }
      }
      break;
    }
    boolean ordered = providesOrder(access, def, equalityKeys);
    double rowsOut = rows(access, access.predicates().stream()
        .filter(p -> p.sql() != null).toList());
    double cost;
    if (used.isEmpty() && partial == null) {
      if (!ordered || access.limit() == null) {
        return joinCost(query, access, def, sizeBytes);
      }
      cost = scanCost(access, def, sizeBytes, n, pages, n, used.size(), ordered);
    } else {
      var restricting = new ArrayList<>(used);
      if (partial != null && !used.contains(partial)) {
        restricting.add(partial);
      }
      double fetched = Math.max(1, rows(access, restricting));
      cost = scanCost(access, def, sizeBytes, n, pages, fetched, used.size(), ordered);
    }
    if (ordered && access.limit() != null && rowsOut > 0) {
      cost *= Math.min(1, access.limit() / Math.max(1, rowsOut));
    } else if (!ordered) {
      cost += sortCost(access, rowsOut);
    }
    return Math.min(cost, joinCost(query, access, def, sizeBytes));
  }

  private double scanCost(TableAccess access, IndexDefinition def, long sizeBytes, double n,
      double pages, double fetched, int usedQuals, boolean ordered) {
    double indexPages = Math.max(1, sizeBytes / PAGE);
    double perIndexPage = Math.max(1, n / indexPages);
    double indexIo = randomPage * (1 + Math.ceil(fetched / perIndexPage));
    double indexCpu = fetched * (cpuIndexTuple + cpuOperator * Math.max(1, usedQuals));
    double heapPages = pages * (1 - Math.exp(-fetched / pages));
    double corr = correlation(access.table(), def);
    double maxIo = heapPages * randomPage;
    double minIo = randomPage + Math.max(0, Math.ceil(fetched / n * pages) - 1) * seqPage;
    double io = maxIo + corr * corr * (minIo - maxIo);
    if (covers(access, def)) {
      // An index-only scan visits the heap only for pages not all-visible.
      io *= 1 - allVisible(access.table());
    }
    if (!ordered) {
      double bitmapIo = heapPages
          * (randomPage - (randomPage - seqPage) * Math.sqrt(heapPages / pages));
      io = Math.min(io, bitmapIo);
    }
    long remaining = access.predicates().stream().filter(p -> p.sql() != null).count()
        - usedQuals;
    double heapCpu = fetched * (cpuTuple + cpuOperator * Math.max(0, remaining));
    return indexIo + indexCpu + io + heapCpu;
  }

  private final Map<Table, Double> allVisible = new java.util.HashMap<>();

  /** Share of the table's pages the visibility map marks all-visible (pg_class). */
  private double allVisible(Table table) {
    return allVisible.computeIfAbsent(table, t -> {
      try {
        String v = explainer.query("SELECT CASE WHEN c.relpages > 0 THEN least(1,"
            + " c.relallvisible::float8 / c.relpages) ELSE 0 END FROM pg_catalog.pg_class c"
            + " WHERE c.oid = " + Identifiers.literal(Identifiers.qualified(t.schema(),
                t.name())) + "::regclass");
        return v == null ? 0 : Double.parseDouble(v);
      } catch (ExplainException | NumberFormatException e) {
        return 0.0;
      }
    });
  }

  /** True when the index holds every column the query needs from the table. */
  private static boolean covers(TableAccess access, IndexDefinition def) {
    var needed = access.needed();
    if (needed == null || !"btree".equals(def.method())) {
      return false;
    }
    var held = new java.util.HashSet<String>(def.include());
    for (IndexKey k : def.keys()) {
      if (!k.expression()) {
        held.add(k.text());
      }
    }
    return held.containsAll(needed);
  }

  /**
   * A nested loop probing the index once per row of the table the key is joined with (not the
   * query's smallest table: book_pkey probed per author looked cheap while the planner really
   * joins every review to book).
   */
  private double joinCost(AnalyzedQuery query, TableAccess access, IndexDefinition def,
      long sizeBytes) throws ExplainException {
    if (!access.joined() || def.keys().isEmpty() || def.keys().get(0).expression()) {
      return Double.POSITIVE_INFINITY;
    }
    String lead = def.keys().get(0).text();
    boolean joinKey = access.predicates().stream()
        .anyMatch(p -> p.op() == Op.JOIN && p.column().equals(lead));
    if (!joinKey || def.where() != null) {
      return Double.POSITIVE_INFINITY;
    }
    double outer = Double.POSITIVE_INFINITY;
    for (Predicate p : access.predicates()) {
      if (p.op() == Op.JOIN && p.column().equals(lead) && p.partner() >= 0
          && p.partner() < query.accesses().size()
          && query.accesses().get(p.partner()) != access) {
        outer = Math.min(outer, outerRows(query, query.accesses().get(p.partner()), access));
      }
    }
    if (Double.isInfinite(outer)) {
      // The key is compared with no one table (USING, IN (subquery)): the smallest read.
      for (TableAccess other : query.accesses()) {
        if (other != access) {
          outer = Math.min(outer, filteredRows(other));
        }
      }
    }
    if (Double.isInfinite(outer)) {
      return Double.POSITIVE_INFINITY;
    }
    Table t = access.table();
    Column col = t.column(lead).orElse(null);
    double n = Math.max(1, t.rowEstimate());
    double perProbe = col == null ? 1 : Math.max(1, n / ColumnSelectivity.distinct(t, col));
    double probe = scanCost(access, def, sizeBytes, n, Math.max(1, t.pages()), perProbe, 1,
        true);
    return Math.max(1, outer) * probe;
  }

  private double filteredRows(TableAccess access) throws ExplainException {
    return rows(access, access.predicates().stream().filter(p -> p.sql() != null).toList());
  }

  /**
   * The rows of the join partner that drive the probes: its own filters, or fewer when the
   * partner is itself joined to a filtered third table (author.id = 7 leaves the 10 books of
   * that author to probe the reviews with), one level deep.
   */
  private double outerRows(AnalyzedQuery query, TableAccess partner, TableAccess probed)
      throws ExplainException {
    double rows = filteredRows(partner);
    Table t = partner.table();
    for (Predicate p : partner.predicates()) {
      if (p.op() != Op.JOIN || p.partner() < 0 || p.partner() >= query.accesses().size()) {
        continue;
      }
      TableAccess third = query.accesses().get(p.partner());
      Column col = t.column(p.column()).orElse(null);
      if (third == probed || third == partner || col == null) {
        continue;
      }
      double perValue = Math.max(1, t.rowEstimate()) / ColumnSelectivity.distinct(t, col);
      rows = Math.min(rows, filteredRows(third) * Math.max(1, perValue));
    }
    return Math.max(1, rows);
  }

  private double sortCost(TableAccess access, Double knownRows) throws ExplainException {
    if (access.orderBy().isEmpty()) {
      return 0;
    }
    double rows = knownRows != null ? knownRows
        : rows(access, access.predicates().stream().filter(p -> p.sql() != null).toList());
    double sorted = access.limit() == null ? rows : Math.min(rows, 2.0 * access.limit());
    return 2 * cpuOperator * rows * log2(Math.max(2, sorted));
  }

  /** The planner's row estimate for the table restricted by these predicates. */
  private double rows(TableAccess access, List<Predicate> predicates) throws ExplainException {
    Table t = access.table();
    if (predicates.isEmpty()) {
      return Math.max(1, t.rowEstimate());
    }
    var where = new StringBuilder();
    for (Predicate p : predicates) {
      where.append(where.length() == 0 ? "" : " AND ").append('(').append(p.sql()).append(')');
    }
    return explainer.rows("SELECT 1 FROM " + Identifiers.qualified(t.schema(), t.name()) + " AS "
        + Identifiers.quote(access.alias()) + " WHERE " + where);
  }

  private boolean providesOrder(TableAccess access, IndexDefinition def, int equalityKeys) {
    List<String> order = access.orderBy();
    if (order.isEmpty() || def.keys().size() < equalityKeys + order.size()) {
      return false;
    }
    // Same directions, or all reversed (read backwards).
    boolean forward = true;
    boolean backward = true;
    for (int i = 0; i < order.size(); i++) {
      IndexKey key = def.keys().get(equalityKeys + i);
      if (key.expression() || !key.text().equals(order.get(i)) || key.opclass() != null) {
        return false;
      }
      boolean desc = access.orderDirections().get(i);
      forward &= key.descending() == desc;
      backward &= key.descending() != desc;
    }
    return forward || backward;
  }

  private static Predicate matching(TableAccess access, IndexKey key) {
    Predicate best = null;
    for (Predicate p : access.predicates()) {
      if (p.sql() == null) {
        continue;
      }
      boolean same = key.expression()
          ? p.onExpression() && p.keyText() != null && ExistingIndexes.normalize(key.text())
              .equals(ExistingIndexes.normalize(p.keyText()))
          : !p.onExpression() && p.column().equals(key.text());
      boolean btreeOp = p.op() == Op.EQ || p.op() == Op.IN || p.op() == Op.IS_NULL
          || p.op() == Op.RANGE || p.op() == Op.LIKE_PREFIX || p.op() == Op.NOT_NULL;
      if (same && btreeOp) {
        // Prefer an equality over a range on the same key.
        if (best == null || p.op() == Op.EQ || p.op() == Op.IN) {
          best = p;
        }
      }
    }
    return best;
  }

  /** The query's equality predicate that implies the partial index predicate, if any. */
  private static Predicate partialMatch(TableAccess access, String where) {
    String target = ExistingIndexes.normalize(where);
    for (Predicate p : access.predicates()) {
      if (p.op() == Op.NOT_NULL && !p.onExpression() && ExistingIndexes.normalize(
          Identifiers.quote(p.column()) + " IS NOT NULL").equals(target)) {
        return p;
      }
      if ((p.op() == Op.EQ || p.op() == Op.NOT_EQUAL) && !p.onExpression()
          && p.value() != null) {
        String mine = ExistingIndexes.normalize(Identifiers.quote(p.column())
            + (p.op() == Op.EQ ? " = " : " <> ") + Identifiers.literal(p.value()));
        if (mine.equals(target)) {
          return p;
        }
      }
    }
    return null;
  }

  private boolean needsPatternOps(Table table, String column) {
    var col = table.column(column).orElse(null);
    if (col != null && col.collation() != null) {
      return !CandidateGenerator.isC(col.collation());
    }
    return collationNeedsPatternOps;
  }

  private static double correlation(Table table, IndexDefinition def) {
    if (def.keys().isEmpty() || def.keys().get(0).expression()) {
      return 0;
    }
    return table.column(def.keys().get(0).text())
        .map(c -> c.stats() == null || c.stats().correlation() == null ? 0.0
            : c.stats().correlation())
        .orElse(0.0);
  }

  private static int keyWidth(Table table, IndexKey key) {
    if (!key.expression()) {
      return table.column(key.text()).map(CostModel::avgWidth).orElse(8);
    }
    // An expression on one column is about as wide as the column (lower(email) ~ email).
    for (Column c : table.columns()) {
      if (ExistingIndexes.normalize(key.text()).contains(c.name().toLowerCase())) {
        return avgWidth(c);
      }
    }
    return 8;
  }

  private static int avgWidth(Column c) {
    return c.stats() == null ? 8 : Math.max(1, c.stats().avgWidth());
  }

  private static double align8(double n) {
    return Math.ceil(n / 8) * 8;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** An existing index seen as a definition, for the same cost formulas. */
  static IndexDefinition definition(Index index) {
    var keys = new ArrayList<IndexKey>();
    for (int i = 0; i < index.keys().size(); i++) {
      boolean expr = index.expressionKeys() != null && i < index.expressionKeys().size()
          && Boolean.TRUE.equals(index.expressionKeys().get(i));
      String opclass = index.opclasses() == null || i >= index.opclasses().size() ? null
          : index.opclasses().get(i);
      keys.add(new IndexKey(index.keys().get(i), expr, opclass));
    }
    return new IndexDefinition(index.schema(), index.table(), index.method(), keys,
        index.includeColumns(), index.predicate());
  }
}
