package io.pgdba.workload;

import io.pgdba.workload.SqlTokenizer.Type;
import java.util.List;

/**
 * Normalizes SQL text by a single-pass lexer (no full parse), the way pg_stat_statements groups:
 * constants and parameters become {@code $n} numbered in order of appearance, constant lists of
 * {@code IN (...)}, {@code ARRAY[...]} and {@code VALUES (...), (...)} collapse to one element or
 * row, comments and layout disappear and unquoted words fold to lower case. The fingerprint is a
 * 64-bit hash of that text, as 16 hex digits.
 *
 * <p>Use the static {@link #normalize(String)} for one statement; a {@code Fingerprinter} instance
 * reuses its buffers (not thread-safe) for the hot path: {@link #fingerprint(CharSequence)} returns
 * the hash without allocating, and {@link #text()} materializes the text only when needed.
 *
 * <p>Work is bounded: only the first {@link #MAX_INPUT_CHARS} characters are read, and every token
 * consumes input, so any input (garbage, unterminated quotes) finishes in linear time.
 */
public final class Fingerprinter {

  /** Longer statements are fingerprinted on this prefix only (a 100 MB line stays cheap). */
  public static final int MAX_INPUT_CHARS = 1 << 20;

  // What the previously emitted token was, for spacing and context decisions.
  private static final int K_NONE = 0;
  private static final int K_WORD = 1;
  private static final int K_CONST = 2;
  private static final int K_OPERATOR = 3;
  private static final int K_OPEN = 4;
  private static final int K_CLOSE = 5;
  private static final int K_COMMA = 6;
  private static final int K_CAST = 7;
  private static final int K_DOT = 8;
  private static final int K_OTHER = 9;
  /** {@code [}: like an opening parenthesis, but never preceded by a space. */
  private static final int K_SUBSCRIPT = 10;

  private final SqlTokenizer tok = new SqlTokenizer();
  private final StringBuilder out = new StringBuilder(256);

  private int params;
  private int prevKind;
  private int prevKeyword;
  private int prev2Kind;
  private int prev2Keyword;
  private int depth;
  /** Paren depth of an ORDER BY / GROUP BY list (numbers there are positions), or -1. */
  private int sortListDepth;
  /** Paren depth inside a type modifier such as {@code ::numeric(10,2)}, or -1. */
  private int typmodDepth;
  /** When the scan reaches {@code jumpAt}, it continues at {@code jumpTo} (collapsed lists). */
  private int jumpAt;
  private int jumpTo;
  // Results of the last constant-list scan.
  private int firstItemEnd;
  private int listEnd;

  public Fingerprinter() {}

  /** Normalizes one statement (allocates; prefer an instance for many statements). */
  public static NormalizedQuery normalize(String sql) {
    var f = new Fingerprinter();
    long hash = f.fingerprint(sql == null ? "" : sql);
    return new NormalizedQuery(hex(hash), f.text());
  }

