package io.pgdba.workload;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
public final class SessionTracker {

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
  private static final int VOLATILE_MEMO = 256;
  private static final int VOLATILE_MEMO_MAX_CHARS = 1024;

  /**
   * Per fingerprint of the open transaction or burst, in first-seen order: its executions, how
   * often its identity changed, the last identity, the fingerprint run before it, its time. Kept
   * as parallel arrays reused from unit to unit, where a map of objects cost a boxed key, an entry
   * and a count object for nearly every statement (most units run each fingerprint once). Looked
   * up by a scan while small, through a hash index (positions + 1, twice the capacity) once
   * larger.
   */
  private static final class UnitCounts {
    /** Capacity up to which a lookup scans the fingerprints. */
    private static final int SCANNED = 8;
    /** Capacity kept from one unit to the next: an idle session holds about 2 KB at most. */
    private static final int KEPT = 32;

    int size;
    long[] fingerprints;
    int[] count;
    int[] changes;
    long[] lastIdentity;
    long[] precededBy;
    double[] timeMs;
    private int[] index;
    private int indexShift;

    UnitCounts() {
      allocate(4);
    }

    /** The position of {@code fingerprint}, or -1. */
    int find(long fingerprint) {
      if (index == null) {
        for (int i = 0; i < size; i++) {
          if (fingerprints[i] == fingerprint) {
            return i;
          }
        }
        return -1;
      }
      int mask = index.length - 1;
      for (int i = slot(fingerprint); index[i] != 0; i = (i + 1) & mask) {
        if (fingerprints[index[i] - 1] == fingerprint) {
          return index[i] - 1;
        }
      }
      return -1;
    }

    /** Adds {@code fingerprint}, not yet present, with no executions; returns its position. */
    int add(long fingerprint, long identity, long before) {
      if (size == fingerprints.length) {
        grow(Math.min(MAX_UNIT_FINGERPRINTS, size * 2));
      }
      int at = size++;
      fingerprints[at] = fingerprint;
      count[at] = 0;
      changes[at] = 0;
      lastIdentity[at] = identity;
      precededBy[at] = before;
      timeMs[at] = 0;
      if (index != null) {
        insert(at);
      }
      return at;
    }

    private void grow(int capacity) {
      fingerprints = java.util.Arrays.copyOf(fingerprints, capacity);
      count = java.util.Arrays.copyOf(count, capacity);
      changes = java.util.Arrays.copyOf(changes, capacity);
      lastIdentity = java.util.Arrays.copyOf(lastIdentity, capacity);
      precededBy = java.util.Arrays.copyOf(precededBy, capacity);
      timeMs = java.util.Arrays.copyOf(timeMs, capacity);
      newIndex(capacity);
      if (index != null) {
        for (int i = 0; i < size; i++) {
          insert(i);
        }
      }
    }

    private void allocate(int capacity) {
      fingerprints = new long[capacity];
      count = new int[capacity];
      changes = new int[capacity];
      lastIdentity = new long[capacity];
      precededBy = new long[capacity];
      timeMs = new double[capacity];
      newIndex(capacity);
    }

    private void newIndex(int capacity) {
      if (capacity <= SCANNED) {
        index = null;
        return;
      }
      int bits = 33 - Integer.numberOfLeadingZeros(capacity - 1); // 2 * capacity, rounded up
      index = new int[1 << bits];
      indexShift = 64 - bits;
    }

    private void insert(int at) {
      int mask = index.length - 1;
      int i = slot(fingerprints[at]);
      while (index[i] != 0) {
        i = (i + 1) & mask;
      }
      index[i] = at + 1;
    }

    /**
     * Fingerprints come from logged text and may share their low bits: the multiplier spreads
     * them, and at most {@value #MAX_UNIT_FINGERPRINTS} entries bound any probe run.
     */
    private int slot(long fingerprint) {
      return (int) ((fingerprint * 0x9E3779B97F4A7C15L) >>> indexShift);
    }

