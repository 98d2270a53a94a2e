package io.pgdba.ddl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The one place generated SQL quotes identifiers and literals. Follows PostgreSQL's own
 * {@code quote_ident}: a name stays bare only when it is a lower-case simple identifier and not a
 * keyword that the grammar reserves (the list is PostgreSQL 17's {@code pg_get_keywords()}).
 */
public final class Identifiers {

  private static final Set<String> KEYWORDS = loadKeywords();

  private Identifiers() {}

  /** {@code name} as an SQL identifier, quoted only when needed, {@code "} doubled. */
  public static String quote(String name) {
    Objects.requireNonNull(name, "identifier");
    if (isSafe(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code schema.name}, each part quoted when needed; a null or blank schema is left out. */
  public static String qualified(String schema, String name) {
    return schema == null || schema.isEmpty() ? quote(name) : quote(schema) + "." + quote(name);
  }

  /** A string literal: single quotes doubled; backslashes are plain (standard_conforming_strings). */
  public static String literal(String value) {
    if (value == null) {
      return "NULL";
    }
    if (value.indexOf('\\') >= 0) {
      // E'' so that the literal means the same whatever standard_conforming_strings says.
      return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** True for a keyword that {@code quote_ident} quotes (reserved, column-name, type-name). */
  public static boolean isQuotedKeyword(String word) {
    return KEYWORDS.contains(word);
  }

  private static boolean isSafe(String name) {
    if (name.isEmpty()) {
      return false;
    }
    char first = name.charAt(0);
    if (!((first >= 'a' && first <= 'z') || first == '_')) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return !KEYWORDS.contains(name);
  }

  private static Set<String> loadKeywords() {
    var in = Identifiers.class.getResourceAsStream("pg-keywords.txt");
    if (in == null) {
      throw new IllegalStateException("pg-keywords.txt missing from the classpath");
    }
    var words = new HashSet<String>();
    try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          words.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(words);
  }
}
