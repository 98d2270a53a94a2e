package io.pgdba.history;

import java.util.Locale;

/** A per-query figure that trends, regressions and targets are about. */
public enum Metric {
  MEAN("meanMs"),
  P95("p95Ms"),
  TOTAL("totalMs"),
  CALLS("calls");

  private final String jsonName;

  Metric(String jsonName) {
    this.jsonName = jsonName;
  }

  public String jsonName() {
    return jsonName;
  }

  /** {@code mean}, {@code p95}, {@code total} or {@code calls}, as users write them. */
  public static Metric parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown metric '" + name + "' (mean, p95, total or calls)");
    }
  }
}
