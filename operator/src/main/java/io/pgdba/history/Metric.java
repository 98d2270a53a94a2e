package io.pgdba.history;

import java.util.Locale;

/** A per-query figure that trends, regressions and targets are about. */
public enum Metric {
  MEAN("meanMs"),
  P95("p95Ms"),
  TOTAL("totalMs"),
  CALLS("calls"),
  /** Bytes of temporary files per call (logs with log_temp_files only). */
  TEMP_BYTES_PER_CALL("tempBytesPerCall");

  private final String jsonName;

  Metric(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }

  /**
   * {@code mean}, {@code p95}, {@code total} or {@code calls}, as users write them; temp bytes
   * are only a regression's metric, not a target's (a pg_stat_statements run has none).
   */
  public static Metric parse(String name) {
    try {
      var metric = valueOf(name.strip().toUpperCase(Locale.ROOT));
      if (metric != TEMP_BYTES_PER_CALL) {
        return metric;
      }
    } catch (IllegalArgumentException e) {
      // the message below
    }
    throw new IllegalArgumentException(
        "unknown metric '" + name + "' (mean, p95, total or calls)");
  }
}
