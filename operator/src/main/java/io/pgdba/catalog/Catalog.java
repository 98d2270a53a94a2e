package io.pgdba.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * What the target database says about itself: version, settings, extensions, tables with their
 * columns, constraints, indexes and statistics. An immutable snapshot read once per analysis.
 *
 * @param settings relevant GUCs by name as SHOW prints them ({@code 128MB}, {@code 4}, {@code on});
 *     {@code lc_collate} and {@code lc_ctype} are the current database's, from pg_database
 * @param extensions installed extensions by name with their version (hypopg, pg_stat_statements)
 * @param statsReset when the cumulative statistics were last reset, null if unknown
 */
public record Catalog(
    ServerInfo server,
    Map<String, String> settings,
    Map<String, String> extensions,
    List<Table> tables,
    Instant statsReset) {

  private static final Pattern SIZE = Pattern.compile("(-?\\d+)\\s*([kMGT]?B)?");

  /** Finds a table by schema and name (exact, as stored in pg_class). */
  public Optional<Table> table(String schema, String name) {
    return tables.stream()
        .filter(t -> t.schema().equals(schema) && t.name().equals(name))
        .findFirst();
  }

  public boolean hasExtension(String name) {
    return extensions.containsKey(name);
  }

  /** A numeric setting ({@code random_page_cost}, {@code max_connections}), if present. */
  public OptionalDouble settingNumber(String name) {
    String v = settings.get(name);
    if (v == null) {
      return OptionalDouble.empty();
    }
    try {
      return OptionalDouble.of(Double.parseDouble(v.strip()));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * A memory setting in bytes ({@code shared_buffers}, {@code work_mem}), parsing the units SHOW
   * prints (B, kB, MB, GB, TB); empty when absent or not a size.
   */
  public OptionalLong settingBytes(String name) {
    String v = settings.get(name);
    if (v == null) {
      return OptionalLong.empty();
    }
    var m = SIZE.matcher(v.strip());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long factor =
        switch (unit.toUpperCase(Locale.ROOT)) {
          case "KB" -> 1L << 10;
          case "MB" -> 1L << 20;
          case "GB" -> 1L << 30;
          case "TB" -> 1L << 40;
          default -> 1L;
        };
    return OptionalLong.of(n * factor);
  }
}
