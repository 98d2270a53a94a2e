package io.pgdba.workload;

/**
 * A forgiving single-pass scanner of PostgreSQL SQL text, following the lexical rules of the
 * server's scanner (scan.l) closely enough to find literals, parameters, identifiers and
 * operators. It never throws: unterminated quotes or comments simply end at the end of the input,
 * and every call to {@link #next()} consumes at least one character, so a scan is linear.
 *
 * <p>One instance is reused for many statements (no allocation per token): after {@link #next()}
 * the token is described by {@link #type}, {@link #start} and {@link #end}.
 */
final class SqlTokenizer {

  enum Type {
    END,
    /** An unquoted identifier or keyword. */
    WORD,
    /** A double-quoted identifier (also {@code U&"..."}); case is significant. */
    QUOTED_IDENT,
    /** A string constant in any of its forms, or a dollar-quoted string. */
    STRING,
    /** A numeric constant. */
    NUMBER,
    /** An existing parameter placeholder {@code $n}. */
    PARAM,
    OPERATOR,
    /** {@code ::} */
    CAST,
    /** One of {@code ( ) [ ] , ; . :} or any other lone character. */
    PUNCT
  }

  /**
   * The characters read, copied once from the text: the scan is the hot loop of the workload
   * thread, and indexing an array costs a fraction of {@code CharSequence.charAt} (an interface
   * call, then a Latin-1/UTF-16 test and a bounds check per character, as C1 compiles it).
   */
  private char[] s = new char[256];
  private int limit;
  private int pos;

  Type type;
  int start;
  int end;

  /** Reads {@code text[0, min(length, maxChars))}, whose characters are copied here. */
  void reset(CharSequence text, int maxChars) {
    limit = Math.min(text.length(), maxChars);
    if (s.length < limit) {
      s = new char[Math.max(limit, Math.min(s.length * 2, Fingerprinter.MAX_INPUT_CHARS))];
    }
    if (text instanceof String str) {
      str.getChars(0, limit, s, 0);
    } else {
      for (int i = 0; i < limit; i++) {
        s[i] = text.charAt(i);
      }
    }
    pos = 0;
    type = Type.END;
    start = end = 0;
  }

  /** Back to the start of the text read, as {@link #reset} leaves it, without copying it again. */
  void rewind() {
    pos = 0;
    type = Type.END;
    start = end = 0;
  }

  /**
   * The characters read: valid in {@code [0, limit())}, until the next {@link #reset}. Shared,
   * not copied: callers only read it.
   */
  char[] chars() {
    return s;
  }

  /** How many characters are read: the text's length, or the bound given to {@link #reset}. */
  int limit() {
    return limit;
  }

  int position() {
    return pos;
  }

  void seek(int newPos) {
    pos = newPos;
  }

  char charAt(int i) {
    return s[i];
  }

  /** The first non-blank, non-comment character at or after the current position, or -1. */
  int peekSignificant() {
    int p = skipBlanks(pos);
    return p < limit ? s[p] : -1;
  }

