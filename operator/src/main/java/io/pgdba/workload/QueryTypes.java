package io.pgdba.workload;

import java.util.Locale;
import java.util.Set;

/**
 * The kind of a statement from its first keyword (after comments and opening parentheses): {@code
 * select} (with {@code WITH}, {@code VALUES}, {@code TABLE}), {@code insert}, {@code update},
 * {@code delete}, {@code ddl}, {@code transaction}, {@code utility} or {@code other}. A {@code
 * WITH} whose main statement writes is counted by that statement.
 */
final class QueryTypes {

  private static final Set<String> DDL = Set.of(
      "create", "alter", "drop", "truncate", "comment", "grant", "revoke", "security",
      "reindex", "cluster", "refresh", "import");
  private static final Set<String> TRANSACTION = Set.of(
      "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release");
  private static final Set<String> UTILITY = Set.of(
      "set", "show", "reset", "vacuum", "analyze", "analyse", "explain", "copy", "listen",
      "unlisten", "notify", "discard", "lock", "declare", "fetch", "move", "close", "deallocate",
      "prepare", "execute", "checkpoint", "load", "do", "call");

  private QueryTypes() {}

  /** The types, in the log report's order: {@link #ofFirstWordIndex} indexes them. */
  static final String[] TYPES = {
    "select", "insert", "update", "delete", "ddl", "transaction", "utility", "other"
  };

  private static final int OTHER = TYPES.length - 1;

  /**
   * The keywords whose first word alone gives the type, packed as {@link #pack} does, with their
   * type: an open-addressed table read without allocating (this runs for every statement of a
   * log, on the thread that assembles them). WITH and PREPARE are left out: their type needs the
   * rest of the text.
   */
  private static final int TABLE_BITS = 7;
  private static final long[] PACKED = new long[1 << TABLE_BITS];
  /** The type of the keyword in the same slot of {@link #PACKED}, as an index of TYPES. */
  private static final byte[] PACKED_TYPE = new byte[1 << TABLE_BITS];

  static {
    for (String w : new String[] {"select", "values", "table"}) {
      put(w, "select");
    }
    for (String w : new String[] {"insert", "update", "delete"}) {
      put(w, w);
    }
    put("merge", "update");
    DDL.forEach(w -> put(w, "ddl"));
    TRANSACTION.forEach(w -> put(w, "transaction"));
    UTILITY.stream().filter(w -> !w.equals("prepare")).forEach(w -> put(w, "utility"));
  }

  private static void put(String keyword, String type) {
    long key = pack(keyword, 0, keyword.length());
    int i = slot(key);
    while (PACKED[i] != 0) {
      i = (i + 1) & (PACKED.length - 1);
    }
    PACKED[i] = key;
    PACKED_TYPE[i] = (byte) java.util.Arrays.asList(TYPES).indexOf(type);
  }

