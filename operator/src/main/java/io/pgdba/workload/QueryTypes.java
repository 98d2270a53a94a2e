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
    int i = from;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        if (end < 0) {
          return null;
        }
        i = end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          return null;
        }
        i = end + 2;
      } else {
        break;
      }
    }
    int j = i;
    while (j < n && Character.isLetter(sql.charAt(j))) {
      j++;
    }
    return j == i ? null : sql.substring(i, j).toLowerCase(Locale.ROOT);
  }
}
