package io.pgdba.finding;

import java.util.Locale;

/** How urgent a finding is, least urgent first (so that a descending sort puts critical first). */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
