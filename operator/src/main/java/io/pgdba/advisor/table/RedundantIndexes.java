package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;
import static io.pgdba.advisor.table.Scan.mb;

import io.pgdba.catalog.Index;
import io.pgdba.ddl.IndexDdl;
import io.pgdba.finding.Severity;
import java.util.Comparator;
import java.util.Objects;

/**
 * Indexes whose keys are a leading prefix of another index on the same table (same method,
 * predicate and operator classes, no INCLUDE columns): the longer index serves the same lookups.
 * pg-index-health's intersected-indexes check is broader (any shared columns), so this one is
 * pgdba's own; exact duplicates come from pg-index-health.
 */
final class RedundantIndexes {

  private final Scan scan;

  RedundantIndexes(Scan scan) {
    this.scan = scan;
  }

  void run() {
    for (var t : scan.catalog.tables()) {
      var indexes = t.indexes().stream().sorted(Comparator.comparing(Index::name)).toList();
      for (var index : indexes) {
        String object = Names.object(index.schema(), index.name());
        if (!HealthChecks.droppable(index) || !index.includeColumns().isEmpty()
            || scan.has("table.duplicate-index", object)) {
          continue;
        }
        for (var other : indexes) {
          if (other == index || !other.valid() || other.keys().size() <= index.keys().size()
              || !prefix(index, other)) {
            continue;
          }
          scan.add("table.redundant-index", Severity.WARNING, object,
              "index " + index.name() + " is a prefix of " + other.name(),
              evidence("table", Names.object(t.schema(), t.name()), "keys", index.keys(),
                  "coveredBy", other.name(), "coveredByKeys", other.keys(),
                  "sizeBytes", index.sizeBytes(), "scans", index.scans()),
              "Its keys are the leading keys of " + other.name() + " (same method and"
                  + " predicate), which serves the same lookups and sorts; a slightly larger"
                  + " index is read instead. DROP INDEX CONCURRENTLY frees "
                  + mb(index.sizeBytes()) + " and its upkeep on every write; the rollback"
                  + " re-creates it exactly.",
              IndexDdl.drop(index.schema(), index.name()), IndexDdl.recreate(index.definition()));
          break;
        }
      }
    }
  }

  private static boolean prefix(Index shorter, Index longer) {
    if (!shorter.method().equals(longer.method())
        || !Objects.equals(shorter.predicate(), longer.predicate())) {
      return false;
    }
    for (int k = 0; k < shorter.keys().size(); k++) {
      if (!shorter.keys().get(k).equals(longer.keys().get(k))
          || !Objects.equals(shorter.expressionKeys().get(k), longer.expressionKeys().get(k))
          || !Objects.equals(opclass(shorter, k), opclass(longer, k))) {
        return false;
      }
    }
    return true;
  }

  private static String opclass(Index i, int k) {
    return k < i.opclasses().size() ? i.opclasses().get(k) : null;
  }
}
