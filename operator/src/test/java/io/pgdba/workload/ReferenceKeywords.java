package io.pgdba.workload;

// The reference of FingerprinterDifferentialTest: the main code as it was before the workload
// thread's speed work (commit 3a50711), renamed and kept verbatim. Never optimize it: the
// fast code must answer as this does.

/**
 * The few SQL keywords the fingerprinter reacts to, looked up without allocating: a word of up to
 * nine ASCII letters is packed into a long (7 bits a letter) and found in a small
 * open-addressing table.
 */
final class ReferenceKeywords {

  static final int NONE = 0;
  static final int IS = 1;
  static final int NOT = 2;
  static final int NULL = 3;
  static final int TRUE = 4;
  static final int FALSE = 5;
  static final int IN = 6;
  static final int VALUES = 7;
  static final int ORDER = 8;
  static final int GROUP = 9;
  static final int BY = 10;
  static final int AS = 11;
  static final int ARRAY = 12;
  static final int UESCAPE = 13;
  static final int DEFAULT = 14;
  /** After these a {@code -} is a sign: {@code SELECT -1}, {@code WHEN x THEN -1}. */
  static final int UNARY_CONTEXT = 15;
  /** These end an ORDER BY or GROUP BY list. */
  static final int CLAUSE_END = 16;

  private static final int SIZE = 128;
  private static final long[] KEYS = new long[SIZE];
  private static final int[] CODES = new int[SIZE];

  static {
    add("is", IS);
    add("not", NOT);
    add("null", NULL);
    add("true", TRUE);
    add("false", FALSE);
    add("in", IN);
    add("values", VALUES);
    add("order", ORDER);
    add("group", GROUP);
    add("by", BY);
    add("as", AS);
    add("array", ARRAY);
    add("uescape", UESCAPE);
    add("default", DEFAULT);
    for (String w : new String[] {"select", "where", "and", "or", "then", "else", "when", "case",
        "limit", "offset", "set", "between", "like", "ilike", "having", "on", "distinct", "all",
        "any", "some", "return", "returning", "fetch", "using", "with", "similar", "escape",
        "into"}) {
      add(w, UNARY_CONTEXT);
    }
    for (String w : new String[] {"for", "window", "union", "intersect", "except", "from",
        "where"}) {
      if (code(w) == NONE) {
        add(w, CLAUSE_END);
      }
    }
  }

  private ReferenceKeywords() {}

  private static void add(String word, int code) {
    long key = pack(word, 0, word.length());
    int i = slot(key);
    while (KEYS[i] != 0) {
      i = (i + 1) & (SIZE - 1);
    }
    KEYS[i] = key;
    CODES[i] = code;
  }

  private static int code(String word) {
    return lookup(word, 0, word.length());
  }

  /** The keyword code of {@code text[start, end)}, case-insensitively, or {@link #NONE}. */
  static int lookup(CharSequence text, int start, int end) {
    long key = pack(text, start, end);
    if (key == 0) {
      return NONE;
    }
    int i = slot(key);
    while (KEYS[i] != 0) {
      if (KEYS[i] == key) {
        return CODES[i];
      }
      i = (i + 1) & (SIZE - 1);
    }
    return NONE;
  }

  /** Letters packed 7 bits each; 0 when the word is too long or not plain ASCII letters. */
  private static long pack(CharSequence text, int start, int end) {
    if (end - start > 9 || end <= start) {
      return 0;
    }
    long key = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      } else if (c < 'a' || c > 'z') {
        return 0;
      }
      key = (key << 7) | c;
    }
    return key;
  }

  private static int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 57) & (SIZE - 1);
  }
}
