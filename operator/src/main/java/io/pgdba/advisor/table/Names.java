package io.pgdba.advisor.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads names as PostgreSQL prints them ({@code regclass::text}, {@code quote_ident}): an
 * unqualified name is in the schema being checked, quoted parts are unquoted, and a dot inside
 * quotes is part of the name.
 */
final class Names {

  private Names() {}

  /** {@code [schema, name]} of a possibly qualified, possibly quoted relation name. */
  static String[] qualified(String printed, String defaultSchema) {
    var parts = split(printed);
    if (parts.size() >= 2) {
      return new String[] {parts.get(parts.size() - 2), parts.get(parts.size() - 1)};
    }
    return new String[] {defaultSchema, parts.isEmpty() ? printed : parts.get(0)};
  }

  /** One identifier as quote_ident prints it, unquoted. */
  static String unquote(String printed) {
    var parts = split(printed);
    return parts.isEmpty() ? printed : parts.get(parts.size() - 1);
  }

  /** {@code schema.name} for an object field, without quotes (a finding is read, not run). */
  static String object(String schema, String name) {
    return schema + "." + name;
  }

  private static List<String> split(String s) {
    var out = new ArrayList<String>();
    var cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == '.' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
