package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  private TableFacts(Catalog effective) {
    this.effective = effective;
  }

  /** The catalog with effective sizes; notes on the effective tables. */
  static TableFacts of(Catalog catalog, Explainer explainer) {
    var tables = new ArrayList<Table>();
    var notes = new LinkedHashMap<Table, String>();
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
    }
    var facts = new TableFacts(new Catalog(catalog.server(), catalog.settings(),
        catalog.extensions(), java.util.List.copyOf(tables), catalog.statsReset()));
    facts.notes.putAll(notes);
    return facts;
  }

  Catalog catalog() {
    return effective;
  }

  /** What is wrong with the table's statistics, or null. */
  String note(Table table) {
    return notes.get(table);
  }
}
