package io.pgdba.workload;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ExplainedStatement;
import io.pgdba.log.LogEvent.LogError;
import io.pgdba.log.LogEvent.ServerEvent;
import io.pgdba.log.TextWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Accumulates {@link LogEvent}s into a {@link Workload}. Memory is bounded by the number of
 * distinct fingerprints (capped by {@link WorkloadOptions#maxFingerprints()}) and by an estimate
 * of the bytes they retain, never by the log size: past either bound the rarest tenth of the
 * queries (fewest calls, then least time) fold into the {@link QueryStats#OTHER_FINGERPRINT}
 * bucket. Not thread-safe: one consumer feeds it.
 */
public final class WorkloadBuilder implements Consumer<LogEvent> {

  /** Default bound of the estimated bytes retained by per-query statistics. */
  public static final long DEFAULT_MEMORY_BUDGET_BYTES = 64L << 20;

  /**
   * The default budget, but never more than a quarter of the heap: the reader's buffers, the
   * examples in flight and the report need the rest, so a small {@code -Xmx} folds earlier
   * instead of running out of memory.
   */
  public static long defaultMemoryBudget() {
    return Math.min(DEFAULT_MEMORY_BUDGET_BYTES, Runtime.getRuntime().maxMemory() / 4);
  }

  private static final int RAW_CACHE_SIZE = 1024;
  private static final int RAW_CACHE_MAX_CHARS = 4096;

  private final StatementText[] rawCache = new StatementText[RAW_CACHE_SIZE];
  /** The text the fingerprinter last read, whose normalized text it still holds; else null. */
  private StatementText fingerprinted;
  private final WorkloadOptions options;
  private final long memoryBudgetBytes;
  private final long bucketWidthMs;
  private final Fingerprinter fingerprinter = new Fingerprinter();
  /**
   * The accumulators by fingerprint. Its slots are spread by a multiplier drawn per run, so no
   * log can make its fingerprints pile onto one probe run (a fingerprint is a fast hash of a
   * text the client chose); nothing reads its order as it stands ({@link #values}).
   */
  private final LongMap<QueryAccumulator> table = new LongMap<>();
  private final QueryAccumulator other;
  private final DistinctCounter distinctCounter = new DistinctCounter();
  private final SessionTracker sessions = new SessionTracker();
  private long retainedBytes;

  private long statements;
  private double totalTimeMs;
  private long parseCount;
  private double parseTimeMs;
  private long bindCount;
  private double bindTimeMs;
  private long errors;
  /** Errors per statement fingerprint, for the history's per-query figures. */
  private final java.util.Map<Long, Long> errorsByHash = new java.util.HashMap<>();
  static final int MAX_ERROR_QUERIES = 10_000;
  private long checkpoints;
  private long autovacuums;
  private long autoanalyzes;
  private long tempFiles;
  private long tempFileBytes;
  private long lockWaits;
  private long deadlocks;
  private long connections;
  private long disconnections;
  private long foldedQueries;
  private Instant firstTimestamp;
  private Instant lastTimestamp;

  public WorkloadBuilder(WorkloadOptions options) {
    this(options, defaultMemoryBudget());
  }

  /** With an explicit bound of the estimated bytes the per-query statistics may retain. */
  public WorkloadBuilder(WorkloadOptions options, long memoryBudgetBytes) {
    this.options = options;
    this.memoryBudgetBytes = memoryBudgetBytes;
    this.bucketWidthMs = options.bucketWidth().toMillis();
    this.other = new QueryAccumulator(0, "(other)", bucketWidthMs);
  }

  @Override
  public void accept(LogEvent event) {
    seen(event.origin().timestamp());
    if (event instanceof ExecutedStatement s) {
      statement(s);
    } else if (event instanceof ExplainedStatement e) {
      explained(e);
    } else if (event instanceof LogError e) {
      errors++;
      queryError(e);
    } else if (event instanceof ServerEvent e) {
      serverEvent(e);
    }
  }

  private void statement(ExecutedStatement s) {
    double ms = QueryAccumulator.clean(s.durationMs()); // a NaN must not poison the totals
    switch (s.phase()) {
      case PARSE -> {
        parseCount++;
        parseTimeMs += ms;
        return;
      }
      case BIND -> {
        bindCount++;
        bindTimeMs += ms;
        return;
      }
      default -> {
        statements++;
        totalTimeMs += ms;
      }
    }
    var text = precomputed(s);
    if (text == null) {
      text = textOf(s.text());
    }
    var acc = accumulatorFor(text);
    distinctCounter.add(acc.hash);
    var o = s.origin();
    long delta = acc.record(ms, o.timestamp(), o.database(), o.user(), o.application());
    delta += acc.offerExample(ms, s.text(), s.parameters());
    sessions.statement(s, text);
    retain(acc, delta);
  }

  /** Per query, bounded: past the cap, errors of queries not yet counted are only in totals. */
  private void queryError(LogError e) {
    if (e.statement() == null || e.statement().isBlank()) {
      return;
    }
    long hash = fingerprinter.fingerprint(e.statement());
    fingerprinted = null;
    if (errorsByHash.size() < MAX_ERROR_QUERIES || errorsByHash.containsKey(hash)) {
      errorsByHash.merge(hash, 1L, Long::sum);
    }
  }

  private void explained(ExplainedStatement e) {
    var acc = accumulatorFor(textOf(e.queryText()));
    retain(acc, acc.offerPlan(e.durationMs(), e.plan()));
  }

  /** Accounts growth (histograms, buckets, examples); over budget, folds until well under. */
  private void retain(QueryAccumulator acc, long delta) {
    if (acc == other) {
      return;
    }
    retainedBytes += delta;
    if (retainedBytes > memoryBudgetBytes) {
      while (retainedBytes > memoryBudgetBytes * 9 / 10 && table.size() > 0) {
        foldRarest();
      }
    }
  }

  /**
   * The work a reading thread did for the builder on this statement's text ({@link #textWork()}),
   * when it was done on the very String the event carries; else null, and the builder works it
   * out itself. The two give the same: {@link StatementText} is a function of the text alone.
   */
  static StatementText precomputed(ExecutedStatement s) {
    return s.precomputed() instanceof StatementText t && t.text == s.text() ? t : null;
  }

  /**
   * The work on statement texts that a thread parsing the log may do ahead of this builder, a new
   * instance for each such thread ({@link io.pgdba.log.LogReader#withTextWork}).
   */
  public static TextWork textWork() {
    return new StatementTextWork();
  }

  /**
   * The statement text with its fingerprint. Logs repeat the very same text (prepared
   * statements, constant-free queries): a small direct-mapped cache by exact text skips the lexer
   * (and the session tracker's own reading of the text) for those.
   */
  private StatementText textOf(String sql) {
    if (sql == null) {
      sql = "";
    }
    int slot = sql.hashCode() & (RAW_CACHE_SIZE - 1);
    var cached = rawCache[slot];
    if (cached != null && sql.equals(cached.text)) {
      return cached;
    }
    long fingerprint = fingerprinter.fingerprint(sql);
    var text = new StatementText(sql, fingerprint, fingerprinter.readChars(),
        fingerprinter.readLength());
    fingerprinted = text;
    if (sql.length() <= RAW_CACHE_MAX_CHARS) {
      rawCache[slot] = text;
    }
    return text;
  }

  private QueryAccumulator accumulatorFor(StatementText sql) {
    long hash = sql.fingerprint;
    var acc = table.get(hash);
    if (acc != null) {
      return acc;
    }
    if (fingerprinted != sql) {
      // a cached text whose query was folded: the lexer gives its normalized text again
      fingerprinter.fingerprint(sql.text);
      fingerprinted = sql;
    }
    if (table.size() >= options.maxFingerprints() || retainedBytes > memoryBudgetBytes) {
      foldRarest();
    }
    String text = fingerprinter.textLength() > QueryAccumulator.MAX_QUERY_CHARS
        ? fingerprinter.text().substring(0, QueryAccumulator.MAX_QUERY_CHARS) + " ..."
        : fingerprinter.text();
    acc = new QueryAccumulator(hash, text, bucketWidthMs);
    table.put(hash, acc);
    retainedBytes += acc.bytes;
    return acc;
  }

  /**
   * Folds the rarest tenth (at least one) into "other": fewest calls, then least total time.
   * The ranks are packed into longs and sorted as primitives, once every n/10 new fingerprints,
   * so the amortized cost is a few operations per statement.
   */
  private void foldRarest() {
    var all = values();
    int n = Math.max(1, all.size() / 10);
    var ranks = new long[all.size()];
    for (int i = 0; i < ranks.length; i++) {
      ranks[i] = rank(all.get(i));
    }
    var sorted = ranks.clone();
    java.util.Arrays.sort(sorted);
    long threshold = sorted[n - 1];
    int atThreshold = 0;
    for (int i = 0; i < n; i++) {
      if (sorted[i] == threshold) {
        atThreshold++;
      }
    }
    for (int i = 0; i < ranks.length; i++) {
      var acc = all.get(i);
      boolean fold = ranks[i] < threshold || (ranks[i] == threshold && atThreshold-- > 0);
      if (!fold) {
        continue;
      }
      if (acc.calls > 0) {
        foldedQueries++;
      }
      other.absorb(acc);
      retainedBytes -= acc.bytes;
      table.remove(acc.hash);
    }
  }

  /**
   * The accumulators in the order of their fingerprints: the table's own order changes from run
   * to run, and the rarest tenth's ties fold in this order.
   */
  private List<QueryAccumulator> values() {
    var all = new ArrayList<QueryAccumulator>(table.size());
    table.forEach((hash, acc) -> all.add(acc));
    all.sort(Comparator.comparingLong(acc -> acc.hash));
    return all;
  }

  /** Calls in the high bits, then the float bits of the total time (ordered as non-negative). */
  private static long rank(QueryAccumulator acc) {
    long calls = Math.min(acc.calls, Integer.MAX_VALUE);
    long time = Float.floatToIntBits((float) Math.max(0, acc.totalMs)) & 0x7FFFFFFFL;
    return (calls << 31) | time;
  }

  private void serverEvent(ServerEvent e) {
    switch (e.kind()) {
      case CHECKPOINT -> checkpoints++;
      case AUTOVACUUM -> autovacuums++;
      case AUTOANALYZE -> autoanalyzes++;
      case TEMP_FILE -> {
        tempFiles++;
        tempFileBytes += (long) Math.max(0, e.value());
      }
      case LOCK_WAIT -> lockWaits++;
      case DEADLOCK -> deadlocks++;
      case CONNECTION -> connections++;
      case DISCONNECTION -> {
        disconnections++;
        sessions.sessionEnded(e.origin());
      }
    }
  }

  private void seen(Instant ts) {
    if (ts == null) {
      return;
    }
    if (firstTimestamp == null || ts.isBefore(firstTimestamp)) {
      firstTimestamp = ts;
    }
    if (lastTimestamp == null || ts.isAfter(lastTimestamp)) {
      lastTimestamp = ts;
    }
  }

  /**
   * The workload so far, queries sorted by total time (then fingerprint). Queries seen only in an
   * auto_explain plan (no executed statement) are not listed. {@code distinctQueries} is exact
   * until the cap folds queries, then a HyperLogLog estimate (about 1.6 % error);
   * {@code foldedQueries} counts fold operations, so a query folded, seen again and folded again
   * counts twice there.
   */
  public Workload build() {
    var queries = new ArrayList<QueryStats>(table.size() + 1);
    for (var acc : values()) {
      if (acc.calls > 0) {
        queries.add(acc.toStats(Fingerprinter.hex(acc.hash)));
      }
    }
    // exact while nothing was folded; past the cap, estimated (folded queries seen again later
    // must not count twice)
    long distinct = foldedQueries == 0
        ? queries.size()
        : Math.max(queries.size(), distinctCounter.estimate());
    if (other.calls > 0) {
      queries.add(other.toStats(QueryStats.OTHER_FINGERPRINT));
    }
    queries.sort(Comparator.comparingDouble(QueryStats::totalTimeMs).reversed()
        .thenComparing(QueryStats::fingerprint));
    var totals = new WorkloadTotals(statements, totalTimeMs, parseCount, parseTimeMs, bindCount,
        bindTimeMs, errors, checkpoints, autovacuums, autoanalyzes, tempFiles, tempFileBytes,
        lockWaits, deadlocks, connections, disconnections, distinct, foldedQueries,
        firstTimestamp, lastTimestamp);
    var errorsByFingerprint = new java.util.HashMap<String, Long>();
    errorsByHash.forEach((hash, n) -> errorsByFingerprint.put(Fingerprinter.hex(hash), n));
    return new Workload(totals, queries, errorsByFingerprint, null, sessions.summary());
  }
}
