package io.pgdba.workload;

// The reference of SessionTrackerDifferentialTest: SessionTracker as it was before the workload
// thread's allocation work (maps of boxed fingerprints, a map entry and a count object per
// fingerprint and unit, iterators over the parameters), renamed, reading every value of the
// text itself (no StatementText), the volatility by the regular-expression reference. Never
// optimize it: the fast code must answer as this does.

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Follows statements session by session to see what no per-fingerprint statistic shows: N+1
 * loops, chatty transactions, identical queries repeated within seconds, and the parameter sets
 * of prepared statements (see {@link SessionPatterns}).
 *
 * <p>Memory is bounded whatever the log's size: per open session only counts per fingerprint of
 * its current transaction or burst (at most {@value #MAX_UNIT_FINGERPRINTS}); at most
 * {@value #MAX_SESSIONS} sessions, the one not heard from for the longest closed first; at most
 * {@value #MAX_RECENT} recent (query, parameters) keys for repeats; at most
 * {@value #MAX_SUMMARIES} fingerprints per pattern, the smallest dropped first. A transaction is
 * what lies between {@code BEGIN} and {@code COMMIT}/{@code ROLLBACK} in the log; autocommit
 * statements of a session less than {@value #BURST_GAP_MS} ms apart form a burst. Not
 * thread-safe: one consumer feeds it.
 */
final class ReferenceSessionTracker {

  /** Executions of one fingerprint, with changing parameters, in one transaction or burst. */
  public static final int LOOP_MIN = 10;
  /** Statements in one explicit transaction, besides the loops already reported as such. */
  public static final int CHATTY_MIN = 20;
  /** Identical executions within this many ms of the previous one count as repeats. */
  public static final long REPEAT_WINDOW_MS = 2_000;
  /** Repeats of one fingerprint before they are worth a finding. */
  public static final int REPEAT_MIN = 5;
  static final long BURST_GAP_MS = 1_000;
  static final int MAX_SESSIONS = 10_000;
  static final int MAX_UNIT_FINGERPRINTS = 256;
  static final int MAX_RECENT = 50_000;
  static final int MAX_SUMMARIES = 1_000;
  static final int CHATTY_FINGERPRINTS = 8;
  static final int PARAMETER_SETS = 16;
  /** A parameter set longer than this (in characters) is not kept as a sample. */
  static final int MAX_PARAMETER_CHARS = 256;
  static final int MAX_TEXT_CHARS = 16_384;

  /** One fingerprint's count in the open transaction or burst. */
  private static final class UnitCount {
    int count;
    int changes;
    long lastIdentity;
    long precededBy;
    double timeMs;
  }

  private static final class Session {
    boolean inTransaction;
    long unitStartMs = -1;
    long lastMs = -1;
    int statements;
    double timeMs;
    long firstFingerprint;
    long previousFingerprint;
    boolean hasPrevious;
    final LinkedHashMap<Long, UnitCount> counts = new LinkedHashMap<>();
  }

  private static final class LoopSum {
    long loops;
    long executions;
    long max;
    long inTransactions;
    double timeMs;
    final Map<Long, Long> precededBy = new HashMap<>();
  }

  private static final class ChattySum {
    long transactions;
    long statements;
    long max;
    double timeMs;
    double spanMs;
    List<Long> fingerprints = List.of();
  }

  private static final class RepeatSum {
    long repeats;
    long maxBurst;
    double timeMs;
  }

  private static final class PreparedSum {
    final String text;
    long executions;
    long named;
    final long[] hashes = new long[PARAMETER_SETS];
    final List<List<String>> sets = new ArrayList<>();

    PreparedSum(String text) {
      this.text = text;
    }
  }

  private long sessionCount;
  private long transactions;
  private boolean sessionsKnown;
  private final Map<String, Session> sessions = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      if (size() > MAX_SESSIONS) {
        endUnit(eldest.getValue());
        return true;
      }
      return false;
    }
  };
  // Recent (query, parameters) keys: a direct-mapped table, so a repeat costs no allocation and
  // the memory is fixed; a collision forgets the older key, which can only miss a repeat.
  // One slot is three neighbouring longs (key, time, burst): the slot is random per statement, and
  // one cache line read instead of three arrays' lines.
  private final long[] recent = new long[3 * MAX_RECENT];
  private final Map<Long, LoopSum> loops = new HashMap<>();
  private final Map<Long, ChattySum> chatty = new HashMap<>();
  private final Map<Long, RepeatSum> repeats = new HashMap<>();
  private final Map<Long, PreparedSum> prepared = new HashMap<>();

  /** One executed statement (not a parse or bind phase) and the fingerprint it was given. */
  public void statement(ExecutedStatement s, long fingerprint) {
    Origin o = s.origin();
    if (o.session() == null) {
      return;
    }
    sessionsKnown = true;
    String text = s.text() == null ? "" : s.text();
    long now = o.timestamp() == null ? -1 : o.timestamp().toEpochMilli();
    double ms = QueryAccumulator.clean(s.durationMs());
    Session session = sessions.get(o.session());
    if (session == null) {
      session = new Session();
      sessions.put(o.session(), session);
      sessionCount++;
    }
    String verb = firstWord(text);
    switch (verb) {
      case "begin", "start" -> {
        endUnit(session);
        session.inTransaction = true;
        session.unitStartMs = now;
        session.lastMs = now;
        return;
      }
      case "commit", "end", "abort", "rollback", "prepare" -> {
        if (verb.equals("rollback") && text.toLowerCase(Locale.ROOT).contains(" to ")) {
          break; // ROLLBACK TO SAVEPOINT: the transaction goes on
        }
        if (verb.equals("prepare") && !text.toLowerCase(Locale.ROOT).contains("transaction")) {
          break;
        }
        session.lastMs = now;
        endUnit(session);
        return;
      }
      default -> {
        // a statement of the unit
      }
    }
    if (!session.inTransaction && session.lastMs >= 0 && now >= 0
        && Math.abs(now - session.lastMs) > BURST_GAP_MS) {
      endUnit(session);
    }
    if (session.statements == 0) {
      session.firstFingerprint = fingerprint;
      if (session.unitStartMs < 0) {
        session.unitStartMs = now;
      }
    }
    session.statements++;
    session.timeMs += ms;
    session.lastMs = now;
    long identity = identity(text, s.parameters());
    UnitCount c = session.counts.get(fingerprint);
    if (c == null && session.counts.size() < MAX_UNIT_FINGERPRINTS) {
      c = new UnitCount();
      c.lastIdentity = identity;
      c.precededBy = session.hasPrevious ? session.previousFingerprint : 0;
      session.counts.put(fingerprint, c);
    } else if (c != null && c.lastIdentity != identity) {
      c.changes++;
      c.lastIdentity = identity;
    }
    if (c != null) {
      c.count++;
      c.timeMs += ms;
    }
    session.previousFingerprint = fingerprint;
    session.hasPrevious = true;
    if (now >= 0 && isReadOnly(verb)) {
      repeat(fingerprint, identity, now, ms, text);
    }
    if (!s.parameters().isEmpty() && s.phase() == io.pgdba.log.LogEvent.Phase.EXECUTE) {
      prepared(s, fingerprint, text);
    }
  }

  /** The session's disconnection: its open transaction or burst ends, its pid may be reused. */
  public void sessionEnded(Origin o) {
    if (o.session() == null) {
      return;
    }
    Session session = sessions.remove(o.session());
    if (session != null) {
      endUnit(session);
    }
  }

  /**
   * The patterns seen so far; the transactions and bursts still open are closed, so call it once
   * the log has been read.
   */
  public SessionPatterns summary() {
    for (Session s : sessions.values()) {
      endUnit(s);
    }
    var loopList = new ArrayList<SessionPatterns.Loop>();
    loops.forEach((fp, l) -> loopList.add(new SessionPatterns.Loop(hex(fp), l.loops,
        l.executions, l.max, l.inTransactions, mostFrequent(l.precededBy), l.timeMs)));
    loopList.sort(Comparator.comparingLong(SessionPatterns.Loop::executions).reversed()
        .thenComparing(SessionPatterns.Loop::fingerprint));
    var chattyList = new ArrayList<SessionPatterns.Chatty>();
    chatty.forEach((fp, c) -> chattyList.add(new SessionPatterns.Chatty(hex(fp), c.transactions,
        c.statements, c.max, c.timeMs, c.spanMs,
        c.fingerprints.stream().map(ReferenceSessionTracker::hex).toList())));
    chattyList.sort(Comparator.comparingLong(SessionPatterns.Chatty::statements).reversed()
        .thenComparing(SessionPatterns.Chatty::fingerprint));
    var repeatList = new ArrayList<SessionPatterns.Repeat>();
    repeats.forEach((fp, r) -> {
      if (r.repeats >= REPEAT_MIN) {
        repeatList.add(new SessionPatterns.Repeat(hex(fp), r.repeats, r.maxBurst, r.timeMs));
      }
    });
    repeatList.sort(Comparator.comparingLong(SessionPatterns.Repeat::repeats).reversed()
        .thenComparing(SessionPatterns.Repeat::fingerprint));
    var preparedList = new ArrayList<SessionPatterns.Prepared>();
    prepared.forEach((fp, p) -> preparedList.add(new SessionPatterns.Prepared(hex(fp), p.text,
        p.executions, p.named, p.sets)));
    preparedList.sort(Comparator.comparingLong(SessionPatterns.Prepared::executions).reversed()
        .thenComparing(SessionPatterns.Prepared::fingerprint));
    return new SessionPatterns(sessionsKnown, sessionCount, transactions, loopList, chattyList,
        repeatList, preparedList);
  }

  private void endUnit(Session s) {
    if (s.statements > 0 || s.inTransaction) {
      if (s.inTransaction) {
        transactions++;
      }
      long loopExtra = 0;
      for (var e : s.counts.entrySet()) {
        UnitCount c = e.getValue();
        if (c.count >= LOOP_MIN && c.changes + 1 >= (c.count + 1) / 2) {
          var sum = bounded(loops, e.getKey(), k -> new LoopSum(), l -> l.executions);
          if (sum != null) {
            sum.loops++;
            sum.executions += c.count;
            sum.max = Math.max(sum.max, c.count);
            sum.inTransactions += s.inTransaction ? 1 : 0;
            sum.timeMs += c.timeMs;
            if (c.precededBy != 0 && sum.precededBy.size() < 16) {
              sum.precededBy.merge(c.precededBy, 1L, Long::sum);
            }
          }
          loopExtra += c.count - 1;
        }
      }
      if (s.inTransaction && s.statements - loopExtra >= CHATTY_MIN) {
        var sum = bounded(chatty, s.firstFingerprint, k -> new ChattySum(), c -> c.statements);
        if (sum != null) {
          sum.transactions++;
          sum.statements += s.statements;
          sum.timeMs += s.timeMs;
          if (s.unitStartMs >= 0 && s.lastMs >= s.unitStartMs) {
            sum.spanMs += s.lastMs - s.unitStartMs;
          }
          if (s.statements > sum.max) {
            sum.max = s.statements;
            sum.fingerprints = s.counts.keySet().stream().limit(CHATTY_FINGERPRINTS).toList();
          }
        }
      }
    }
    s.inTransaction = false;
    s.statements = 0;
    s.timeMs = 0;
    s.unitStartMs = -1;
    s.hasPrevious = false;
    s.counts.clear();
  }

  private void repeat(long fingerprint, long identity, long now, double ms, String text) {
    long key = identity * 0x9E3779B97F4A7C15L ^ fingerprint;
    key = key == 0 ? 1 : key; // 0 marks an empty slot
    int slot = (int) Long.remainderUnsigned(key, MAX_RECENT);
    int burst = 1;
    int at = 3 * slot;
    if (recent[at] == key && Math.abs(now - recent[at + 1]) <= REPEAT_WINDOW_MS
        && !isVolatileSlow(text)) {
      burst = (int) recent[at + 2] + 1;
      var sum = bounded(repeats, fingerprint, k -> new RepeatSum(), r -> r.repeats);
      if (sum != null) {
        sum.repeats++;
        sum.timeMs += ms;
        sum.maxBurst = Math.max(sum.maxBurst, burst);
      }
    }
    recent[at] = key;
    recent[at + 1] = now;
    recent[at + 2] = burst;
  }

  private void prepared(ExecutedStatement s, long fingerprint, String text) {
    PreparedSum p = prepared.get(fingerprint);
    if (p == null) {
      if (text.length() > MAX_TEXT_CHARS) {
        return;
      }
      p = bounded(prepared, fingerprint, k -> new PreparedSum(text), q -> q.executions);
      if (p == null) {
        return;
      }
    }
    p.executions++;
    String name = s.preparedName();
    if (name != null && !name.isEmpty() && !name.startsWith("<unnamed")) {
      p.named++;
    }
    int chars = 0;
    for (String v : s.parameters()) {
      chars += v == null ? 4 : v.length();
    }
    if (chars > MAX_PARAMETER_CHARS) {
      return;
    }
    // bottom-k by hash: the same sample whatever order the log's lines come in
    long h = identity("", s.parameters());
    int n = p.sets.size();
    for (int i = 0; i < n; i++) {
      if (p.hashes[i] == h) {
        return;
      }
    }
    if (n < PARAMETER_SETS) {
      p.hashes[n] = h;
      p.sets.add(List.copyOf(s.parameters()));
      return;
    }
    int largest = 0;
    for (int i = 1; i < n; i++) {
      if (Long.compareUnsigned(p.hashes[i], p.hashes[largest]) > 0) {
        largest = i;
      }
    }
    if (Long.compareUnsigned(h, p.hashes[largest]) < 0) {
      p.hashes[largest] = h;
      p.sets.set(largest, List.copyOf(s.parameters()));
    }
  }

  /**
   * The summary of {@code key}, created if there is room; at the bound the smallest one (by
   * {@code size}) gives way when it is smaller than a newcomer can be, i.e. empty-ish.
   */
  private static <T> T bounded(Map<Long, T> map, long key, Function<Long, T> create,
      java.util.function.ToLongFunction<T> size) {
    T t = map.get(key);
    if (t != null) {
      return t;
    }
    if (map.size() >= MAX_SUMMARIES) {
      Long smallest = null;
      long least = Long.MAX_VALUE;
      for (var e : map.entrySet()) {
        long v = size.applyAsLong(e.getValue());
        if (v < least || (v == least && smallest != null && e.getKey() < smallest)) {
          least = v;
          smallest = e.getKey();
        }
      }
      if (smallest == null || least > 1) {
        return null;
      }
      map.remove(smallest);
    }
    t = create.apply(key);
    map.put(key, t);
    return t;
  }

  private static String mostFrequent(Map<Long, Long> counts) {
    return counts.entrySet().stream()
        .max(Map.Entry.<Long, Long>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder())))
        .map(e -> hex(e.getKey())).orElse(null);
  }

  private static String hex(long fingerprint) {
    return Fingerprinter.hex(fingerprint);
  }

  /** The statement's first keyword in lower case, past blanks, comments and parentheses. */
  static String firstWord(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    boolean ascii = true;
    while (i < n && Character.isLetter(sql.charAt(i)) && i - start < 16) {
      ascii &= sql.charAt(i) < 0x80;
      i++;
    }
    if (ascii) {
      // the verbs looked at, without a substring and a lower-cased copy per statement
      for (String verb : VERBS) {
        if (equalsAsciiIgnoreCase(sql, start, i, verb)) {
          return verb;
        }
      }
    }
    // anything else (a letter outside ASCII may lower-case into ASCII: the JDK decides)
    return sql.substring(start, i).toLowerCase(Locale.ROOT);
  }

  /**
   * {@link #firstWord(String)} of {@code sql} read from {@code s[0, n)}, its characters (all of
   * them: {@code n == sql.length()}); the same steps on the array, which the fingerprinter has
   * just filled.
   */
  static String firstWord(char[] s, int n, String sql) {
    int i = 0;
    while (i < n) {
      char c = s[i];
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
        int nl = indexOf(s, n, '\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        int end = indexOfCommentEnd(s, n, i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    boolean ascii = true;
    while (i < n && Character.isLetter(s[i]) && i - start < 16) {
      ascii &= s[i] < 0x80;
      i++;
    }
    if (ascii) {
      for (int v = 0; v < VERBS.length; v++) {
        if (equalsAsciiIgnoreCase(s, start, i, VERB_CHARS[v])) {
          return VERBS[v];
        }
      }
    }
    return sql.substring(start, i).toLowerCase(Locale.ROOT);
  }

  private static int indexOf(char[] s, int n, char c, int from) {
    for (int i = from; i < n; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Where {@code *}{@code /} starts at or after {@code from}, as {@code indexOf("*}{@code /")}. */
  private static int indexOfCommentEnd(char[] s, int n, int from) {
    for (int i = from; i + 1 < n; i++) {
      if (s[i] == '*' && s[i + 1] == '/') {
        return i;
      }
    }
    return -1;
  }

  private static boolean equalsAsciiIgnoreCase(char[] s, int start, int end, char[] word) {
    if (end - start != word.length) {
      return false;
    }
    for (int k = 0; k < word.length; k++) {
      char c = s[start + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != word[k]) {
        return false;
      }
    }
    return true;
  }

  private static final String[] VERBS = {
    "select", "insert", "update", "delete", "with", "begin", "commit", "start", "end", "abort",
    "rollback", "prepare", "values", "table"
  };

  private static final char[][] VERB_CHARS =
      java.util.Arrays.stream(VERBS).map(String::toCharArray).toArray(char[][]::new);

  /** {@code sql[start, end)} equals the lower-case ASCII {@code word}, ignoring ASCII case. */
  private static boolean equalsAsciiIgnoreCase(String sql, int start, int end, String word) {
    if (end - start != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      char c = sql.charAt(start + k);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isReadOnly(String verb) {
    return verb.equals("select") || verb.equals("with") || verb.equals("values")
        || verb.equals("table");
  }

  /** Answers that change from one run to the next, or rows it locks: no cache could serve it. */
  static boolean isVolatile(String sql) {
    int n = sql.length();
    char[] s = new char[n];
    sql.getChars(0, n, s, 0);
    for (int i = 0; i < n; i++) {
      char c = s[i];
      if (c >= 0x80) {
        return isVolatileSlow(sql); // lower-casing may change the length: the JDK decides
      }
      if (c >= 'A' && c <= 'Z') {
        s[i] = (char) (c + ('a' - 'A'));
      }
    }
    // ASCII: one pass looking at the words that may start at each character, with the same
    // answer as the contains() calls and the regular expression of isVolatileSlow
    for (int i = 0; i < n; i++) {
      boolean found = switch (s[i]) {
        case 'n' -> at(s, i, "now(") || at(s, i, "nextval(");
        case 'r' -> at(s, i, "random(");
        case 'c' -> at(s, i, "clock_timestamp") || at(s, i, "current_time");
        case 'l' -> at(s, i, "localtime");
        case 't' -> at(s, i, "txid_");
        case 'p' -> at(s, i, "pg_");
        case 'g' -> at(s, i, "gen_random");
        case ' ' -> at(s, i, " for update") || at(s, i, " for share") || at(s, i, " for no key")
            || at(s, i, " for key share");
        case 'u' -> at(s, i, "uuid_generate") || word(s, i, "update");
        case 'i' -> word(s, i, "insert");
        case 'd' -> word(s, i, "delete");
        case 'm' -> word(s, i, "merge");
        default -> false;
      };
      if (found) {
        return true;
      }
    }
    return false;
  }

  private static boolean at(char[] s, int i, String w) {
    if (i + w.length() > s.length) {
      return false;
    }
    for (int k = 0; k < w.length(); k++) {
      if (s[i + k] != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** {@code w} at {@code i} between regex word boundaries ({@code \b}, ASCII text). */
  private static boolean word(char[] s, int i, String w) {
    int end = i + w.length();
    return at(s, i, w) && (i == 0 || !isWordChar(s[i - 1]))
        && (end == s.length || !isWordChar(s[end]));
  }

  /** What {@code \b} counts as a word character, for ASCII. */
  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  /** The reference: any text, lower-cased as the JDK does it. */
  static boolean isVolatileSlow(String sql) {
    String s = sql.toLowerCase(Locale.ROOT);
    return s.contains("now(") || s.contains("random(") || s.contains("nextval(")
        || s.contains("clock_timestamp") || s.contains("current_time")
        || s.contains("localtime") || s.contains("txid_") || s.contains("pg_")
        || s.contains(" for update") || s.contains(" for share") || s.contains(" for no key")
        || s.contains(" for key share") || s.contains("gen_random")
        || s.contains("uuid_generate") || WRITES.matcher(s).find();
  }

  private static final java.util.regex.Pattern WRITES =
      java.util.regex.Pattern.compile("\\b(insert|update|delete|merge)\\b");

  /** A 64-bit FNV-1a of the text and its parameters: equal for identical executions. */
  static long identity(String text, List<String> parameters) {
    return identity(textHash(text), parameters);
  }

  /** The first half of {@link #identity(String, List)}: the text alone. */
  static long textHash(String text) {
    return mix(0xcbf29ce484222325L, text);
  }

  /** {@link #textHash(String)} of the text whose characters are {@code s[0, n)}. */
  static long textHash(char[] s, int n) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < n; i++) {
      h = (h ^ s[i]) * 0x100000001b3L;
    }
    return h;
  }

  /** {@link #identity(String, List)} from the text's {@link #textHash}. */
  static long identity(long textHash, List<String> parameters) {
    long h = textHash;
    for (String p : parameters) {
      h = (h ^ 0x1F) * 0x100000001b3L;
      h = p == null ? (h ^ 0x2) * 0x100000001b3L : mix(h, p);
    }
    return h;
  }

  private static long mix(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}
