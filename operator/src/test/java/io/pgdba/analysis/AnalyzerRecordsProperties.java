package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEventAssembler;
import io.pgdba.log.LogRecord;
import io.pgdba.workload.LogReportAccumulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The main thread's short cuts through a record give the reference's events and log report on
 * any log (logged text is attacker-controlled): the log report takes only the time of a record
 * the assembler read as a statement's ({@link LogEventAssembler#assemble}), and skips the time
 * arithmetic for an Instant it has just seen. The reference reads every record through {@link
 * LogReportAccumulator#record} and gives each call an Instant of its own, so that no short cut
 * by identity can apply.
 */
class AnalyzerRecordsProperties {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  /**
   * Shared instances as a parser hands them out (one per second), over spans that make the
   * timeline widen its slices (past two hours, past 800 hours), and out of order.
   */
  private static final List<Instant> TIMES = List.of(T0, T0.plusSeconds(1), T0.plusSeconds(59),
      T0.plusSeconds(61), T0.minusSeconds(3600), T0.plusSeconds(3 * 3600),
      T0.plusSeconds(40L * 24 * 3600), T0.plusMillis(1500), T0.plusSeconds(-86400 * 60));

  @Provide
  Arbitrary<List<LogRecord>> records() {
    Arbitrary<String> head = Arbitraries.of("duration: 1.5 ms  statement: ",
        "duration: 2 ms  execute S_1: ", "duration: 0.5 ms  bind S_1: ",
        "duration: 0.5 ms  parse <unnamed>: ", "statement: ", "execute S_1: ",
        "execute fetch from C_1: ", "duration: 3 ms", "duration: 1_000 ms  statement: ",
        "duration: 2 ms plan:\n", "duration: ", "duration: x ms  statement: ", "Statement: ",
        "checkpoint complete: wrote 5 buffers; write=0.1 s, sync=0.0 s, distance=10 kB",
        "checkpoint starting: time", "restartpoint complete: wrote 1 buffers",
        "checkpoints are occurring too frequently (2 seconds apart)",
        "automatic vacuum of table \"a.b\": tuples: 3 removed, pages: 1 removed, elapsed: 0.5 s",
        "automatic analyze of table \"x\" elapsed: 1 s", "temporary file: path \"x\", size 100",
        "process 7 still waiting for ShareLock on transaction 5 after 100 ms",
        "process 7 acquired ShareLock on transaction 5 after 200 ms",
        "connection received: host=h port=1",
        "connection authorized: user=u database=d application_name=a",
        "connection authorized: user=v database=d",
        "disconnection: session time: 0:00:01.5 user=u", "deadlock detected",
        "canceling statement due to statement timeout", "d", "", "c", "dur", "executed ");
    Arbitrary<String> text = Arbitraries.of("SELECT 1", "select 1", "  /* c */ (UPDATE t",
        "with x as (select 1) delete from t", "LOC\u212A t", "prepare transaction 'x'",
        "insert into t values ($1)", "BEGIN", "duration: 5 ms  statement: x", "", "$1",
        "-- open", "\u00e9t\u00e9", "vacuum t", "abcdefghijklmnopq");
    Arbitrary<String> message = Combinators.combine(head, text).as((h, t) -> h + t);
    Arbitrary<String> severity = Arbitraries.of("LOG", "LOG", "LOG", "LOG", "ERROR", "FATAL",
        "WARNING", null);
    Arbitrary<Instant> at = Arbitraries.oneOf(Arbitraries.of(TIMES), Arbitraries.just(null));
    Arbitrary<LogRecord> record = Combinators.combine(message, severity, at,
            Arbitraries.integers().between(1, 3), Arbitraries.of(null, "parameters: $1 = 'a'"),
            Arbitraries.of(null, "select 2", "update t set a = 1"))
        .as((m, s, t, pid, detail, statement) -> new LogRecord(t, s, pid, null, "db", "u",
            "app", null, s != null && s.equals("ERROR") ? "57014" : null, null, m, detail, null,
            null, statement, "t.log", pid, null));
    return record.list().ofMaxSize(40);
  }

  @Property(tries = 3000)
  void theShortCutsGiveTheReferencesEventsAndReport(
      @ForAll("records") List<LogRecord> records) {
    assertSame(records);
  }

  @Example
  void aStatementAloneWidensTheTimeline() {
    // an untimed statement makes no event: only its record tells the log report its time
    var records = new ArrayList<LogRecord>();
    records.add(record(T0, "duration: 1 ms  statement: SELECT 1"));
    records.add(record(T0.plusSeconds(3 * 3600), "statement: SELECT 2"));
    records.add(record(T0.plusSeconds(3 * 3600 + 1), "duration: 2 ms  statement: SELECT 1"));
    var report = assertSame(records);
    assertThat(report.timeline().bucketSeconds()).isEqualTo(3600);
  }

  private static LogRecord record(Instant at, String message) {
    return new LogRecord(at, "LOG", 1, null, "db", "u", "app", null, null, null, message, null,
        null, null, null, "t.log", 1, null);
  }

  /** Returns the report; asserts the short cuts give the reference's events and report. */
  private static io.pgdba.workload.LogReport assertSame(List<LogRecord> records) {
    var events = new ArrayList<LogEvent>();
    var report = new LogReportAccumulator();
    var assembler = new LogEventAssembler(e -> {
      events.add(e);
      report.event(e);
    });
    var sink = Analyzer.both(assembler, report);
    records.forEach(r -> sink.accept(r, 0));
    assembler.finish();

    var referenceEvents = new ArrayList<LogEvent>();
    var reference = new LogReportAccumulator();
    var referenceAssembler = new LogEventAssembler(e -> {
      referenceEvents.add(e);
      reference.event(e);
    });
    for (var r : records) {
      referenceAssembler.accept(at(r, copy(r.timestamp())), 0);
      reference.record(at(r, copy(r.timestamp())));
    }
    referenceAssembler.finish();

    assertThat(events).isEqualTo(referenceEvents);
    var built = report.build();
    assertThat(built).isEqualTo(reference.build());
    return built;
  }

  /** An Instant equal to {@code t} but not the same instance. */
  private static Instant copy(Instant t) {
    return t == null ? null : Instant.ofEpochSecond(t.getEpochSecond(), t.getNano());
  }

  private static LogRecord at(LogRecord r, Instant t) {
    return new LogRecord(t, r.severity(), r.pid(), r.sessionId(), r.database(), r.user(),
        r.application(), r.host(), r.sqlState(), r.queryId(), r.message(), r.detail(), r.hint(),
        r.context(), r.statement(), r.source(), r.line(), r.worked());
  }
}
