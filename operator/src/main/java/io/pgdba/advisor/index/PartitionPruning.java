package io.pgdba.advisor.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.advisor.index.AnalyzedQuery.Predicate;
import io.pgdba.advisor.index.AnalyzedQuery.TableAccess;
import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The partitions of a partitioned table a query reads. A query that restricts the partition key
 * ({@code created_at >= '2025-03-01' AND created_at < '2025-03-08'} on a table partitioned by
 * month) reads one partition, not the parent: an index is worth what it saves there, and a
 * partition too small to need one is "too few rows" even when the whole parent is large.
 *
 * <p>The planner decides which partitions are kept (EXPLAIN of the table's own predicates lists
 * only the scans of the partitions it keeps): it handles range, list, hash, default partitions
 * and sub-partitions exactly as the query will run, which a re-implementation of pruning over
 * pg_get_expr(relpartbound) would only approximate (hash partitioning needs the type's hash
 * functions). The bounds are read from the catalog for the reasons' words. With {@code $n}
 * placeholders the generic plan cannot prune at plan time (PostgreSQL prunes at executor startup
 * with the values of each call): then every partition is priced, as the planner's generic cost
 * does, and the ratio of the costs with and without the index stands for a call that reads one.
 */
final class PartitionPruning {

  /** A leaf partition (pg_partition_tree) with its size and its bound as PostgreSQL prints it. */
  record Leaf(String schema, String name, String relkind, String bound, long pages,
      double rows) {}

  /**
   * What a table read keeps: its leaves, of how many, and whether the planner pruned at all
   * ({@code pruned} false: every leaf, or placeholders hide the key's values).
   */
  record Kept(List<Leaf> leaves, int of, boolean pruned, boolean placeholders) {
    long pages() {
      return leaves.stream().mapToLong(Leaf::pages).sum();
    }

    double rows() {
      return leaves.stream().mapToDouble(Leaf::rows).sum();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\d");
  private static final long PAGE = 8192;

  private final Explainer explainer;
  private final Map<String, List<Leaf>> leaves;
  private final Map<String, Kept> cache = new HashMap<>();

  private PartitionPruning(Explainer explainer, Map<String, List<Leaf>> leaves) {
    this.explainer = explainer;
    this.leaves = leaves;
  }

  /** Reads the leaves of every partitioned table (one catalog query each). */
  static PartitionPruning read(Catalog catalog, Explainer explainer) {
    var out = new HashMap<String, List<Leaf>>();
    for (Table t : catalog.tables()) {
      if (!Table.PARTITIONED_TABLE.equals(t.kind())) {
        continue;
      }
      try {
        out.put(key(t), leaves(explainer, t));
      } catch (ExplainException e) {
        // Unknown leaves: the table is priced whole, as before.
      }
    }
    return new PartitionPruning(explainer, out);
  }

  /** No partition information: every table is priced whole. */
  static PartitionPruning none(Explainer explainer) {
    return new PartitionPruning(explainer, Map.of());
  }

  private static String key(Table t) {
    return t.schema() + '\u0000' + t.name();
  }

  private static List<Leaf> leaves(Explainer explainer, Table t) throws ExplainException {
    String json = explainer.query("SELECT coalesce(json_agg(json_build_array(n.nspname,"
        + " c.relname, c.relkind, pg_get_expr(c.relpartbound, c.oid),"
        + " greatest(c.relpages::bigint, pg_relation_size(c.oid) / " + PAGE + "), c.reltuples)"
        + " ORDER BY n.nspname, c.relname), '[]')"
        + " FROM pg_partition_tree(" + Identifiers.literal(Identifiers.qualified(t.schema(),
            t.name())) + "::regclass) p JOIN pg_class c ON c.oid = p.relid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.isleaf");
    var out = new ArrayList<Leaf>();
    try {
      for (JsonNode row : JSON.readTree(json == null ? "[]" : json)) {
        long pages = row.get(4).asLong();
        double rows = row.get(5).asDouble();
        if (rows < 0) {
          // Never analyzed: about as dense as the parent as a whole.
          rows = t.pages() <= 0 ? 0 : pages * Math.max(0, t.rowEstimate()) / t.pages();
        }
        out.add(new Leaf(row.get(0).asText(), row.get(1).asText(), row.get(2).asText(),
            row.get(3).isNull() ? null : row.get(3).asText(), pages, rows));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ExplainException("unreadable partition list of " + t.name());
    }
    return List.copyOf(out);
  }

  /** The leaves of a partitioned table, empty when it is not one or they are unknown. */
  List<Leaf> leaves(Table table) {
    return leaves.getOrDefault(key(table), List.of());
  }

  /** What the read keeps, or null when the table is not partitioned (or its leaves unknown). */
  Kept kept(TableAccess access) throws ExplainException {
    List<Leaf> all = leaves(access.table());
    if (all.isEmpty()) {
      return null;
    }
    var preds = access.predicates().stream().filter(p -> p.sql() != null).toList();
    if (preds.isEmpty()) {
      return new Kept(all, all.size(), false, false);
    }
    if (preds.stream().anyMatch(p -> PLACEHOLDER.matcher(p.sql()).find())) {
      return new Kept(all, all.size(), false, true);
    }
    var where = new StringBuilder();
    for (Predicate p : preds) {
      where.append(where.length() == 0 ? "" : " AND ").append('(').append(p.sql()).append(')');
    }
    String sql = "SELECT 1 FROM " + Identifiers.qualified(access.table().schema(),
        access.table().name()) + " AS " + Identifiers.quote(access.alias()) + " WHERE " + where;
    Kept cached = cache.get(sql);
    if (cached != null) {
      return cached;
    }
    var names = new HashSet<String>();
    relations(explainer.plan(sql), names);
    var kept = all.stream().filter(l -> names.contains(l.name())).toList();
    Kept out = new Kept(kept, all.size(), kept.size() < all.size(), false);
    cache.put(sql, out);
    return out;
  }

  /**
   * The table as the read sees it: the kept partitions' pages and rows (same name, kind,
   * columns and indexes), or the table itself when nothing is pruned.
   */
  Table scanned(TableAccess access) throws ExplainException {
    Kept k = kept(access);
    Table t = access.table();
    if (k == null || !k.pruned()) {
      return t;
    }
    double share = t.rowEstimate() <= 0 ? 0 : Math.min(1, k.rows() / t.rowEstimate());
    return new Table(t.schema(), t.name(), t.kind(), (long) (t.sizeBytes() * share),
        (long) (t.totalSizeBytes() * share), k.pages(), k.rows(), t.columns(),
        t.constraints(), t.indexes(), t.activity());
  }

  /** "partition x (FOR VALUES ...)" or "2 of its 12 partitions (x, y)", for reasons. */
  static String describe(Kept k) {
    if (k.leaves().size() == 1) {
      Leaf l = k.leaves().get(0);
      return "partition " + l.name() + (l.bound() == null ? "" : " (" + l.bound() + ")");
    }
    var names = k.leaves().stream().map(Leaf::name).limit(5).toList();
    return k.leaves().size() + " of its " + k.of() + " partitions (" + String.join(", ", names)
        + (k.leaves().size() > 5 ? ", ..." : "") + ")";
  }

  private static void relations(JsonNode node, Set<String> out) {
    if (node == null) {
      return;
    }
    JsonNode name = node.get("Relation Name");
    if (name != null) {
      out.add(name.asText());
    }
    JsonNode plans = node.get("Plans");
    if (plans != null) {
      plans.forEach(child -> relations(child, out));
    }
  }
}
