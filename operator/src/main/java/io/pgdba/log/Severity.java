package io.pgdba.log;

/**
 * The severity word that follows the prefix in a stderr line ({@code LOG: }, {@code DETAIL: }...).
 * Matched by hand because it is looked up once per line.
 */
final class Severity {

  private Severity() {}

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
   * The severity at {@code from} when a colon and two spaces follow it, else null. The result is
   * one of the string literals above, so callers may compare it with ==.
   */
  static String at(String line, int from) {
    String word = atLoose(line, from);
    return word != null && line.startsWith(":  ", from + word.length()) ? word : null;
  }

  /**
   * As {@link #at}, also with one space after the colon: PostgreSQL writes two, a rewriting
   * collector (pgBadger's RDS samples) may keep one. Only where the prefix put the severity.
   */
  static String atLoose(String line, int from) {
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
      if (line.startsWith(word, from) && line.startsWith(": ", end)) {
        return word;
      }
    }
    return null;
  }

  /** The candidates of {@link #atLoose} by first byte, with their ASCII bytes beside them. */
  private static final String[][] BY_FIRST = new String[128][];

  private static final byte[][][] BYTES_BY_FIRST = new byte[128][][];

  static {
    for (String[] words : new String[][] {L, E, F, P, W, N, I, D, H, C, S, Q}) {
      int first = words[0].charAt(0);
      BY_FIRST[first] = words;
      BYTES_BY_FIRST[first] = new byte[words.length][];
      for (int k = 0; k < words.length; k++) {
        BYTES_BY_FIRST[first][k] = words[k].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      }
    }
  }

  /**
   * {@link #atLoose(String, int)} on the bytes {@code b[from, end)} of a line whose bytes before
   * {@code from} are ASCII (so byte and char positions agree): the same literal, or null.
   */
  static String atLoose(byte[] b, int from, int end) {
    if (from >= end || b[from] < 0) {
      return null;
    }
    byte[][] candidates = BYTES_BY_FIRST[b[from]];
    if (candidates == null) {
      return null;
    }
    for (int k = 0; k < candidates.length; k++) {
      byte[] word = candidates[k];
      int colon = from + word.length;
      if (colon + 2 > end || b[colon] != ':' || b[colon + 1] != ' ') {
        continue;
      }
      int i = 1;
      while (i < word.length && b[from + i] == word[i]) {
        i++;
      }
      if (i == word.length) {
        return BY_FIRST[b[from]][k];
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
