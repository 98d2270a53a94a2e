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
  /** The normalized text being built (a plain array: this is the hot loop). */
  private char[] out = new char[256];
  private int outLen;

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

  /** Results by statement shape ({@link ShapeCache}); null for an instance without. */
  private final ShapeCache shapes;
  /** While normalizing for the cache: the starts of the literals whose value was used. */
  private boolean recording;
  private int[] kept = new int[8];
  private int keptCount;

  /** An instance for many statements, with a cache of results by statement shape. */
  public Fingerprinter() {
    this(true);
  }

  /** Without the shape cache: the reference the cache is tested against, and one-shot uses. */
  Fingerprinter(boolean shapeCache) {
    shapes = shapeCache ? new ShapeCache() : null;
  }

  /** Normalizes one statement (allocates; prefer an instance for many statements). */
  public static NormalizedQuery normalize(String sql) {
    var f = new Fingerprinter(false);
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
    return new String(out, 0, outLen);
  }

  /** Length of that text, to decide whether to keep it without materializing it. */
  public int textLength() {
    return outLen;
  }

  /**
   * The characters of the statement last given to {@link #fingerprint(CharSequence)}, as read:
   * {@code [0, readLength())}, at most {@link #MAX_INPUT_CHARS}. Shared and overwritten by the
   * next statement: callers only read it, at once.
   */
  char[] readChars() {
    return tok.chars();
  }

  /** How many characters of that statement were read. */
  int readLength() {
    return tok.limit();
  }

  /** Normalizes {@code sql} into this instance's buffer and returns its 64-bit fingerprint. */
  public long fingerprint(CharSequence sql) {
    tok.reset(sql, MAX_INPUT_CHARS);
    if (shapes == null) {
      return normalizeRead();
    }
    // A text that differs from one seen before only in its numbers' digits: no lexing at all.
    if (shapes.findByDigits(tok.chars(), tok.limit())) {
      return cached();
    }
    if (!shapes.readKey(tok)) {
      return normalizeRead();
    }
    // A text of a shape seen before: the results are copied, the same a run would give.
    if (shapes.find(tok.chars())) {
      shapes.keepByDigits(tok.chars(), tok.limit());
      return cached();
    }
    tok.rewind();
    recording = true;
    keptCount = 0;
    long hash = normalizeRead();
    recording = false;
    shapes.store(kept, keptCount, out, outLen, hash, tok.chars());
    shapes.keepByDigits(tok.chars(), tok.limit());
    return hash;
  }

  /** The results the shape cache found, as the text's own. */
  private long cached() {
    char[] text = shapes.text();
    outLen = 0;
    reserve(text.length);
    System.arraycopy(text, 0, out, 0, text.length);
    outLen = text.length;
    return shapes.fingerprint();
  }

  /** Hit and miss counts of the shape cache: {hits, misses, texts too long to cache}. */
  long[] shapeCacheCounts() {
    return shapes == null ? new long[3]
        : new long[] {shapes.hits, shapes.misses, shapes.bypassed};
  }

  /** Texts the shape cache answered by their digit mask alone ({@link ShapeCache#findByDigits}). */
  long digitMaskHits() {
    return shapes == null ? 0 : shapes.maskHits;
  }

  /** Characters the table by digit masks holds (bounded by {@link ShapeCache#MASK_MAX_CHARS}). */
  long digitMaskChars() {
    return shapes == null ? 0 : shapes.maskChars();
  }

  /** Characters the shape cache holds now (bounded by {@link ShapeCache#MAX_CHARS}). */
  long shapeCacheChars() {
    return shapes == null ? 0 : shapes.chars();
  }

  /** Normalizes the text {@link #tok} was reset to, from its start. */
  private long normalizeRead() {
    outLen = 0;
    params = 0;
    prevKind = prev2Kind = K_NONE;
    prevKeyword = prev2Keyword = Keywords.NONE;
    depth = 0;
    sortListDepth = typmodDepth = -1;
    jumpAt = Integer.MAX_VALUE;
    afterTransactionWord = false;
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
    // "commit;" and "commit" are one statement to the server, which never sees the semicolon
    while (outLen > 0 && (out[outLen - 1] == ';' || out[outLen - 1] == ' ')) {
      outLen--;
    }
    return hash(out, outLen);
  }

  private void emitToken() {
    switch (tok.type) {
      case WORD -> word();
      case QUOTED_IDENT -> quotedIdent();
      case STRING, PARAM -> constant();
      case NUMBER -> number();
      case OPERATOR -> operator();
      case CAST -> emitLiteral(K_CAST, "::");
      default -> punct(tok.charAt(tok.start));
    }
  }

  /**
   * {@code "products"} is the identifier {@code products}: the server resolves both to one
   * relation, so pg_stat_statements groups them. Quotes stay where they change the name (case,
   * spaces) or where the word is reserved.
   */
  private void quotedIdent() {
    int from = tok.start + 1;
    int to = tok.end - 1;
    if (tok.charAt(tok.start) == '"' && to > from && tok.charAt(to) == '"'
        && plainIdentifier(from, to)) {
      emit(K_WORD, Keywords.NONE, from, to, false);
    } else {
      emit(K_WORD, Keywords.NONE, tok.start, tok.end, false);
    }
  }

  private boolean plainIdentifier(int from, int to) {
    char first = tok.charAt(from);
    if (!((first >= 'a' && first <= 'z') || first == '_')) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = tok.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
        return false;
      }
    }
    return !RESERVED.contains(new String(tok.chars(), from, to - from));
  }

  /** PostgreSQL's reserved key words: quoted, they must stay quoted. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
      "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
      "current_date", "current_role", "current_time", "current_timestamp", "current_user",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
      "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
      "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
      "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
      "returning", "select", "session_user", "some", "symmetric", "system_user", "table", "then",
      "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
      "window", "with", "authorization", "binary", "collation", "concurrently", "cross",
      "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left",
      "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
      "verbose");

  /** Whether the token is the first of a statement (nothing before it, or a semicolon). */
  private boolean statementStart() {
    return prevKind == K_NONE || (prevKind == K_CLOSE && outLen > 0 && out[outLen - 1] == ';');
  }

  /** The word at the current token equals {@code w} (lower case), ignoring case. */
  private boolean wordIs(String w) {
    int len = tok.end - tok.start;
    if (len != w.length()) {
      return false;
    }
    char[] src = tok.chars();
    for (int i = 0; i < len; i++) {
      char c = src[tok.start + i];
      // ASCII folds by hand; above, the JDK decides (U+0130 lower-cases to 'i')
      c = c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : foldNonAscii(c);
      if (c != w.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Set after a transaction statement's first word, where WORK / TRANSACTION add nothing. */
  private boolean afterTransactionWord;

  /**
   * Transaction statements group as the server's query id does (a TransactionStmt's kind): END
   * is COMMIT, ABORT is ROLLBACK, and {@code WORK} / {@code TRANSACTION} after them is noise.
   */
  private boolean transactionWord() {
    if (afterTransactionWord && (wordIs("work") || wordIs("transaction"))) {
      afterTransactionWord = false;
      return true;
    }
    afterTransactionWord = false;
    if (!statementStart()) {
      return false;
    }
    String as = wordIs("end") ? "commit" : wordIs("abort") ? "rollback" : null;
    if (as != null) {
      emitLiteral(K_WORD, as);
      afterTransactionWord = true;
      return true;
    }
    afterTransactionWord = wordIs("begin") || wordIs("commit") || wordIs("rollback");
    return false;
  }

  private void word() {
    if (transactionWord()) {
      return;
    }
    int kw = Keywords.lookup(tok.chars(), tok.start, tok.end);
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
      if (recording) {
        keep(tok.start);
      }
      emit(K_CONST, Keywords.NONE, tok.start, tok.end, false);
    } else {
      constant();
    }
  }

  /** The literal at {@code start} is written as it is: the shape cache must compare it. */
  private void keep(int start) {
    if (keptCount == kept.length) {
      kept = java.util.Arrays.copyOf(kept, keptCount * 2);
    }
    kept[keptCount++] = start;
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
        if (c == '(' && prevKind == K_WORD
            && (prev2Kind == K_CAST || prev2Keyword == Keywords.AS)) {
          typmodDepth = depth + 1;
        }
        depth++;
        emitChar(c == '(' ? K_OPEN : K_SUBSCRIPT, c);
      }
      case ')', ']' -> {
        if (depth == typmodDepth) {
          typmodDepth = -1;
        }
        depth = Math.max(0, depth - 1);
        if (depth < sortListDepth) {
          sortListDepth = -1;
        }
        emitChar(K_CLOSE, c);
      }
      case ',' -> emitChar(K_COMMA, ',');
      case '.' -> {
        if (prevKind == K_CONST && endsWithPlainNumber()) {
          put(' ');
        }
        emitChar(K_DOT, '.');
      }
      case ';' -> {
        sortListDepth = -1;
        emitChar(K_CLOSE, ';');
      }
      default -> emit(K_OTHER, Keywords.NONE, tok.start, tok.end, false);
    }
  }

  private void constant() {
    space(K_CONST);
    put('$');
    putInt(++params);
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
   * bracket, left for the normal scan to emit, or the end of the input read). False if an item
   * is not a constant.
   */
  private boolean scanConstantItems(char close) {
    firstItemEnd = -1;
    while (true) {
      if (firstItemEnd >= 0 && tok.peekSignificant() == -1) {
        listEnd = tok.position(); // cut by the input bound: the list collapses all the same
        return true;
      }
      if (!scanConstantItem()) {
        return false;
      }
      if (firstItemEnd < 0) {
        firstItemEnd = tok.position();
      }
      Type t = tok.next();
      if (t == Type.END) {
        listEnd = tok.position();
        return true;
      }
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
      int kw = Keywords.lookup(tok.chars(), tok.start, tok.end);
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
        t = tok.next();
        while (t == Type.NUMBER || (t == Type.PUNCT && tok.charAt(tok.start) == ',')) {
          t = tok.next(); // typmod numbers
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

  /**
   * Whether the text written so far ends with a number kept as written ({@code ORDER BY 1},
   * {@code varchar(10)}), not a {@code $n}: a {@code .} right after it would read back as part
   * of the number ({@code 1.}), so normalizing the normalized text would change it.
   */
  private boolean endsWithPlainNumber() {
    int j = outLen - 1;
    if (j < 0 || out[j] < '0' || out[j] > '9') {
      return false;
    }
    while (j >= 0 && ((out[j] >= '0' && out[j] <= '9') || out[j] == '.')) {
      j--;
    }
    return j < 0 || out[j] != '$';
  }

  /** A one-character token, as {@link #emitLiteral} would write it, without a String. */
  private void emitChar(int kind, char c) {
    space(kind);
    put(c);
    remember(kind, Keywords.NONE);
  }

  private void emitLiteral(int kind, String text) {
    space(kind);
    for (int i = 0; i < text.length(); i++) {
      put(text.charAt(i));
    }
    remember(kind, Keywords.NONE);
  }

  private void emit(int kind, int keyword, int start, int end, boolean fold) {
    space(kind);
    int n = end - start;
    reserve(n);
    char[] src = tok.chars();
    char[] dst = out;
    int o = outLen;
    if (fold) {
      for (int i = start; i < end; i++) {
        char c = src[i];
        // unquoted identifiers fold like the server's downcase_identifier: ASCII fast path
        if (c < 0x80) {
          dst[o++] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        } else {
          dst[o++] = foldNonAscii(c);
        }
      }
    } else {
      System.arraycopy(src, start, dst, o, n);
    }
    outLen += n;
    remember(kind, keyword);
  }

  /** Kept out of the loops: C1 would inline the JDK's table lookup into them. */
  private static char foldNonAscii(char c) {
    return Character.toLowerCase(c);
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
      put(' '); // ": ::" must not become ":::", read back as ":: :"
      return;
    }
    if (next == K_CLOSE || next == K_COMMA || next == K_CAST || next == K_DOT
        || next == K_SUBSCRIPT) {
      return;
    }
    if (next == K_OPEN && prevKind == K_WORD && prevKeyword == Keywords.NONE) {
      return; // a function call or a bracket subscript
    }
    put(' ');
  }

  private void put(char c) {
    if (outLen == out.length) {
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    out[outLen++] = c;
  }

  /** Room for {@code n} more characters in {@link #out}. */
  private void reserve(int n) {
    if (out.length - outLen < n) {
      out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, outLen + n));
    }
  }

  private void putInt(int n) {
    if (n >= 10) {
      putInt(n / 10);
    }
    put((char) ('0' + n % 10));
  }

  /**
   * FNV-style over the characters (four at a time), finished by a 64-bit mix so that close texts
   * spread well. The value is part of the output contract: change it and fingerprints change.
   */
  static long hash(char[] s, int n) {
    long h = 0xcbf29ce484222325L ^ n;
    int i = 0;
    for (; i + 3 < n; i += 4) { // four characters a round: the multiply chain is the cost
      long w = s[i] | (long) s[i + 1] << 16 | (long) s[i + 2] << 32 | (long) s[i + 3] << 48;
      h = (h ^ w) * 0x100000001b3L;
      h ^= h >>> 29;
    }
    for (; i < n; i++) {
      h = (h ^ s[i]) * 0x100000001b3L;
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
