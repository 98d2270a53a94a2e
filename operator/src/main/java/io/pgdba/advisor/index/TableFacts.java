package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tables' sizes as the advisor must see them. pg_class says a never-analyzed table has no
 * pages and -1 rows, and a partitioned parent has no storage at all: taken literally, a 500-page
 * table looks "too small" and a partitioned table is never indexed. Here a table's pages are at
 * least its real size (pg_relation_size; for a partitioned table, the sum of its partitions), its
 * rows the planner's own estimate when the statistics are missing, and each table whose
 * statistics are missing or stale gets a note saying so (ANALYZE would make the estimates sound).
 */
final class TableFacts {

  private static final long PAGE = 8192;

  private final Catalog effective;
  private final Map<Table, String> notes = new LinkedHashMap<>();
  private final Map<Table, List<Partition>> partitions = new LinkedHashMap<>();

  /** A direct partition of a partitioned table (pg_inherits), with its pg_class.relkind. */
  record Partition(String schema, String name, String relkind) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private TableFacts(Catalog effective) {
    this.effective = effective;
  }

  /** The catalog with effective sizes; notes on the effective tables. */
  static TableFacts of(Catalog catalog, Explainer explainer) {
    var tables = new ArrayList<Table>();
    var notes = new LinkedHashMap<Table, String>();
    var parts = new LinkedHashMap<String, List<Partition>>();
    var partitionsOf = new LinkedHashMap<Table, List<Partition>>();
    for (Table t : catalog.tables()) {
      long pages = Math.max(t.pages(), t.sizeBytes() / PAGE);
      double rows = t.rowEstimate();
      String note = null;
      try {
        if (Table.PARTITIONED_TABLE.equals(t.kind())) {
          String sum = explainer.query("SELECT coalesce(sum(pg_relation_size(relid)), 0)"
              + " FROM pg_partition_tree(" + Identifiers.literal(
                  Identifiers.qualified(t.schema(), t.name())) + "::regclass)");
          pages = Math.max(pages, sum == null ? 0 : Long.parseLong(sum) / PAGE);
          // The planner sums the partitions' estimates: the parent's reltuples may be -1.
          rows = explainer.rows("SELECT 1 FROM " + Identifiers.qualified(t.schema(), t.name()));
          parts.put(t.schema() + '.' + t.name(), partitions(explainer, t));
        } else if (t.rowEstimate() < 0 || (t.pages() == 0 && t.sizeBytes() > 0)) {
          // Never analyzed: reltuples is -1 since PostgreSQL 14, 0 with relpages 0 before.
          // The planner estimates a never-analyzed table from its real size and row width.
          rows = explainer.rows("SELECT 1 FROM " + Identifiers.qualified(t.schema(), t.name()));
          if (pages > 0) {
            note = "the statistics of " + t.name() + " are missing (never analyzed): the"
                + " estimates use its real size, " + pages + " pages; ANALYZE "
                + Identifiers.qualified(t.schema(), t.name()) + " would make them reliable";
          }
        }
      } catch (ExplainException | NumberFormatException e) {
        // Without the extra read the catalog's figures stand; the advice is only less precise.
      }
      var act = t.activity();
      if (note == null && act != null && t.rowEstimate() >= 0 && act.liveTuples() > 1000
          && (act.liveTuples() > 2 * Math.max(1, t.rowEstimate())
              || 2 * act.liveTuples() < t.rowEstimate())) {
        note = String.format(Locale.ROOT, "the statistics of %s look stale (pg_class says %.0f"
            + " rows, pg_stat_user_tables %d live rows): ANALYZE %s would make the estimates"
            + " reliable", t.name(), t.rowEstimate(), act.liveTuples(),
            Identifiers.qualified(t.schema(), t.name()));
      }
      Table e = new Table(t.schema(), t.name(), t.kind(), t.sizeBytes(), t.totalSizeBytes(),
          pages, rows, t.columns(), t.constraints(), t.indexes(), t.activity());
      tables.add(e);
      if (note != null) {
        notes.put(e, note);
      }
      var p = parts.get(t.schema() + '.' + t.name());
      if (p != null) {
        partitionsOf.put(e, p);
      }
    }
    var facts = new TableFacts(new Catalog(catalog.server(), catalog.settings(),
        catalog.extensions(), java.util.List.copyOf(tables), catalog.statsReset()));
    facts.notes.putAll(notes);
    facts.partitions.putAll(partitionsOf);
    return facts;
  }

  // Ordered by schema and name (type name sorts bytewise): the script is the same every run.
  private static List<Partition> partitions(Explainer explainer, Table t)
      throws ExplainException {
    String json = explainer.query("SELECT coalesce(json_agg(json_build_array(n.nspname,"
        + " c.relname, c.relkind) ORDER BY n.nspname, c.relname), '[]')"
        + " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = "
        + Identifiers.literal(Identifiers.qualified(t.schema(), t.name())) + "::regclass");
    var out = new ArrayList<Partition>();
    try {
      for (var row : JSON.readTree(json == null ? "[]" : json)) {
        out.add(new Partition(row.get(0).asText(), row.get(1).asText(), row.get(2).asText()));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ExplainException("unreadable partition list of " + t.name());
    }
    return List.copyOf(out);
  }

  /**
   * The direct partitions of a partitioned table, or an empty list when unknown. Only a table
   * whose partitions are all plain tables gets the ON ONLY script here: a sub-partitioned or a
   * foreign partition needs its own script level, which pgdba does not write.
   */
  List<Partition> partitions(Table table) {
    return partitions.getOrDefault(table, List.of());
  }

  /** True when the partitioned table's index can be written as one ON ONLY script. */
  boolean indexablePartitions(Table table) {
    var p = partitions(table);
    return !p.isEmpty() && p.stream().allMatch(x -> "r".equals(x.relkind()));
  }

  Catalog catalog() {
    return effective;
  }

  /** What is wrong with the table's statistics, or null. */
  String note(Table table) {
    return notes.get(table);
  }
}
