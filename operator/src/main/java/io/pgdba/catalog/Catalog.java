package io.pgdba.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the target database says about itself: version, settings, extensions, tables with their
 * columns, constraints, indexes and statistics. An immutable snapshot read once per analysis.
 *
 * @param settings relevant GUCs by name (shared_buffers, work_mem, random_page_cost, ...)
 * @param extensions installed extensions by name with their version (hypopg, pg_stat_statements)
 * @param statsReset when the cumulative statistics were last reset, null if unknown
 */
public record Catalog(
    ServerInfo server,
    Map<String, String> settings,
    Map<String, String> extensions,
    List<Table> tables,
    Instant statsReset) {

  /** Finds a table by schema and name (exact, as stored in pg_class). */
  public Optional<Table> table(String schema, String name) {
    return tables.stream()
        .filter(t -> t.schema().equals(schema) && t.name().equals(name))
        .findFirst();
  }
}
