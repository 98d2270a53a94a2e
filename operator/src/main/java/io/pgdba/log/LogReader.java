package io.pgdba.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;

/** Reads a log source in any supported format and hands each {@link LogRecord} to a sink. */
public final class LogReader {

  /** Lines looked at to detect the format and prefix. */
  private static final int SAMPLE_LINES = 200;

  /** Characters of sample held at most, so that detection on huge lines stays small. */
  private static final int SAMPLE_CHARS = 2 << 20;

  /** Progress is reported after about this many bytes. */
  private static final long PROGRESS_BYTES = 16L << 20;

  private final LogReaderOptions options;

  /** Bytes per range when a plain stderr log is parsed in parallel ranges. */
  private final int rangeBytes;

  /** Threads parsing ranges; 1 keeps the sequential read (one reading thread, one parsing). */
  private final int rangeWorkers;

  /**
   * Threads that parse ranges of one plain stderr file: one per core up to {@link
   * #MAX_RANGE_WORKERS}, or the system property {@value #RANGE_WORKERS_PROPERTY} (1 reads
   * sequentially, as a check that both give the same).
   */
  public LogReader(LogReaderOptions options) {
    this(
        options,
        LogRanges.DEFAULT_RANGE_BYTES,
        Math.max(1, Integer.getInteger(RANGE_WORKERS_PROPERTY,
            Math.min(MAX_RANGE_WORKERS, Runtime.getRuntime().availableProcessors()))));
  }

  /**
   * More parsing threads than this would only queue behind the one that assembles events, and
   * each holds two ranges of records in the heap.
   */
  static final int MAX_RANGE_WORKERS = 4;

  /** System property: threads that parse ranges of a plain stderr file (1 = sequential). */
  public static final String RANGE_WORKERS_PROPERTY = "pgdba.log.rangeWorkers";

  /** Work on statement texts for the threads that parse ranges; null for none. */
  private java.util.function.Supplier<? extends TextWork> textWork;

  /**
   * Has the threads that parse ranges of a plain stderr file do {@code perThread}'s work on the
   * statement texts ahead of the consumer ({@link TextWork}), an instance per thread. Records
   * read otherwise (sequentially, other formats) carry none.
   */
  public LogReader withTextWork(java.util.function.Supplier<? extends TextWork> perThread) {
    this.textWork = Boolean.parseBoolean(System.getProperty(TEXT_WORK_PROPERTY, "true"))
        ? perThread : null;
    return this;
  }

  /**
   * System property: {@code false} leaves all work on statement texts to the consumer (the
   * outcome is the same either way; a switch to compare the two on a machine's cores).
   */
  public static final String TEXT_WORK_PROPERTY = "pgdba.log.rangeTextWork";

  /** For tests: ranges of {@code rangeBytes}, parsed by {@code rangeWorkers} threads. */
  LogReader(LogReaderOptions options, int rangeBytes, int rangeWorkers) {
    this.options = options;
    this.rangeBytes = rangeBytes;
    this.rangeWorkers = rangeWorkers;
  }

  /**
   * Streams {@code source} into {@code sink}; memory does not grow with the log size.
   *
   * @throws IOException when the source cannot be opened or read (not for unparseable content,
   *     which is counted in the result)
   */
  public LogReadResult read(LogSource source, Consumer<LogRecord> sink) throws IOException {
    return read(source, sink, bytes -> {});
  }