    /** Ends the unit; a large unit's arrays go, so that idle sessions hold little. */
    void clear() {
      if (fingerprints.length > KEPT) {
        allocate(KEPT);
      } else if (index != null && size > 0) {
        java.util.Arrays.fill(index, 0);
      }
      size = 0;
    }
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
    final UnitCounts counts = new UnitCounts();
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
    /**
     * Once the sample is full, the position of its largest hash (unsigned): every execution
     * compares its hash with it, and it changes only when a set gives way, where a scan of the
     * sixteen at every execution was a tenth of this thread's prepared statements.
     */
    int largest = -1;

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
  /** Texts whose volatility is known (at most 256 KB of characters), and the answers. */
  private final String[] volatileTexts = new String[VOLATILE_MEMO];
  private final boolean[] volatileAnswers = new boolean[VOLATILE_MEMO];
  /** By slot, {@link StatementText#sameText()} of the text's last asker. */
  private final Object[] volatileKeys = new Object[VOLATILE_MEMO];
  private final Summaries<LoopSum> loops = new Summaries<>();
  private final Summaries<ChattySum> chatty = new Summaries<>();
  private final Summaries<RepeatSum> repeats = new Summaries<>();
  private final Summaries<PreparedSum> prepared = new Summaries<>();

  /**
   * The summaries of one pattern by fingerprint, and whether they are closed: full, and none small
   * enough to give way. Each summary only grows, so a closed map stays closed, and a newcomer is
   * then turned away without a look at the {@value #MAX_SUMMARIES} summaries (which a log of
   * more prepared statements than that would otherwise take at every execution of the others).
   */
  private static final class Summaries<T> {
    final LongMap<T> map = new LongMap<>();
    boolean closed;
  }

  /** One executed statement (not a parse or bind phase) and the fingerprint it was given. */
  public void statement(ExecutedStatement s, long fingerprint) {
    statement(s, new StatementText(s.text() == null ? "" : s.text(), fingerprint));
  }

