package io.pgdba.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text form of a one-dimensional PostgreSQL array ({@code {a,"b c",NULL}}). pg_stats
 * stores MCVs as {@code anyarray}, which JDBC cannot map to one Java type; reading its text form
 * and splitting it here works for every element type.
 */
final class PgArrayLiteral {

  private PgArrayLiteral() {}

  /** The elements as text, null for an unquoted NULL; an empty list for null input. */
  static List<String> parse(String literal) {
    var out = new ArrayList<String>();
    if (literal == null) {
      return out;
    }
    String s = literal.strip();
    // A non-default lower bound prefixes the literal: "[0:2]={...}".
    int eq = s.startsWith("[") ? s.indexOf('=') : -1;
    if (eq >= 0) {
      s = s.substring(eq + 1);
    }
    if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
      throw new IllegalArgumentException("not an array literal: " + abbreviate(literal));
    }
    int i = 1;
    int end = s.length() - 1;
    if (i == end) {
      return out;
    }
    while (i <= end) {
      var sb = new StringBuilder();
      boolean quoted = false;
      int depth = 0;
      if (i < end && s.charAt(i) == '"') {
        quoted = true;
        i++;
        while (i < end && s.charAt(i) != '"') {
          char ch = s.charAt(i);
          if (ch == '\\' && i + 1 < end) {
            i++;
            ch = s.charAt(i);
          }
          sb.append(ch);
          i++;
        }
        i++; // closing quote
      } else {
        // Unquoted element; nested braces (multi-dimensional) are kept as one element.
        while (i < end && (depth > 0 || s.charAt(i) != ',')) {
          char ch = s.charAt(i);
          if (ch == '{') {
            depth++;
          } else if (ch == '}') {
            depth--;
          }
          sb.append(ch);
          i++;
        }
      }
      String value = sb.toString();
      out.add(!quoted && value.equalsIgnoreCase("NULL") ? null : quoted ? value : value.strip());
      i++; // the comma, or past the end
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
