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
   * {@code mean}, {@code p95}, {@code total}, {@code calls} or {@code temp_bytes_per_call}, as
   * users write them.
   */
  public static Metric parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown metric '" + name + "' (mean, p95, total, calls or temp_bytes_per_call)");
    }
  }
}
