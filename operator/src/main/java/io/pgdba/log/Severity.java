package io.pgdba.log;

/**
 * The severity word that follows the prefix in a stderr line ({@code LOG: }, {@code DETAIL: }...).
 * Matched by hand because it is looked up once per line.
 */
final class Severity {

  private Severity() {}

  /** Severities that start a new record. */
  static final String[] PRIMARY = {
    "LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO", "DEBUG", "DEBUG1", "DEBUG2",
    "DEBUG3", "DEBUG4", "DEBUG5"
  };

  /** Lines that add a part to the open record of the same process. */
  static final String[] PARTS = {"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION"};

  private static final String[] L = {"LOG", "LOCATION"};
  private static final String[] E = {"ERROR"};
  private static final String[] F = {"FATAL"};
  private static final String[] P = {"PANIC"};
  private static final String[] W = {"WARNING"};
  private static final String[] N = {"NOTICE"};
  private static final String[] I = {"INFO"};
  private static final String[] D = {
    "DETAIL", "DEBUG1", "DEBUG2", "DEBUG3", "DEBUG4", "DEBUG5", "DEBUG"
  };
  private static final String[] H = {"HINT"};
  private static final String[] C = {"CONTEXT"};
  private static final String[] S = {"STATEMENT"};
  private static final String[] Q = {"QUERY"};

  /**
   * The severity (one of the constants above, so callers may compare with ==) at {@code from}, when
   * it is followed by {@code ": "}; else null.
   */
  static String at(String line, int from) {
    if (from >= line.length()) {
      return null;
    }
    String[] candidates =
        switch (line.charAt(from)) {
          case 'L' -> L;
          case 'E' -> E;
          case 'F' -> F;
          case 'P' -> P;
          case 'W' -> W;
          case 'N' -> N;
          case 'I' -> I;
          case 'D' -> D;
          case 'H' -> H;
          case 'C' -> C;
          case 'S' -> S;
          case 'Q' -> Q;
          default -> null;
        };
    if (candidates == null) {
      return null;
    }
    for (String word : candidates) {
      int end = from + word.length();
      if (line.startsWith(word, from) && line.startsWith(":  ", end)) {
        return word; // a literal, interned like PRIMARY and PARTS
      }
    }
    return null;
  }

  static boolean isPart(String severity) {
    for (String s : PARTS) {
      if (s == severity) {
        return true;
      }
    }
    return false;
  }
}
