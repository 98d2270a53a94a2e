package io.pgdba.log;

/** The log formats PostgreSQL (and the platforms around it) write. */
public enum LogFormat {
  /** Plain stderr lines, each starting with {@code log_line_prefix}. */
  STDERR,
  /** {@code log_destination = 'csvlog'}, columns of PostgreSQL 13 to 17. */
  CSVLOG,
  /** {@code log_destination = 'jsonlog'} (PostgreSQL 15+), one JSON object per line. */
  JSONLOG,
  /** CloudNativePG pod output: one JSON object per line, the Postgres record nested in {@code record}. */
  CNPG;

  /** Parses a CLI/CRD value; {@code auto} (or null) means detect, returned as null. */
  public static LogFormat parseOrAuto(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("auto")) {
      return null;
    }
    for (var f : values()) {
      if (f.name().equalsIgnoreCase(value.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown log format '" + value + "' (expected auto, stderr, csvlog, jsonlog or cnpg)");
  }
}