  /** The 16 lower-case hex digits of a fingerprint. */
  public static String hex(long fingerprint) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = Character.forDigit((int) (fingerprint & 0xF), 16);
      fingerprint >>>= 4;
    }
    return new String(c);
  }

  /** The normalized text of the statement last given to {@link #fingerprint(CharSequence)}. */
  public String text() {
    return out.toString();
  }

  /** Length of that text, to decide whether to keep it without materializing it. */
  public int textLength() {
    return out.length();
  }

  /** Normalizes {@code sql} into this instance's buffer and returns its 64-bit fingerprint. */
  public long fingerprint(CharSequence sql) {
    out.setLength(0);
    params = 0;
    prevKind = prev2Kind = K_NONE;
    prevKeyword = prev2Keyword = Keywords.NONE;
    depth = 0;
    sortListDepth = typmodDepth = -1;
    jumpAt = Integer.MAX_VALUE;
    tok.reset(sql, MAX_INPUT_CHARS);
    while (true) {
      if (tok.position() >= jumpAt) {
        tok.seek(jumpTo);
        jumpAt = Integer.MAX_VALUE;
      }
      if (tok.next() == Type.END) {
        break;
      }
      emitToken();
    }
    return hash(out);
  }

  private void emitToken() {
    switch (tok.type) {
      case WORD -> word();
      case QUOTED_IDENT -> emit(K_WORD, Keywords.NONE, tok.start, tok.end, false);
      case STRING, PARAM -> constant();
      case NUMBER -> number();
      case OPERATOR -> operator();
      case CAST -> emitLiteral(K_CAST, "::");
      default -> punct(tok.charAt(tok.start));
    }
  }

  private void word() {
    int kw = Keywords.lookup(tok.source(), tok.start, tok.end);
    if ((kw == Keywords.NULL || kw == Keywords.TRUE || kw == Keywords.FALSE) && !isTest(kw)) {
      constant();
      return;
    }
    if (kw == Keywords.UESCAPE && prevKind == K_CONST) {
      tok.next(); // U&'..' UESCAPE '!' is one constant
      return;
    }
    if (kw == Keywords.BY && (prevKeyword == Keywords.ORDER || prevKeyword == Keywords.GROUP)) {
      sortListDepth = depth;
    } else if (kw == Keywords.UNARY_CONTEXT || kw == Keywords.CLAUSE_END) {
      sortListDepth = -1;
    }
    emit(K_WORD, kw, tok.start, tok.end, true);
    if (kw == Keywords.IN && tok.peekSignificant() == '(') {
      collapseList(')');
    } else if (kw == Keywords.ARRAY && tok.peekSignificant() == '[') {
      collapseList(']');
    } else if (kw == Keywords.VALUES && tok.peekSignificant() == '(') {
      collapseRows();
    }
  }

  /**
   * NULL, TRUE and FALSE are constants (Const nodes) for the server, except as the operand of
   * {@code IS [NOT] NULL/TRUE/FALSE} (a test node) and in a {@code NOT NULL} constraint.
   */
  private boolean isTest(int kw) {
    if (prevKeyword == Keywords.IS) {
      return true;
    }
    return prevKeyword == Keywords.NOT && (kw == Keywords.NULL || prev2Keyword == Keywords.IS);
  }

  private void number() {
    boolean positional = prevKind == K_COMMA || prevKeyword == Keywords.BY;
    if ((positional && depth == sortListDepth && !followedByExpression())
        || (typmodDepth >= 0 && depth == typmodDepth)) {
      // ORDER BY 2 names a column and varchar(10) a type: neither is a constant for the server.
      emit(K_CONST, Keywords.NONE, tok.start, tok.end, false);
    } else {
      constant();
    }
  }

  private boolean followedByExpression() {
    int c = tok.peekSignificant();
    return c != -1 && (SqlTokenizer.isOperatorChar((char) c) || c == '(' || c == '.' || c == ':'
        || c == '[');
  }

  private void operator() {
    int start = tok.start;
    int end = tok.end;
    if (end - start == 1 && tok.charAt(start) == '-' && unaryContext()) {
      if (tok.next() == Type.NUMBER) {
        constant(); // the server folds the sign into the constant
        return;
      }
      tok.seek(end);
    }
    emit(K_OPERATOR, Keywords.NONE, start, end, false);
  }

  private boolean unaryContext() {
    return switch (prevKind) {
      case K_NONE, K_OPERATOR, K_OPEN, K_SUBSCRIPT, K_COMMA -> true;
      case K_WORD -> prevKeyword != Keywords.NONE && prevKeyword != Keywords.NULL
          && prevKeyword != Keywords.TRUE && prevKeyword != Keywords.FALSE;
      default -> false;
    };
  }

  private void punct(char c) {
    switch (c) {
      case '(', '[' -> {
        // A type modifier: the word after :: or AS, followed by "(".
        if (c == '(' && prevKind == K_WORD && (prev2Kind == K_CAST || prev2Keyword == Keywords.AS)) {
          typmodDepth = depth + 1;
        }
        depth++;
        emitLiteral(c == '(' ? K_OPEN : K_SUBSCRIPT, c == '(' ? "(" : "[");
      }
      case ')', ']' -> {
        if (depth == typmodDepth) {
          typmodDepth = -1;
        }
        depth = Math.max(0, depth - 1);
        if (depth < sortListDepth) {
          sortListDepth = -1;
        }
        emitLiteral(K_CLOSE, c == ')' ? ")" : "]");
      }
      case ',' -> emitLiteral(K_COMMA, ",");
      case '.' -> emitLiteral(K_DOT, ".");
      case ';' -> {
        sortListDepth = -1;
        emitLiteral(K_CLOSE, ";");
      }
      default -> emit(K_OTHER, Keywords.NONE, tok.start, tok.end, false);
    }
  }

  private void constant() {
    space(K_CONST);
    out.append('$').append(++params);
    remember(K_CONST, Keywords.NONE);
  }

  /**
   * After {@code IN} or {@code ARRAY}: if the list holds only constants, keep the first one and
   * skip the rest, so lists of any length give one fingerprint.
   */
  private void collapseList(char close) {
    int resume = tok.position();
    tok.next(); // the opening bracket
    if (scanConstantItems(close) && firstItemEnd < listEnd) {
      jumpAt = firstItemEnd;
      jumpTo = listEnd;
    }
    tok.seek(resume);
  }

  /** After {@code VALUES}: rows of constants collapse to the first row. */
  private void collapseRows() {
    int resume = tok.position();
    int firstRowEnd = -1;
    int lastRowEnd = -1;
    while (tok.next() == Type.PUNCT && tok.charAt(tok.start) == '(') {
      if (!scanConstantItems(')')) {
        tok.seek(resume);
        return;
      }
      lastRowEnd = tok.position();
      if (firstRowEnd < 0) {
        firstRowEnd = lastRowEnd;
      }
      int afterRow = tok.position();
      if (tok.next() != Type.PUNCT || tok.charAt(tok.start) != ',') {
        tok.seek(afterRow);
        break;
      }
    }
    if (firstRowEnd >= 0 && firstRowEnd < lastRowEnd) {
      jumpAt = firstRowEnd;
      jumpTo = lastRowEnd;
    }
    tok.seek(resume);
  }

  /**
   * Scans {@code item, item, ... close} after an opening bracket without emitting. Sets
   * {@link #firstItemEnd} (end of the first item) and {@link #listEnd} (position of the closing
   * bracket, left for the normal scan to emit). False if an item is not a constant.
   */
  private boolean scanConstantItems(char close) {
    firstItemEnd = -1;
    while (true) {
      if (!scanConstantItem()) {
        return false;
      }
      if (firstItemEnd < 0) {
        firstItemEnd = tok.position();
      }
      Type t = tok.next();
      if (t != Type.PUNCT) {
        return false;
      }
      char c = tok.charAt(tok.start);
      if (c == close) {
        listEnd = tok.start;
        return true;
      }
      if (c != ',') {
        return false;
      }
    }
  }

  /** A constant, a parameter, a signed number or a typed literal, with optional casts. */
  private boolean scanConstantItem() {
    Type t = tok.next();
    if (t == Type.OPERATOR && tok.end - tok.start == 1 && tok.charAt(tok.start) == '-') {
      t = tok.next();
      if (t != Type.NUMBER) {
        return false;
      }
    } else if (t == Type.WORD) {
      int kw = Keywords.lookup(tok.source(), tok.start, tok.end);
      if (kw != Keywords.NULL && kw != Keywords.TRUE && kw != Keywords.FALSE
          && kw != Keywords.DEFAULT) {
        // date '2024-01-01': a type name followed by a string
        if (tok.next() != Type.STRING) {
          return false;
        }
      }
    } else if (t != Type.STRING && t != Type.NUMBER && t != Type.PARAM) {
      return false;
    }
    while (true) {
      int before = tok.position();
      if (tok.next() != Type.CAST) {
        tok.seek(before);
        return true;
      }
      if (!scanTypeName()) {
        return false;
      }
    }
  }

  private boolean scanTypeName() {
    Type t = tok.next();
    if (t != Type.WORD && t != Type.QUOTED_IDENT) {
      return false;
    }
    while (true) {
      int before = tok.position();
      t = tok.next();
      char c = t == Type.PUNCT ? tok.charAt(tok.start) : 0;
      if (t == Type.WORD || c == '.') {
        continue; // character varying, pg_catalog.int4
      }
      if (c == '(' || c == '[') {
        char close = c == '(' ? ')' : ']';
        while ((t = tok.next()) == Type.NUMBER || (t == Type.PUNCT && tok.charAt(tok.start) == ',')) {
          // typmod numbers
        }
        if (t != Type.PUNCT || tok.charAt(tok.start) != close) {
          return false;
        }
        continue;
      }
      tok.seek(before);
      return true;
    }
  }

  private void emitLiteral(int kind, String text) {
    space(kind);
    out.append(text);
    remember(kind, Keywords.NONE);
  }

  private void emit(int kind, int keyword, int start, int end, boolean fold) {
    space(kind);
    for (int i = start; i < end; i++) {
      char c = tok.charAt(i);
      out.append(fold ? Character.toLowerCase(c) : c);
    }
    remember(kind, keyword);
  }

  private void remember(int kind, int keyword) {
    prev2Kind = prevKind;
    prev2Keyword = prevKeyword;
    prevKind = kind;
    prevKeyword = keyword;
  }

  /** One space between tokens, except where SQL layout has none ({@code f(x), a.b, x::int}). */
  private void space(int next) {
    if (prevKind == K_NONE || prevKind == K_OPEN || prevKind == K_SUBSCRIPT || prevKind == K_CAST
        || prevKind == K_DOT) {
      return;
    }
    if (next == K_CAST && prevKind == K_OTHER) {
      out.append(' '); // ": ::" must not become ":::", read back as ":: :"
      return;
    }
    if (next == K_CLOSE || next == K_COMMA || next == K_CAST || next == K_DOT
        || next == K_SUBSCRIPT) {
      return;
    }
    if (next == K_OPEN && prevKind == K_WORD && prevKeyword == Keywords.NONE) {
      return; // a function call or a bracket subscript
    }
    out.append(' ');
  }

  /** FNV-1a over the characters, finished by a 64-bit mix so that close texts spread well. */
  private static long hash(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * Puts the logged parameter values in place of {@code $n} in {@code sql} (placeholders inside
   * strings, identifiers and comments are left alone), so that the example can be EXPLAINed.
   * Placeholders without a value stay as they are.
   */
  public static String substituteParameters(String sql, List<String> parameters) {
    if (sql == null || parameters == null || parameters.isEmpty()) {
      return sql;
    }
    var t = new SqlTokenizer();
    t.reset(sql, Integer.MAX_VALUE);
    var sb = new StringBuilder(sql.length() + 16 * parameters.size());
    int copied = 0;
    while (t.next() != Type.END) {
      if (t.type != Type.PARAM || t.end - t.start > 6) {
        continue;
      }
      int n = Integer.parseInt(sql, t.start + 1, t.end, 10);
      if (n >= 1 && n <= parameters.size() && parameters.get(n - 1) != null) {
        sb.append(sql, copied, t.start).append(parameters.get(n - 1));
        copied = t.end;
      }
    }
    return sb.append(sql, copied, sql.length()).toString();
  }
}
