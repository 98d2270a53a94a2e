package io.pgdba.finding;

import java.util.Locale;

/** The advisor family a finding belongs to; its lower-case name is the JSON and label value. */
public enum Category {
  TABLE,
  QUERY,
  CONFIG,
  LOG,
  HISTORY;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
