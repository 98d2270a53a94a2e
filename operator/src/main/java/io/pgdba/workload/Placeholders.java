package io.pgdba.workload;

import java.util.HashMap;

/**
 * Parameter placeholders ({@code $n}) in SQL text, found with the same scanner as the
 * fingerprints (so a {@code $2} inside a string, a quoted name or a dollar-quoted body is left).
 */
public final class Placeholders {

  private Placeholders() {}

  /**
   * The text with its placeholders numbered {@code $1, $2, ...} in order of first appearance (the
   * same placeholder keeps one number). A fragment of a statement, such as one table's predicates
   * {@code publisher.id = $2}, is then a statement PostgreSQL can plan generically: it refuses one
   * whose {@code $1} is missing ("could not determine data type of parameter $1").
   */
  public static String renumbered(String sql) {
    var tokens = new SqlTokenizer();
    tokens.reset(sql, Integer.MAX_VALUE);
    var numbers = new HashMap<String, Integer>();
    var out = new StringBuilder(sql.length());
    int copied = 0;
    while (tokens.next() != SqlTokenizer.Type.END) {
      if (tokens.type == SqlTokenizer.Type.PARAM) {
        String param = sql.substring(tokens.start, tokens.end);
        int n = numbers.computeIfAbsent(number(param), k -> numbers.size() + 1);
        out.append(sql, copied, tokens.start).append('$').append(n);
        copied = tokens.end;
      }
    }
    return out.append(sql, copied, sql.length()).toString();
  }

  /** The placeholder's number as text without leading zeros: PostgreSQL reads $007 as $7. */
  private static String number(String param) {
    int i = 1;
    while (i < param.length() - 1 && param.charAt(i) == '0') {
      i++;
    }
    return param.substring(i);
  }
}
