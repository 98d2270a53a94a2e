package io.pgdba.workload;

import java.time.Instant;
import java.util.List;
import org.HdrHistogram.IntCountsHistogram;

/**
 * The running statistics of one fingerprint. Mutable and single-threaded; {@link #toStats()}
 * turns it into the immutable {@link QueryStats}. Durations go into an HdrHistogram in
 * microseconds with 2 significant digits (1 % precision), created only at the second call so
 * that the many queries seen once cost no histogram.
 */
final class QueryAccumulator {

  /** An example or plan longer than this is not kept (it would not be EXPLAINed anyway). */
  static final int MAX_EXAMPLE_CHARS = 65_536;
  /** The normalized text kept for display; longer ones are cut. */
  static final int MAX_QUERY_CHARS = 65_536;
  /** Rough fixed cost of an accumulator and its small arrays, for the memory budget. */
  static final int BASE_BYTES = 600;
  /** A String object and its array's header, aligned. */
  static final int STRING_OVERHEAD_BYTES = 40;
  /** Durations are clamped to this many microseconds (about 11 days) before recording. */
  private static final long MAX_MICROS = 1_000_000_000_000L;

  final long hash;
  final String query;
  long calls;
  double totalMs;
  double minMs = Double.POSITIVE_INFINITY;
  double maxMs = Double.NEGATIVE_INFINITY;
  private long firstMicros;
  private IntCountsHistogram histogram;
  /** The histogram's footprint as last accounted in {@link #bytes} (it grows with the range). */
  private int histogramBytes;
  private Instant firstSeen;
  private Instant lastSeen;
  /**
   * The seconds and nanoseconds of {@link #firstSeen} and {@link #lastSeen}, compared here at
   * every execution instead of through the two Instants: objects of older lines, often out of the
   * cache by the query's next execution. The same order as {@link Instant#compareTo}.
   */
  private long firstSecond;
  private long lastSecond;
  private int firstNano;
  private int lastNano;
  private final BoundedCounts databases = new BoundedCounts();
  private final BoundedCounts users = new BoundedCounts();
  private final BoundedCounts applications = new BoundedCounts();
  /**
   * The database, user and application of the latest executions, by instance, and how many of
   * those executions are not yet in the three counts. Logs run a query from the same connection
   * line after line, and the log parser hands out one String per name: comparing three
   * references here spares touching the three counts' objects and arrays (cache misses, on this
   * thread that follows many queries) at every execution. Adding n at once is adding 1 n times
   * ({@link BoundedCounts#add}), and the pending ones are added before any other name or
   * {@link #absorb}, and before the counts are read, so the counts come out the same.
   */
  private String pendingDb;
  private String pendingUser;
  private String pendingApp;
  private long pending;
  private final BucketSeries buckets;
  private String exampleText;
  private List<String> exampleParameters = List.of();
  private double exampleMs = Double.NEGATIVE_INFINITY;
  private String plan;
  private double planMs = Double.NEGATIVE_INFINITY;
  /** Estimated retained bytes, kept up to date for the builder's memory budget. */
  long bytes;

  QueryAccumulator(long hash, String query, long bucketWidthMs) {
    this.hash = hash;
    this.query = query;
    this.buckets = new BucketSeries(bucketWidthMs);
    this.bytes = BASE_BYTES + heapBytes(query);
  }

  /** Records one execution; returns the change of {@link #bytes}. */
  long record(double ms, Instant ts, String db, String user, String app) {
    long before = bytes;
    ms = clean(ms);
    calls++;
    totalMs += ms;
    minMs = Math.min(minMs, ms);
    maxMs = Math.max(maxMs, ms);
    long micros = Math.min(MAX_MICROS, Math.round(ms * 1000));
    if (calls == 1) {
      firstMicros = micros;
    } else {
      if (histogram == null) {
        histogram = new IntCountsHistogram(2);
        histogram.recordValue(firstMicros);
      }
      histogram.recordValue(micros);
      accountHistogram();
    }
    seen(ts);
    if (pending > 0 && db == pendingDb && user == pendingUser && app == pendingApp) {
      pending++;
    } else {
      flushCounts();
      pendingDb = db;
      pendingUser = user;
      pendingApp = app;
      pending = 1;
    }
    if (ts != null) {
      int cap = buckets.capacity();
      buckets.add(ts.toEpochMilli(), 1, ms);
      bytes += 16L * (buckets.capacity() - cap);
    }
    return bytes - before;
  }

  /** Keeps the slowest execution whose text is short enough; returns the change of bytes. */
  long offerExample(double ms, String text, List<String> parameters) {
    if (text == null || ms <= exampleMs || text.length() > MAX_EXAMPLE_CHARS) {
      return 0;
    }
    long before = bytes;
    bytes -= size(exampleText) + size(exampleParameters);
    exampleText = text;
    exampleParameters = parameters == null ? List.of() : parameters;
    exampleMs = ms;
    bytes += size(exampleText) + size(exampleParameters);
    return bytes - before;
  }

