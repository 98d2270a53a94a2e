package io.pgdba.log;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Reads the rest of a plain stderr log as ranges parsed in parallel. The calling thread reads the
 * bytes and cuts them just before a line that opens a record (the prefix, then a severity that is
 * not a DETAIL/STATEMENT... part): there the sequential parser too closes the record before and
 * starts afresh, so a range parsed by a parser of its own gives the very records the sequential
 * read gives. Ranges are handed to the sink in file order, with their absolute line numbers, so
 * the output is the same, byte for byte, whatever the number of threads. A range's thread numbers
 * its lines from the range's start (counting them is part of its parse): where the range starts
 * in the file is known once the ranges before it are delivered, and is added then ({@link
 * RecordSink}), so the reading thread never counts lines itself.
 *
 * <p>Memory stays bounded: ranges of about {@link #DEFAULT_RANGE_BYTES}, at most {@link
 * #inFlightLimit()} in flight. A range with no record start in {@link #MAX_RANGE_BYTES} (one giant
 * multi-line entry) ends the parallel part: the rest is read sequentially, still exactly.
 */
final class LogRanges {

  static final int DEFAULT_RANGE_BYTES = 2 << 20;
  /** Bounded so that a log with no record start (garbage) costs a few copies of this at most. */
  static final int MAX_RANGE_BYTES = 16 << 20;

  /** Progress is reported after about this many bytes. */
  private static final long PROGRESS_BYTES = 16L << 20;

  /** What one range gave, in file order. */
  private record Range(
      List<LogRecord> records, ParseStats stats, long lines, long truncatedLines) {}

  /** A range being parsed, and the block it reads (reused once the range is delivered). */
  private record InFlight(Future<Range> range, byte[] block) {}

  /**
   * Capacity of the pooled blocks: a range plus the tail carried from the block before (the
   * record cut at its end, a few KB). A block that needs more is allocated for itself alone.
   */
  private int pooledCapacity() {
    return rangeBytes + Math.max(rangeBytes / 4, 64 << 10);
  }

  /** Lines, bytes and truncated lines of the part read here. */
  record Outcome(long lastLine, long bytesRead, long truncatedLines) {}

  private final String prefixPattern;
  private final LogLinePrefix probe;
  private final PrefixFields probeFields = new PrefixFields();
  private final String mismatch;
  private final String source;
  private final int rangeBytes;
  private final int maxRangeBytes;
  private final int workers;
  /** Lines delivered so far (the last one's number), and their truncated lines, during a read. */
  private long line;
  private long truncated;
  /** Work on statement texts for this read's threads, one instance each; null for none. */
  private ThreadLocal<TextWork> textWork;

  /** @param maxRangeBytes a range that grows past this without a record start ends the ranges */
  LogRanges(
      LogLinePrefix prefix,
      String mismatch,
      String source,
      int rangeBytes,
      int maxRangeBytes,
      int workers) {
    this.prefixPattern = prefix.pattern();
    this.probe = LogLinePrefix.compile(prefixPattern);
    this.mismatch = mismatch;
    this.source = source;
    this.rangeBytes = rangeBytes;
    this.maxRangeBytes = maxRangeBytes;
    this.workers = workers;
  }

  /**
   * Has each range's thread do {@code perThread}'s work on the statement texts of the records it
   * parses ({@link LogRecord#worked()}), an instance per thread; null for none.
   */
  LogRanges textWork(java.util.function.Supplier<? extends TextWork> perThread) {
    this.textWork = perThread == null ? null : ThreadLocal.withInitial(perThread);
    return this;
  }