  /** One executed statement, with what is known of its text (the builder's cached copy). */
  void statement(ExecutedStatement s, StatementText t) {
    Origin o = s.origin();
    if (o.session() == null) {
      return;
    }
    sessionsKnown = true;
    String text = t.text;
    long fingerprint = t.fingerprint;
    long now = o.timestamp() == null ? -1 : o.timestamp().toEpochMilli();
    double ms = QueryAccumulator.clean(s.durationMs());
    Session session = sessions.get(o.session());
    if (session == null) {
      session = new Session();
      sessions.put(o.session(), session);
      sessionCount++;
    }
    String verb = t.verb();
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
    long identity = t.identity(s.parameters());
    UnitCounts u = session.counts;
    int c = u.find(fingerprint);
    if (c < 0 && u.size < MAX_UNIT_FINGERPRINTS) {
      c = u.add(fingerprint, identity, session.hasPrevious ? session.previousFingerprint : 0);
    } else if (c >= 0 && u.lastIdentity[c] != identity) {
      u.changes[c]++;
      u.lastIdentity[c] = identity;
    }
    if (c >= 0) {
      u.count[c]++;
      u.timeMs[c] += ms;
    }
    session.previousFingerprint = fingerprint;
    session.hasPrevious = true;
    if (now >= 0 && isReadOnly(verb)) {
      repeat(fingerprint, identity, now, ms, t);
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
    loops.map.forEach((fp, l) -> loopList.add(new SessionPatterns.Loop(hex(fp), l.loops,
        l.executions, l.max, l.inTransactions, mostFrequent(l.precededBy), l.timeMs)));
    loopList.sort(Comparator.comparingLong(SessionPatterns.Loop::executions).reversed()
        .thenComparing(SessionPatterns.Loop::fingerprint));
    var chattyList = new ArrayList<SessionPatterns.Chatty>();
    chatty.map.forEach((fp, c) -> chattyList.add(new SessionPatterns.Chatty(hex(fp), c.transactions,
        c.statements, c.max, c.timeMs, c.spanMs,
        c.fingerprints.stream().map(SessionTracker::hex).toList())));
    chattyList.sort(Comparator.comparingLong(SessionPatterns.Chatty::statements).reversed()
        .thenComparing(SessionPatterns.Chatty::fingerprint));
    var repeatList = new ArrayList<SessionPatterns.Repeat>();
    repeats.map.forEach((fp, r) -> {
      if (r.repeats >= REPEAT_MIN) {
        repeatList.add(new SessionPatterns.Repeat(hex(fp), r.repeats, r.maxBurst, r.timeMs));
      }
    });
    repeatList.sort(Comparator.comparingLong(SessionPatterns.Repeat::repeats).reversed()
        .thenComparing(SessionPatterns.Repeat::fingerprint));
    var preparedList = new ArrayList<SessionPatterns.Prepared>();
    prepared.map.forEach((fp, p) -> preparedList.add(new SessionPatterns.Prepared(hex(fp), p.text,
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
      UnitCounts u = s.counts;
      for (int c = 0; c < u.size; c++) {
        int count = u.count[c];
        if (count >= LOOP_MIN && u.changes[c] + 1 >= (count + 1) / 2) {
          var sum = bounded(loops, u.fingerprints[c], LoopSum::new, l -> l.executions);
          if (sum != null) {
            sum.loops++;
            sum.executions += count;
            sum.max = Math.max(sum.max, count);
            sum.inTransactions += s.inTransaction ? 1 : 0;
            sum.timeMs += u.timeMs[c];
            if (u.precededBy[c] != 0 && sum.precededBy.size() < 16) {
              sum.precededBy.merge(u.precededBy[c], 1L, Long::sum);
            }
          }
          loopExtra += count - 1;
        }
      }
      if (s.inTransaction && s.statements - loopExtra >= CHATTY_MIN) {
        var sum = bounded(chatty, s.firstFingerprint, ChattySum::new, c -> c.statements);
        if (sum != null) {
          sum.transactions++;
          sum.statements += s.statements;
          sum.timeMs += s.timeMs;
          if (s.unitStartMs >= 0 && s.lastMs >= s.unitStartMs) {
            sum.spanMs += s.lastMs - s.unitStartMs;
          }
          if (s.statements > sum.max) {
            sum.max = s.statements;
            var first = new ArrayList<Long>(CHATTY_FINGERPRINTS);
            for (int c = 0; c < Math.min(CHATTY_FINGERPRINTS, u.size); c++) {
              first.add(u.fingerprints[c]);
            }
            sum.fingerprints = List.copyOf(first);
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

  private void repeat(long fingerprint, long identity, long now, double ms, StatementText t) {
    long key = identity * 0x9E3779B97F4A7C15L ^ fingerprint;
    key = key == 0 ? 1 : key; // 0 marks an empty slot
    int slot = (int) Long.remainderUnsigned(key, MAX_RECENT);
    int burst = 1;
    int at = 3 * slot;
    if (recent[at] == key && Math.abs(now - recent[at + 1]) <= REPEAT_WINDOW_MS
        && !isVolatile(t)) {
      burst = (int) recent[at + 2] + 1;
      var sum = bounded(repeats, fingerprint, RepeatSum::new, r -> r.repeats);
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

  /**
   * {@link StatementText#isVolatile()}, remembered by exact text: a repeat is the same text again,
   * but each execution's event comes with a fresh copy of what is known of its text, so the copy
   * alone would scan the text at every repeat. The slot comes from the text hash the identity
   * has just worked out; an equal text answers as the text itself, a collision only costs the
   * scan. Copies of one reading of the text (the reading threads hand out one per execution) are
   * known by reference, {@link StatementText#sameText()}: no comparison of the characters, which
   * was most of the cost of a hit.
   */
  private boolean isVolatile(StatementText t) {
    String text = t.text;
    int slot = (int) t.textHash() & (VOLATILE_MEMO - 1);
    Object key = t.sameText();
    if (volatileKeys[slot] == key) {
      return volatileAnswers[slot];
    }
    if (text.equals(volatileTexts[slot])) {
      volatileKeys[slot] = key;
      return volatileAnswers[slot];
    }
    boolean answer = t.isVolatile();
    if (text.length() <= VOLATILE_MEMO_MAX_CHARS) {
      volatileTexts[slot] = text;
      volatileKeys[slot] = key;
      volatileAnswers[slot] = answer;
    }
    return answer;
  }

  private void prepared(ExecutedStatement s, long fingerprint, String text) {
    PreparedSum p = prepared.map.get(fingerprint);
    if (p == null) {
      if (text.length() > MAX_TEXT_CHARS) {
        return;
      }
      p = bounded(prepared, fingerprint, () -> new PreparedSum(text), q -> q.executions);
      if (p == null) {
        return;
      }
    }
    p.executions++;
    String name = s.preparedName();
    if (name != null && !name.isEmpty() && !name.startsWith("<unnamed")) {
      p.named++;
    }
    List<String> parameters = s.parameters();
    if (!(parameters instanceof java.util.RandomAccess)) {
      parameters = new ArrayList<>(parameters); // get(i) is cheap on the copy
    }
    int chars = 0;
    for (int i = 0, n = parameters.size(); i < n; i++) {
      String v = parameters.get(i);
      chars += v == null ? 4 : v.length();
    }
    if (chars > MAX_PARAMETER_CHARS) {
      return;
    }
    // bottom-k by hash: the same sample whatever order the log's lines come in
    long h = identity(EMPTY_TEXT_HASH, parameters);
    int n = p.sets.size();
    for (int i = 0; i < n; i++) {
      if (p.hashes[i] == h) {
        return;
      }
    }
    if (n < PARAMETER_SETS) {
      p.hashes[n] = h;
      p.sets.add(List.copyOf(parameters));
      if (n + 1 == PARAMETER_SETS) {
        p.largest = largest(p.hashes);
      }
      return;
    }
    if (Long.compareUnsigned(h, p.hashes[p.largest]) < 0) {
      p.hashes[p.largest] = h;
      p.sets.set(p.largest, List.copyOf(parameters));
      p.largest = largest(p.hashes);
    }
  }

  /** The first position of the largest of {@code hashes}, compared unsigned. */
  private static int largest(long[] hashes) {
    int largest = 0;
    for (int i = 1; i < hashes.length; i++) {
      if (Long.compareUnsigned(hashes[i], hashes[largest]) > 0) {
        largest = i;
      }
    }
    return largest;
  }

  /**
   * The summary of {@code key}, created if there is room; at the bound the smallest one (by
   * {@code size}, then by key) gives way when it is smaller than a newcomer can be, i.e.
   * empty-ish. Every summary's size is at least 1 once made, and only grows.
   */
  private static <T> T bounded(Summaries<T> summaries, long key,
      java.util.function.Supplier<T> create, java.util.function.ToLongFunction<T> size) {
    var map = summaries.map;
    T t = map.get(key);
    if (t != null || summaries.closed) {
      return t;
    }
    if (map.size() >= MAX_SUMMARIES) {
      boolean found = false;
      long smallest = 0;
      long least = Long.MAX_VALUE;
      for (int i = 0; i < map.slots(); i++) {
        T v = map.valueAt(i);
        if (v == null) {
          continue;
        }
        long n = size.applyAsLong(v);
        long k = map.keyAt(i);
        if (n < least || (n == least && found && k < smallest)) {
          least = n;
          smallest = k;
          found = true;
        }
      }
      if (!found || least > 1) {
        summaries.closed = found;
        return null;
      }
      map.remove(smallest);
    }
    t = create.get();
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

  private static final long EMPTY_TEXT_HASH = textHash("");

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
    if (!(parameters instanceof java.util.RandomAccess)) {
      parameters = new ArrayList<>(parameters); // get(i) is cheap on the copy
    }
    // by index: an iterator is an allocation a statement (the JIT of the launcher's flags, C1,
    // does not take it away)
    for (int i = 0, n = parameters.size(); i < n; i++) {
      String p = parameters.get(i);
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