  /** Keeps the slowest auto_explain plan; returns the change of bytes. */
  long offerPlan(double ms, String planText) {
    if (planText == null || ms <= planMs || planText.length() > MAX_EXAMPLE_CHARS) {
      return 0;
    }
    long before = bytes;
    bytes += size(planText) - size(plan);
    plan = planText;
    planMs = ms;
    return bytes - before;
  }

  /** Adds everything of {@code o} into this one (folding a rare query into "other"). */
  void absorb(QueryAccumulator o) {
    if (o.calls == 0) {
      return;
    }
    if (calls == 0 && o.histogram == null) {
      firstMicros = o.firstMicros;
    } else {
      if (histogram == null) {
        histogram = new IntCountsHistogram(2);
        if (calls == 1) {
          histogram.recordValue(firstMicros);
        }
      }
      if (o.histogram != null) {
        histogram.add(o.histogram);
      } else {
        histogram.recordValue(o.firstMicros);
      }
    }
    calls += o.calls;
    totalMs += o.totalMs;
    minMs = Math.min(minMs, o.minMs);
    maxMs = Math.max(maxMs, o.maxMs);
    seen(o.firstSeen);
    seen(o.lastSeen);
    flushCounts();
    o.flushCounts();
    databases.addAll(o.databases);
    users.addAll(o.users);
    applications.addAll(o.applications);
    buckets.addAll(o.buckets);
  }

  /** Adds the pending executions to the counts (see {@link #pending}). */
  private void flushCounts() {
    if (pending > 0) {
      databases.add(pendingDb, pending);
      users.add(pendingUser, pending);
      applications.add(pendingApp, pending);
      pending = 0;
    }
    pendingDb = pendingUser = pendingApp = null;
  }

  private void accountHistogram() {
    int now = histogram.getEstimatedFootprintInBytes();
    bytes += now - histogramBytes;
    histogramBytes = now;
  }

  private void seen(Instant ts) {
    if (ts == null) {
      return;
    }
    long second = ts.getEpochSecond();
    int nano = ts.getNano();
    if (firstSeen == null || second < firstSecond || (second == firstSecond && nano < firstNano)) {
      firstSeen = ts;
      firstSecond = second;
      firstNano = nano;
    }
    if (lastSeen == null || second > lastSecond || (second == lastSecond && nano > lastNano)) {
      lastSeen = ts;
      lastSecond = second;
      lastNano = nano;
    }
  }

  QueryStats toStats(String fingerprint) {
    flushCounts();
    String example = exampleText == null
        ? null
        : Fingerprinter.substituteParameters(exampleText, exampleParameters);
    return new QueryStats(
        fingerprint,
        query,
        example,
        exampleParameters,
        plan,
        calls,
        totalMs,
        calls == 0 ? 0 : minMs,
        calls == 0 ? 0 : maxMs,
        calls == 0 ? 0 : totalMs / calls,
        percentile(50),
        percentile(95),
        percentile(99),
        firstSeen,
        lastSeen,
        databases.toMap(),
        users.toMap(),
        applications.toMap(),
        buckets.toList());
  }

  /** From the histogram (1 % precision), kept within the exact min and max. */
  private double percentile(double p) {
    if (calls == 0) {
      return 0;
    }
    if (histogram == null) {
      return minMs;
    }
    double v = histogram.getValueAtPercentile(p) / 1000.0;
    return Math.max(minMs, Math.min(maxMs, v));
  }

  /** Negative, NaN or infinite durations (a damaged log) count as 0 or the clamp. */
  static double clean(double ms) {
    if (Double.isNaN(ms) || ms < 0) {
      return 0;
    }
    return Math.min(ms, MAX_MICROS / 1000.0);
  }

  private static long size(String s) {
    return heapBytes(s);
  }

  /**
   * What a String really holds in the heap, which is what the budget protects: with the JDK's
   * compact strings (the default) Latin-1 text takes one byte a character and any other text
   * UTF-16, two bytes a character, whatever its UTF-8 size in the log; plus the String and its
   * array headers. Counting one byte a character let non-Latin-1 queries use twice the budget.
   */
  static long heapBytes(String s) {
    if (s == null) {
      return 0;
    }
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) > 0xFF) {
        return STRING_OVERHEAD_BYTES + 2L * n;
      }
    }
    return STRING_OVERHEAD_BYTES + n;
  }

  private static long size(List<String> list) {
    long n = 16L * list.size();
    for (String s : list) {
      n += size(s);
    }
    return n;
  }
}
