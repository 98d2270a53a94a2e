package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.finding.Finding;
import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEventAssembler;
import io.pgdba.log.LogReadResult;
import io.pgdba.log.LogReader;
import io.pgdba.log.LogRecord;
import io.pgdba.log.LogSource;
import io.pgdba.log.RecordSink;
import io.pgdba.workload.LogReport;
import io.pgdba.workload.LogReportAccumulator;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs one analysis end to end: reads the logs (or pg_stat_statements), builds the workload,
 * reads the target's catalog and asks the advisors. The CLI and the operator both call this.
 * Without a target it touches no database; with one, the {@link TargetStep} does.
 */
public final class Analyzer {

  /** Receives progress for long inputs (bytes read so far of the current source). */
  @FunctionalInterface
  public interface Progress {
    void bytesRead(String source, long bytes);

    Progress NONE = (source, bytes) -> {};
  }

  private final TargetStep targetStep;

  /** An analyzer whose target step reads the catalog and runs the index advisor. */
  public Analyzer() {
    this(new DatabaseTargetStep());
  }

  public Analyzer(TargetStep targetStep) {
    this.targetStep = Objects.requireNonNull(targetStep);
  }

  public AnalysisReport run(AnalysisRequest request, Progress progress) throws AnalysisException {
    var warnings = new ArrayList<String>();
    var results = new ArrayList<LogReadResult>();
    boolean fromLogs = !request.logs().isEmpty() || request.target() == null;
    long[] unpaired = new long[1];
    Workload workload = fromLogs ? readLogs(request, progress, results, unpaired) : null;
    if (fromLogs) {
      failIfNothingRead(results);
      warnings.addAll(LogWarnings.of(results, workload, request.workloadOptions()));
      warnings.addAll(LogWarnings.unpairedDurations(unpaired[0], workload));
    }
    IndexAdvice advice = null;
    List<Finding> findings = List.of();
    SchemaMap schema = null;
    if (request.target() != null) {
      var result = targetStep.run(request, workload, warnings);
      workload = result.workload();
      advice = result.advice();
      findings = result.findings();
      schema = result.schema();
    }
    return new AnalysisReport(
        List.copyOf(results), workload, advice, List.copyOf(warnings), findings, null, schema);
  }

  private static Workload readLogs(
      AnalysisRequest request, Progress progress, List<LogReadResult> results, long[] unpaired)
      throws AnalysisException {
    var builder = new WorkloadBuilder(request.workloadOptions());
    var logReport = new LogReportAccumulator();
    // the range threads fingerprint statement texts ahead of the workload's thread
    var reader = new LogReader(request.logOptions()).withTextWork(WorkloadBuilder::textWork);
    if (!Pipe.worthIt()) {
      for (var source : request.logs()) {
        var assembler = new LogEventAssembler(builder.andThen(logReport::event));
        results.add(readSource(reader, source, both(assembler, logReport), progress));
        assembler.finish();
        unpaired[0] += assembler.unpairedDurations();
      }
      return builder.build().withLog(logReport.build());
    }
    // Lines are parsed by the reader's threads (ranges of a plain file in parallel), events are
    // assembled on this thread, in order, and fingerprinted and counted on the pipe's worker.
    LogReport log;
    var workload = new Workload[1];
    try (var pipe = new Pipe<LogEvent>(Analyzer::weight)) {
      var sender = pipe.into(builder);
      for (var source : request.logs()) {
        // one assembler per source: statement/duration pairing never crosses files
        // the log report sections are fed on this thread too: one thread owns the accumulator
        var assembler = new LogEventAssembler(sender.andThen(logReport::event));
        results.add(readSource(reader, source, both(assembler, logReport), progress));
        assembler.finish();
        unpaired[0] += assembler.unpairedDurations();
      }
      sender.flush();
      // The two reports are built at once, the workload's by the worker once it has drained the
      // queued batches, the log report's by this thread that owns it: one after the other, each
      // thread would sit idle while the other builds.
      pipe.run(() -> workload[0] = builder.build());
      log = logReport.build();
      pipe.finish();
    }
    return workload[0].withLog(log);
  }

  /**
   * Each record to the workload's assembler, then to the log report sections (which do not read
   * line numbers); the assembler numbers a range's records itself, with no copy of each.
   */
  static RecordSink both(LogEventAssembler assembler, LogReportAccumulator logReport) {
    return (r, lineBase) -> {
      if (assembler.assemble(r, lineBase)) {
        logReport.statementRecord(r); // the statements' bulk, whose messages it need not read
      } else {
        logReport.record(r);
      }
    };
  }

  /**
   * Reads one source into {@code records}. The stream is opened here rather than in the reader so
   * that an unreadable file fails the same way whatever the reader does, and so bytes can be
   * counted.
   */
  private static LogReadResult readSource(
      LogReader reader, LogSource source, Consumer<LogRecord> records, Progress progress)
      throws AnalysisException {
    InputStream raw;
    try {
      raw = source.opener().open();
    } catch (IOException e) {
      throw unreadable(source, e);
    }
    try (var counted = new CountingInputStream(raw, source.name(), progress)) {
      var result = reader.read(new LogSource(source.name(), () -> counted), records);
      counted.reportNow();
      return result;
    } catch (IOException e) {
      throw unreadable(source, e);
    }
  }

  /** The text an event holds, roughly: what it costs to keep it queued. */
  private static long weight(LogEvent e) {
    if (e instanceof LogEvent.ExecutedStatement s) {
      return 256 + len(s.text()); // parameters: not looked at here, they parse when first read
    }
    if (e instanceof LogEvent.ExplainedStatement x) {
      return 128 + len(x.queryText()) + len(x.plan());
    }
    if (e instanceof LogEvent.LogError err) {
      return 128 + len(err.message()) + len(err.statement());
    }
    return 128;
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }

  /**
   * A run where not one line of any log could be read has no result to give: an empty report with
   * exit 0 would look like a quiet database. Partial damage is a warning, not a failure.
   */
  static void failIfNothingRead(List<LogReadResult> results) throws AnalysisException {
    LogReadResult first = null;
    for (var r : results) {
      if (r.linesRead() == 0 || r.unparsedLines() < r.linesRead()) {
        return;
      }
      first = first == null ? r : first;
    }
    if (first == null) {
      return;
    }
    String reason = first.firstUnparsed() == null ? "" : first.firstUnparsed();
    // "name:line: reason": the line adds nothing when no line was read
    String prefix = first.source() + ":";
    if (reason.startsWith(prefix)) {
      int colon = reason.indexOf(": ", prefix.length());
      reason = colon > 0 ? reason.substring(colon + 2) : reason;
    }
    throw new AnalysisException(
        AnalysisException.Reason.LOG_UNREADABLE,
        first.source() + ": none of its " + first.linesRead() + " lines could be read"
            + (reason.isEmpty() ? "" : ": " + reason),
        null);
  }

  private static AnalysisException unreadable(LogSource source, IOException e) {
    // LogReader already named the source: say why once, not "cannot read x: x: cannot be read"
    var why = e.getCause() instanceof IOException cause
        && e.getMessage() != null && e.getMessage().startsWith(source.name() + ": ")
        ? cause : e;
    return new AnalysisException(
        AnalysisException.Reason.LOG_UNREADABLE,
        "cannot read " + source.name() + ": " + IoReasons.describe(why),
        e);
  }
}