  /** Scans the next token, skipping whitespace and comments. */
  Type next() {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    int p = skipBlanks(pos);
    start = p;
    if (p >= limit) {
      pos = end = limit;
      return type = Type.END;
    }
    char c = s[p];
    Type t;
    if (c == '\'') {
      p = endOfString(p + 1, false);
      t = Type.STRING;
    } else if (c == '"') {
      p = endOfQuoted(p + 1, '"');
      t = Type.QUOTED_IDENT;
    } else if (isIdentStart(c)) {
      int q = p + 1;
      // E'..', B'..', X'..', N'..' and U&'..' / U&".." are literals, not identifiers.
      if (q < limit && s[q] == '\'' && isStringPrefix(c)) {
        p = endOfString(q + 1, c == 'e' || c == 'E');
        t = Type.STRING;
      } else if ((c == 'u' || c == 'U') && q + 1 < limit && s[q] == '&'
          && (s[q + 1] == '\'' || s[q + 1] == '"')) {
        boolean ident = s[q + 1] == '"';
        p = ident ? endOfQuoted(q + 2, '"') : endOfString(q + 2, false);
        t = ident ? Type.QUOTED_IDENT : Type.STRING;
      } else {
        while (q < limit && isIdentPart(s[q])) {
          q++;
        }
        p = q;
        t = Type.WORD;
      }
    } else if (isDigit(c) || (c == '.' && p + 1 < limit && isDigit(s[p + 1]))) {
      p = endOfNumber(p);
      t = Type.NUMBER;
    } else if (c == '$') {
      int q = p + 1;
      if (q < limit && isDigit(s[q])) {
        while (q < limit && isDigit(s[q])) {
          q++;
        }
        p = q;
        t = Type.PARAM;
      } else {
        int close = dollarTagEnd(q);
        if (close >= 0) {
          p = endOfDollarQuote(p, close + 1);
          t = Type.STRING;
        } else {
          p = q;
          t = Type.PUNCT;
        }
      }
    } else if (c == ':' && p + 1 < limit && s[p + 1] == ':') {
      p += 2;
      t = Type.CAST;
    } else if (isOperatorChar(c)) {
      p = endOfOperator(p);
      t = Type.OPERATOR;
    } else {
      p++;
      t = Type.PUNCT;
    }
    pos = end = p;
    return type = t;
  }

