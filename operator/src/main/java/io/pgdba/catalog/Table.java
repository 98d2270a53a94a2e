package io.pgdba.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A table (or partitioned table / materialized view) with everything the advisors need.
 *
 * @param rowEstimate pg_class.reltuples (negative when never analyzed, as PostgreSQL reports)
 */
public record Table(
    String schema,
    String name,
    String kind,
    long sizeBytes,
    long totalSizeBytes,
    long pages,
    double rowEstimate,
    List<Column> columns,
    List<Constraint> constraints,
    List<Index> indexes,
    TableActivity activity) {

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