  private static int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - TABLE_BITS));
  }

  /** Up to 12 ASCII letters, case folded, 5 bits each; 0 for anything else. */
  private static long pack(String s, int from, int to) {
    if (to - from > 12) {
      return 0;
    }
    long key = 0;
    for (int i = from; i < to; i++) {
      int c = s.charAt(i) | 0x20;
      if (c < 'a' || c > 'z') {
        return 0;
      }
      key = key << 5 | (c - 'a' + 1);
    }
    return key;
  }

  /**
   * The type when the first word decides it, as {@link #of} gives it; null when {@link #of}
   * must read further (WITH, PREPARE) or the word is not plain ASCII (Unicode case folding, the
   * Kelvin sign lower-casing to 'k' for one, is left to {@link #of}). Cheap enough to run on
   * every statement without a cache.
   */
  static String ofFirstWord(String sql) {
    int type = ofFirstWordIndex(sql);
    return type < 0 ? null : TYPES[type];
  }

  /**
   * {@link #ofFirstWord} as an index into {@link #TYPES}, -1 for its null: what the log report
   * counts by, with no String compared per statement.
   */
  static int ofFirstWordIndex(String sql) {
    if (sql == null) {
      return OTHER;
    }
    int n = sql.length();
    int i;
    // nearly every statement starts with its keyword: no whitespace, '(' or comment to skip
    if (n > 0 && isAsciiLetter(sql.charAt(0))) {
      i = 0;
    } else {
      i = wordStart(sql, 0);
      if (i < 0) {
        return OTHER;
      }
    }
    // read and packed (as pack does) in one pass; the key is used only for words of at most
    // 12 letters, where it has not overflowed
    long key = 0;
    int j = i;
    for (; j < n; j++) {
      char c = sql.charAt(j);
      if (c < 128) {
        if (!isAsciiLetter(c)) {
          break;
        }
        key = key << 5 | ((c | 0x20) - 'a' + 1);
      } else if (Character.isLetter(c)) {
        return -1;
      } else {
        break;
      }
    }
    if (j == i) {
      return OTHER;
    }
    if (j - i > 12) {
      return OTHER; // longer than every keyword, and plain ASCII: no keyword
    }
    for (int k = slot(key); PACKED[k] != 0; k = (k + 1) & (PACKED.length - 1)) {
      if (PACKED[k] == key) {
        return PACKED_TYPE[k];
      }
    }
    return (j - i == 4 && key == WITH) || (j - i == 7 && key == PREPARE) ? -1 : OTHER;
  }

  private static final long WITH = pack("with", 0, 4);
  private static final long PREPARE = pack("prepare", 0, 7);

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static String of(String sql) {
    if (sql == null) {
      return "other";
    }
    String first = word(sql, 0);
    if (first == null) {
      return "other";
    }
    switch (first) {
      case "select", "values", "table" -> {
        return "select";
      }
      case "insert", "update", "delete" -> {
        return first;
      }
      case "merge" -> {
        return "update";
      }
      case "with" -> {
        return withMain(sql);
      }
      default -> {
        if (DDL.contains(first)) {
          return "ddl";
        }
        if (TRANSACTION.contains(first)) {
          // PREPARE TRANSACTION / COMMIT PREPARED are transaction control too
          return "transaction";
        }
        if (UTILITY.contains(first)) {
          return first.equals("prepare") && sql.toLowerCase(Locale.ROOT).contains("transaction")
              ? "transaction" : "utility";
        }
        return "other";
      }
    }
  }

  /**
   * The statement a {@code WITH} leads to: the first top-level (outside parentheses) select,
   * insert, update or delete keyword after the CTE list; quoted text and comments are skipped.
   */
  private static String withMain(String sql) {
    int depth = 0;
    int n = Math.min(sql.length(), 1 << 16);
    for (int i = 0; i < n; i++) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        if (end < 0) {
          break;
        }
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        if (end < 0) {
          break;
        }
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          break;
        }
        i = end + 1;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && Character.isLetter(c)
          && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
        int j = i;
        while (j < n && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
          j++;
        }
        String w = sql.substring(i, j).toLowerCase(Locale.ROOT);
        switch (w) {
          case "select", "values", "table" -> {
            return "select";
          }
          case "insert", "update", "delete" -> {
            return w;
          }
          case "merge" -> {
            return "update";
          }
          default -> i = j - 1;
        }
      }
    }
    return "select";
  }

  /** The first word at or after {@code from}, lower case, past blanks, comments and '('. */
  private static String word(String sql, int from) {
    int i = wordStart(sql, from);
    if (i < 0) {
      return null;
    }
    int n = sql.length();
    int j = i;
    while (j < n && Character.isLetter(sql.charAt(j))) {
      j++;
    }
    return j == i ? null : sql.substring(i, j).toLowerCase(Locale.ROOT);
  }

  /** Where the first word may start, past blanks, comments and '('; -1 in an open comment. */
  private static int wordStart(String sql, int from) {
    int i = from;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        if (end < 0) {
          return -1;
        }
        i = end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          return -1;
        }
        i = end + 2;
      } else {
        break;
      }
    }
    return i;
  }
}