  /**
   * Reads {@code head} then {@code in} to its end. The first range goes through {@code first},
   * the parser that read the lines before (a record it holds open may continue there); later
   * ranges through parsers of their own on the worker threads.
   *
   * @param lastLine number of the last line read before {@code head}
   * @param bytesBefore bytes read before, for progress
   */
  Outcome read(
      byte[] head,
      InputStream in,
      long lastLine,
      StderrParser first,
      Consumer<LogRecord> sink,
      ParseStats stats,
      LongConsumer progress,
      long bytesBefore)
      throws IOException {
    // An error that escapes a range's task (an OutOfMemoryError thrown while the future records
    // the first one) is kept, not printed as a stack trace: the reading thread rethrows it and the
    // CLI says it in one line
    var escaped = new AtomicReference<Throwable>();
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      var t = new Thread(r, "pgdba-log-range " + source);
      t.setDaemon(true);
      t.setUncaughtExceptionHandler((thread, e) -> escaped.compareAndSet(null, e));
      return t;
    });
    var inFlight = new ArrayDeque<InFlight>();
    // The blocks of delivered ranges, reused: a 2 MB block per range would be most of what the
    // reading thread allocates, and blocks still referenced by ranges in flight would be copied by
    // every young collection (the serial collector stops all threads for it).
    var free = new ArrayDeque<byte[]>();
    long bytes = bytesBefore;
    long nextProgress = bytes + PROGRESS_BYTES;
    truncated = 0;
    line = lastLine;
    boolean firstRange = true;
    byte[] carry = head;
    try {
      boolean eof = false;
      while (!eof) {
        byte[] block = carry.length + rangeBytes <= pooledCapacity() && !free.isEmpty()
            ? free.pop()
            : new byte[Math.max(carry.length + rangeBytes, pooledCapacity())];
        System.arraycopy(carry, 0, block, 0, carry.length);
        int n = carry.length;
        int read = in.readNBytes(block, n, rangeBytes);
        n += read;
        bytes += read;
        eof = read < rangeBytes;
        if (bytes >= nextProgress) {
          progress.accept(bytes);
          nextProgress = bytes + PROGRESS_BYTES;
        }
        int cut = eof ? n : lastRecordStart(block, n);
        if (!eof && cut <= 0) {
          // no record starts in this block after its first line: the range grows
          carry = java.util.Arrays.copyOf(block, n);
          recycle(block, free);
          if (carry.length <= maxRangeBytes) {
            continue;
          }
          // one entry bigger than a range: the rest in order, by one parser, as sequentially
          drain(inFlight, sink, stats, escaped, free);
          var parser = firstRange ? first : newParser(sink, stats);
          var rest = new java.io.SequenceInputStream(new ByteArrayInputStream(carry), in);
          var lines = new LineReader(rest, true);
          line = parse(lines, parser, line);
          parser.finish();
          truncated += lines.truncatedLines() + (parser == first ? 0 : parser.truncatedLines());
          bytes += lines.bytesRead() - carry.length;
          break;
        }
        if (firstRange) {
          // continues what the caller's parser holds open; a record it holds ends here
          var reader = new LineReader(block, cut);
          line = parse(reader, first, line);
          first.finish();
          truncated += reader.truncatedLines();
          firstRange = false;
          carry = java.util.Arrays.copyOfRange(block, cut, n);
          recycle(block, free);
          continue;
        } else {
          byte[] data = block;
          int length = cut;
          while (inFlight.size() >= inFlightLimit()) {
            deliver(inFlight.poll(), sink, stats, escaped, free);
          }
          // numbered from the range's start: its place in the file is added at delivery
          inFlight.add(new InFlight(pool.submit(() -> parseRange(data, length, 0)), data));
        }
        carry = java.util.Arrays.copyOfRange(block, cut, n);
      }
      drain(inFlight, sink, stats, escaped, free);
      return new Outcome(line, bytes, truncated);
    } finally {
      pool.shutdownNow();
    }
  }

  private StderrParser newParser(Consumer<LogRecord> sink, ParseStats stats) {
    return new StderrParser(
        LogLinePrefix.compile(prefixPattern), mismatch, source, sink, stats);
  }

  private Range parseRange(byte[] data, int length, long base) throws IOException {
    var records = new ArrayList<LogRecord>();
    var stats = new ParseStats(source);
    var parser = newParser(records::add, stats)
        .textWork(textWork == null ? null : textWork.get());
    var lines = new LineReader(data, length);
    long last = parse(lines, parser, base);
    parser.finish();
    return new Range(records, stats, last - base, lines.truncatedLines() + parser.truncatedLines());
  }

  /**
   * Feeds the lines to the parser as bytes, decoded to a String only when its byte path declines
   * a line ({@link StderrParser#line(byte[], int, int, long)}).
   */
  static long parse(LineReader lines, StderrParser parser, long line) throws IOException {
    while (lines.advance()) {
      byte[] b = lines.lineBytes();
      int start = lines.lineStart();
      int end = start + lines.lineLength();
      if (!parser.line(b, start, end, lines.lineAscii(), ++line)) {
        String text = new String(b, start, end - start, StandardCharsets.UTF_8);
        parser.line(LogReader.stripKubernetesTimestamp(text), line);
      }
    }
    return line;
  }

  private void drain(
      ArrayDeque<InFlight> inFlight, Consumer<LogRecord> sink, ParseStats stats,
      AtomicReference<Throwable> escaped, ArrayDeque<byte[]> free) throws IOException {
    while (!inFlight.isEmpty()) {
      deliver(inFlight.poll(), sink, stats, escaped, free);
    }
  }

  /**
   * Ranges parsed or parsed and waiting: one per worker and the one being delivered. More would
   * not keep the workers busier when the reading thread has its own work, but would hold their
   * records in the young generation at each collection, which copies them and, past the survivor
   * space, promotes them to the old generation (300 MB log, 2 workers, bin/pgdba's flags: 4 in
   * flight left 41 MB in the old generation at the end, 3 left 32 MB, and no slower).
   */
  private int inFlightLimit() {
    return workers + 1;
  }

  /** A block whose range is parsed (its records hold copies, not views) goes back to the pool. */
  private void recycle(byte[] block, ArrayDeque<byte[]> free) {
    if (block.length == pooledCapacity() && free.size() <= inFlightLimit()) {
      free.push(block);
    }
  }

  /**
   * Hands a range's records to the sink (on the calling thread), numbered in the file, and its
   * block to the pool; adds its lines and truncated lines to the read's.
   */
  private void deliver(InFlight inFlight, Consumer<LogRecord> sink, ParseStats stats,
      AtomicReference<Throwable> escaped, ArrayDeque<byte[]> free) throws IOException {
    Range range = null;
    var future = inFlight.range();
    try {
      while (range == null) {
        try {
          range = future.get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
          // the future of a task whose error escaped may never complete
          if (escaped.get() instanceof Error err) {
            throw err;
          } else if (escaped.get() != null) {
            throw new IllegalStateException(escaped.get());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the log");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
    // the task is done with the block: only now may the next range's bytes overwrite it
    recycle(inFlight.block(), free);
    long base = line;
    if (sink instanceof RecordSink numbered) {
      for (LogRecord r : range.records()) {
        numbered.accept(r, base);
      }
    } else {
      for (LogRecord r : range.records()) {
        sink.accept(inFile(r, base));
      }
    }
    stats.add(range.stats(), base);
    line += range.lines();
    truncated += range.truncatedLines();
  }

  /** A range's record with its line number in the file. */
  private static LogRecord inFile(LogRecord r, long base) {
    return base == 0 ? r : new LogRecord(r.timestamp(), r.severity(), r.pid(), r.sessionId(),
        r.database(), r.user(), r.application(), r.host(), r.sqlState(), r.queryId(),
        r.message(), r.detail(), r.hint(), r.context(), r.statement(), r.source(),
        base + r.line(), r.worked());
  }

  /**
   * Start of the last complete line of {@code block[0, n)} that opens a record, after the first
   * line; 0 when there is none.
   */
  private int lastRecordStart(byte[] block, int n) {
    int end = n - 1;
    while (end >= 0 && block[end] != '\n') {
      end--;
    }
    while (end > 0) {
      int start = end - 1;
      while (start >= 0 && block[start] != '\n') {
        start--;
      }
      start++;
      if (start == 0) {
        return 0;
      }
      if (opensRecord(block, start, end)) {
        return start;
      }
      end = start - 1;
    }
    return 0;
  }

  /** Whether the line {@code block[start, end)} opens a record, read as the parser reads it. */
  private boolean opensRecord(byte[] block, int start, int end) {
    int len = end - start;
    if (len > LineReader.MAX_LINE_BYTES) {
      len = LineReader.MAX_LINE_BYTES; // cut, and its '\r' kept, as LineReader does
    } else if (len > 0 && block[start + len - 1] == '\r') {
      len--;
    }
    if (len > 0 && block[start] == '\t') {
      return false;
    }
    if (len < 21 || block[start + 10] != 'T') {
      // the byte path, as the range's parser will read the line; a decline says nothing
      int at = probe.matchBytes(block, start, start + len, probeFields);
      if (at >= 0) {
        return !Severity.isPart(probeFields.severity);
      }
    }
    String text =
        LogReader.stripKubernetesTimestamp(
            new String(block, start, len, StandardCharsets.UTF_8));
    if (!text.isEmpty() && text.charAt(0) == '\t') {
      return false;
    }
    return probe.match(text, probeFields) >= 0
        && probeFields.severity != null
        && !Severity.isPart(probeFields.severity);
  }
}
