package io.pgdba.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides double-quoted identifiers from a SQL parser that reads them differently from PostgreSQL.
 * JSqlParser splits {@code "p.q"} into schema {@code p} and table {@code q}, and refuses a
 * newline inside quotes; PostgreSQL reads both as one name. Each quoted identifier (found with the
 * server's lexical rules, {@link SqlTokenizer}) becomes a plain placeholder identifier that no
 * parser can misread, and {@link Masked#name} / {@link Masked#restore} give the real name back.
 *
 * <p>Restoring is safe by construction: a placeholder always turns back into exactly one quoted
 * identifier, with its quotes doubled, whatever the name holds.
 */
public final class QuotedNames {

  private static final String PREFIX = "pgdba_qn";

  private QuotedNames() {}

  /**
   * A text with its quoted identifiers replaced by placeholders.
   *
   * @param text the masked text, for the parser
   * @param names the real names, the placeholder {@code pgdba_qn<nonce>_<i>} standing for {@code
   *     names.get(i)}
   */
  public record Masked(String text, String nonce, List<String> names) {

    /** The real name a (possibly quoted) parsed identifier stands for, or null if none. */
    public String name(String identifier) {
      if (identifier == null || names.isEmpty()) {
        return null;
      }
      String bare = identifier;
      if (bare.length() >= 2 && bare.startsWith("\"") && bare.endsWith("\"")) {
        bare = bare.substring(1, bare.length() - 1);
      }
      String head = PREFIX + nonce + "_";
      if (!bare.startsWith(head)) {
        return null;
      }
      try {
        int i = Integer.parseInt(bare.substring(head.length()));
        return i >= 0 && i < names.size() ? names.get(i) : null;
      } catch (NumberFormatException e) {
        return null;
      }
    }

    /** Text rendered by the parser, with every placeholder back as its quoted identifier. */
    public String restore(String rendered) {
      if (names.isEmpty()) {
        return rendered;
      }
      Matcher m = Pattern.compile("\"?" + PREFIX + nonce + "_(\\d+)\"?").matcher(rendered);
      var out = new StringBuilder();
      while (m.find()) {
        int i = Integer.parseInt(m.group(1));
        String name = i < names.size() ? names.get(i) : m.group();
        m.appendReplacement(out, Matcher.quoteReplacement(quote(name)));
      }
      m.appendTail(out);
      return out.toString();
    }
  }

  /** Replaces each {@code "..."} identifier of {@code sql} with a placeholder. */
  public static Masked mask(String sql) {
    String nonce = nonce(sql);
    var tokenizer = new SqlTokenizer();
    tokenizer.reset(sql, sql.length());
    var out = new StringBuilder(sql.length());
    var names = new ArrayList<String>();
    int copied = 0;
    while (tokenizer.next() != SqlTokenizer.Type.END) {
      // U&"..." has escapes of its own: left to the parser (which refuses it) rather than decoded.
      if (tokenizer.type == SqlTokenizer.Type.QUOTED_IDENT
          && sql.charAt(tokenizer.start) == '"'
          && tokenizer.end - tokenizer.start >= 2
          && sql.charAt(tokenizer.end - 1) == '"') {
        String name = sql.substring(tokenizer.start + 1, tokenizer.end - 1).replace("\"\"", "\"");
        out.append(sql, copied, tokenizer.start);
        out.append(PREFIX).append(nonce).append('_').append(names.size());
        names.add(name);
        copied = tokenizer.end;
      }
    }
    out.append(sql, copied, sql.length());
    return new Masked(out.toString(), nonce, List.copyOf(names));
  }

  /** Always quoted: the name is exactly what the query wrote between quotes. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  // A tag the text does not contain, so that no placeholder can collide with the query's words.
  private static String nonce(String sql) {
    String lower = sql.toLowerCase(java.util.Locale.ROOT);
    int n = 0;
    while (lower.contains(PREFIX + Integer.toString(n, 36))) {
      n++;
    }
    return Integer.toString(n, 36);
  }
}