  /**
   * As {@link #read(LogSource, Consumer)}, reporting the uncompressed bytes read so far to {@code
   * progress} every few megabytes.
   */
  public LogReadResult read(LogSource source, Consumer<LogRecord> sink, LongConsumer progress)
      throws IOException {
    String name = source.name();
    try (InputStream in = open(source);
        var lines = new LineReader(in)) {
      var stats = new ParseStats(name);
      var sample = new ArrayList<String>();
      int sampleChars = 0;
      String line;
      while (sample.size() < SAMPLE_LINES
          && sampleChars < SAMPLE_CHARS
          && (line = lines.next()) != null) {
        sample.add(line);
        sampleChars += line.length();
      }
      // A syslog or logplex header is recognised before anything is stripped: its ISO time
      // would otherwise pass for a Kubernetes timestamp.
      // pgBouncer's lines are told first, whatever carries them (its parser unwraps a syslog
      // header or a Kubernetes timestamp itself): under syslog they would pass for a server's.
      boolean pgbouncer = options.format() == LogFormat.PGBOUNCER
          || (options.format() == null && PgBouncerParser.looksLike(sample));
      LogEnvelope envelope = pgbouncer ? null
          : options.format() != null ? options.format().envelope() : LogEnvelope.detect(sample);
      int year = Year.now(ZoneOffset.UTC).getValue();
      // Redshift writes three logs: once the file is known to be one, only its own lines are
      // rewritten (a query's text in the user activity log could hold a connection log line)
      String redshift = envelope == LogEnvelope.REDSHIFT ? RedshiftLog.contents(sample) : null;
      UnaryOperator<String> inner = envelope != LogEnvelope.REDSHIFT
          ? l -> envelope == null ? null : envelope.unwrap(l, year)
          : redshift == null ? RedshiftLog::userActivityOrQueryLine
              : redshift.startsWith(RedshiftLog.CONNECTION_LOG) ? RedshiftLog::connection
                  : RedshiftLog::userChange;
      for (int i = 0; i < sample.size() && !pgbouncer; i++) {
        String raw = sample.get(i);
        sample.set(i, envelope == null ? stripKubernetesTimestamp(raw) : unwrap(inner, raw));
      }
      LogFormat format =
          pgbouncer ? LogFormat.PGBOUNCER
              : envelope != null
                  ? LogFormat.STDERR
                  : options.format() != null ? options.format() : FormatDetector.format(sample);
      LogLinePrefix prefix = format == LogFormat.STDERR ? prefix(sample) : null;
      boolean prefixKnown = prefix != null;
      if (format == LogFormat.STDERR && prefix == null) {
        // None matches: every line is reported as unparsed, with a reason that says so, rather
        // than records guessed out of unknown text.
        prefix = LogLinePrefix.compile("%m [%p] ");
      }
      PgBouncerParser bouncer =
          format == LogFormat.PGBOUNCER ? new PgBouncerParser(stats) : null;
      String mismatch = null;
      RecordParser parser =
          switch (format) {
            case STDERR -> {
              mismatch =
                  prefixKnown
                      ? "line does not start with log_line_prefix '" + prefix.pattern() + "'"
                      : LogSniffer.describe(sample);
              yield new StderrParser(prefix, mismatch, name, sink, stats);
            }
            case CSVLOG -> new CsvlogParser(name, sink, stats);
            case JSONLOG -> new JsonParserFormat(false, name, sink, stats);
            case CNPG -> new JsonParserFormat(true, name, sink, stats);
            case PGBOUNCER -> bouncer;
            default -> throw new IllegalStateException("envelope without stderr: " + format);
          };

      long lineNumber = 0;
      for (String s : sample) {
        parser.line(s, ++lineNumber);
      }
      sample = null; // let the sample go before the long part of the read
      InputStream plain = lines.plainStream();
      // (not with an unknown prefix: no line would open a record, every one is unparsed)
      if (rangeWorkers > 1 && envelope == null && plain != null && prefixKnown
          && parser instanceof StderrParser stderr) {
        // A plain stderr file: ranges cut at record starts, parsed in parallel, in order.
        var ranges = new LogRanges(prefix, mismatch, name, rangeBytes,
            (int) Math.min(LogRanges.MAX_RANGE_BYTES, 32L * rangeBytes), rangeWorkers)
            .textWork(textWork);
        long before = lines.bytesRead();
        var outcome = ranges.read(
            lines.takeBuffered(), plain, lineNumber, stderr, sink, stats, progress, before);
        parser.finish();
        progress.accept(outcome.bytesRead());
        return new LogReadResult(
            name,
            format,
            prefixKnown ? prefix.pattern() : null,
            outcome.lastLine(),
            stats.unparsed(),
            stats.firstUnparsed(),
            outcome.bytesRead(),
            lines.truncatedLines() + parser.truncatedLines() + outcome.truncatedLines());
      }
      long nextProgress = PROGRESS_BYTES;
      try (var pipeline = new LinePipeline(lines, name, envelope == null && !pgbouncer)) {
        LinePipeline.Batch batch;
        do {
          batch = pipeline.next();
          String[] batchLines = batch.lines();
          for (int i = 0; i < batch.count(); i++) {
            String text = envelope == null ? batchLines[i] : unwrap(inner, batchLines[i]);
            parser.line(text, ++lineNumber);
          }
          if (batch.bytesRead() >= nextProgress) {
            progress.accept(batch.bytesRead());
            nextProgress = batch.bytesRead() + PROGRESS_BYTES;
          }
        } while (!batch.end());
      }
      parser.finish();
      if (lines.streamError() != null) {
        stats.unparsed(lineNumber + 1, lines.streamError());
      }
      progress.accept(lines.bytesRead());
      return new LogReadResult(
          name,
          envelope != null ? envelope.format() : format,
          prefixKnown ? prefix.pattern() : null,
          lineNumber,
          stats.unparsed(),
          stats.firstUnparsed(),
          lines.bytesRead(),
          lines.truncatedLines() + parser.truncatedLines(),
          bouncer == null ? null : bouncer.summary(),
          redshift);
    } catch (NoSuchFileException e) {
      throw new IOException(name + ": no such file", e);
    } catch (AccessDeniedException e) {
      throw new IOException(name + ": permission denied", e);
    } catch (IOException e) {
      // one line that names the source, whatever the cause (a directory, a device error...)
      throw new IOException(name + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static InputStream open(LogSource source) throws IOException {
    InputStream in = source.opener().open();
    if (in == null) {
      throw new IOException(source.name() + ": cannot be opened");
    }
    return in;
  }

  /** The given prefix, else the one learnt from the sample, else null. */
  private LogLinePrefix prefix(List<String> sample) {
    if (options.logLinePrefix() != null) {
      return LogLinePrefix.compile(options.logLinePrefix());
    }
    return PrefixInference.infer(sample);
  }

  /** The stderr line inside an envelope; a line without it is kept, to be counted unparsed. */
  private static String unwrap(UnaryOperator<String> envelope, String line) {
    String inner = envelope.apply(line);
    return inner != null ? inner : line;
  }

  static String stripKubernetesTimestamp(String line) {
    int k = KubernetesTimestamp.length(line);
    return k == 0 ? line : line.substring(k);
  }
}
