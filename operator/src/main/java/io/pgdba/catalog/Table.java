package io.pgdba.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A table (or partitioned table / materialized view) with everything the advisors need.
 *
 * @param kind {@link #TABLE}, {@link #PARTITIONED_TABLE} or {@link #MATERIALIZED_VIEW}
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

  /** {@link #kind()} of an ordinary table (likewise partitioned table, materialized view). */
  public static final String TABLE = "table";

  public static final String PARTITIONED_TABLE = "partitioned table";
  public static final String MATERIALIZED_VIEW = "materialized view";

  /** Maps pg_class.relkind to {@link #kind()}. */
  public static String kindOf(String relkind) {
    return switch (relkind) {
      case "p" -> PARTITIONED_TABLE;
      case "m" -> MATERIALIZED_VIEW;
      default -> TABLE;
    };
  }

  /**
   * The schema and name only: the record's own hash walks every column's statistics (MCV lists,
   * histograms), and the index advisor keys its maps by table millions of times per workload.
   * Equal tables have equal names, so equals stays the record's.
   */
  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hashCode(schema) + java.util.Objects.hashCode(name);
  }

  /** The index by name, if this table has it. */
  public Optional<Index> index(String name) {
    return indexes.stream().filter(i -> i.name().equals(name)).findFirst();
  }

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
