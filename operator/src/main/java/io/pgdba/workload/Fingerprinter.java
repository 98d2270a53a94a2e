package io.pgdba.workload;

/** Normalizes SQL text by a single-pass lexer (no full parse), the way pg_stat_statements groups. */
public final class Fingerprinter {

  private Fingerprinter() {}

  public static NormalizedQuery normalize(String sql) {
    throw new UnsupportedOperationException("TODO(workload): implement");
  }
}