  private int skipBlanks(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    while (p < limit) {
      char c = s[p];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        p++;
      } else if (c == '-' && p + 1 < limit && s[p + 1] == '-') {
        p += 2;
        while (p < limit && s[p] != '\n' && s[p] != '\r') {
          p++;
        }
      } else if (c == '/' && p + 1 < limit && s[p + 1] == '*') {
        p = endOfBlockComment(p + 2);
      } else {
        return p;
      }
    }
    return p;
  }

  /** Block comments nest in PostgreSQL. */
  private int endOfBlockComment(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    int depth = 1;
    while (p < limit) {
      char c = s[p];
      if (c == '*' && p + 1 < limit && s[p + 1] == '/') {
        p += 2;
        if (--depth == 0) {
          return p;
        }
      } else if (c == '/' && p + 1 < limit && s[p + 1] == '*') {
        p += 2;
        depth++;
      } else {
        p++;
      }
    }
    return p;
  }

  /**
   * Position after the closing quote of a string whose body starts at {@code p}. {@code ''} is an
   * escaped quote; with backslash escapes ({@code E'..'}) {@code \'} is too. Strings separated
   * only by whitespace containing a newline are one constant in SQL, so they are one token here.
   */
  private int endOfString(int p, boolean backslashEscapes) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    while (true) {
      while (p < limit) {
        char c = s[p];
        if (c == '\\' && backslashEscapes) {
          p += 2;
        } else if (c == '\'') {
          if (p + 1 < limit && s[p + 1] == '\'') {
            p += 2;
          } else {
            break;
          }
        } else {
          p++;
        }
      }
      if (p >= limit) {
        return limit;
      }
      p++; // closing quote
      int q = p;
      boolean newline = false;
      while (q < limit) {
        char c = s[q];
        if (c == '\n' || c == '\r') {
          newline = true;
        } else if (c != ' ' && c != '\t' && c != '\f') {
          break;
        }
        q++;
      }
      if (!newline || q >= limit || s[q] != '\'') {
        return p;
      }
      p = q + 1;
    }
  }

  private int endOfQuoted(int p, char quote) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    while (p < limit) {
      if (s[p] == quote) {
        if (p + 1 < limit && s[p + 1] == quote) {
          p += 2;
        } else {
          return p + 1;
        }
      } else {
        p++;
      }
    }
    return limit;
  }

  /** Index of the closing {@code $} of a dollar-quote tag starting after {@code $}, or -1. */
  private int dollarTagEnd(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    if (p < limit && s[p] == '$') {
      return p;
    }
    if (p >= limit || !isIdentStart(s[p])) {
      return -1;
    }
    int q = p + 1;
    while (q < limit) {
      char c = s[q];
      if (c == '$') {
        return q;
      }
      if (!(isIdentStart(c) || isDigit(c))) {
        return -1;
      }
      q++;
    }
    return -1;
  }

  /** Finds the same tag ({@code s[tagStart, bodyStart)}) closing the dollar-quoted string. */
  private int endOfDollarQuote(int tagStart, int bodyStart) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    int tagLen = bodyStart - tagStart;
    char first = s[tagStart];
    for (int p = bodyStart; p + tagLen <= limit; p++) {
      if (s[p] == first && regionMatches(p, tagStart, tagLen)) {
        return p + tagLen;
      }
    }
    return limit;
  }

  private boolean regionMatches(int a, int b, int len) {
    for (int i = 0; i < len; i++) {
      if (s[a + i] != s[b + i]) {
        return false;
      }
    }
    return true;
  }

  /** Decimal, 0x/0o/0b integers, fractions, exponents and {@code _} digit separators. */
  private int endOfNumber(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    char c = s[p];
    if (c == '0' && p + 2 < limit) {
      char r = s[p + 1];
      if (r == 'x' || r == 'X' || r == 'o' || r == 'O' || r == 'b' || r == 'B') {
        int q = p + 2;
        while (q < limit && (isHexDigit(s[q]) || s[q] == '_')) {
          q++;
        }
        if (q > p + 2) {
          return q;
        }
      }
    }
    p = digits(p);
    if (p < limit && s[p] == '.'
        && !(p + 1 < limit && s[p + 1] == '.')) { // "1..2" is not "1." ".2"
      p = digits(p + 1);
    }
    if (p < limit && (s[p] == 'e' || s[p] == 'E')) {
      int q = p + 1;
      if (q < limit && (s[q] == '+' || s[q] == '-')) {
        q++;
      }
      if (q < limit && isDigit(s[q])) {
        p = digits(q);
      }
    }
    return p;
  }

  private int digits(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    while (p < limit && (isDigit(s[p]) || s[p] == '_')) {
      p++;
    }
    return p;
  }

  /**
   * Operators follow scan.l: a comment start ends them, and a multi-character operator may not
   * end in {@code +} or {@code -} unless it contains one of {@code ~ ! @ # % ^ & | ` ?}, so that
   * {@code a=-1} is {@code a = -1}.
   */
  private int endOfOperator(int p) {
    final char[] s = this.s; // locals: C1 reloads fields on every iteration
    final int limit = this.limit;
    int q = p;
    boolean special = false;
    while (q < limit && isOperatorChar(s[q])) {
      char c = s[q];
      if (q > p && ((c == '-' && s[q - 1] == '-') || (c == '*' && s[q - 1] == '/'))) {
        q--;
        break;
      }
      if ("~!@#%^&|`?".indexOf(c) >= 0) {
        special = true;
      }
      q++;
    }
    // A comment start right at the beginning cannot happen (skipBlanks ate it), so q > p.
    if (q - p > 1 && !special) {
      while (q - p > 1 && (s[q - 1] == '+' || s[q - 1] == '-')) {
        q--;
      }
    }
    return Math.max(q, p + 1);
  }

  static boolean isOperatorChar(char c) {
    return switch (c) {
      case '+', '-', '*', '/', '<', '>', '=', '~', '!', '@', '#', '%', '^', '&', '|', '`', '?' ->
          true;
      default -> false;
    };
  }

  private static boolean isStringPrefix(char c) {
    return switch (c) {
      case 'e', 'E', 'b', 'B', 'x', 'X', 'n', 'N' -> true;
      default -> false;
    };
  }

  private static final byte IDENT_START = 1;
  private static final byte IDENT_PART = 2;
  /** Character classes of ASCII, looked up in the hot loops; anything above is a letter. */
  private static final byte[] ASCII = new byte[128];

  static {
    for (char c = 0; c < 128; c++) {
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      ASCII[c] = (byte) ((letter ? IDENT_START | IDENT_PART : 0)
          | (isDigit(c) || c == '$' ? IDENT_PART : 0));
    }
  }

  static boolean isIdentStart(char c) {
    return c >= 0x80 || (ASCII[c] & IDENT_START) != 0;
  }

  static boolean isIdentPart(char c) {
    return c >= 0x80 || (ASCII[c] & IDENT_PART) != 0;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
