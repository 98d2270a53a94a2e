package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
 * The assembler reads a statement's message once, at its head ({@link LogEventAssembler#head}),
 * on the range's thread when it parsed the record ({@link WorkedText}) or else on its own: on
 * hostile messages (forged durations and prefixes inside texts, numbers the fast parse declines,
 * names with colons, one, two or three spaces, a plan, a duration alone) the events must be the
 * very ones its reference chain of prefixes gives, with or without the range's work.
 */
class LogEventAssemblerHeadsProperties {

  /** Equal results for equal texts: events compare with equals. */
  private static final TextWork WORK = text -> "worked:" + text;

  @Provide
  Arbitrary<List<LogRecord>> records() {
    Arbitrary<String> number = Arbitraries.of("1.5", "0", "12", "0.001", "1_000", "NaN", "-1",
        "1e3", "\u0661", "", "99999999999999999.5", " 3", "3 ms 4", "Infinity", "0x10", ".5");
    Arbitrary<String> spaces = Arbitraries.of("", " ", "  ", "   ", "\t");
    Arbitrary<String> name = Arbitraries.of("<unnamed>", "S_1", "S_1/C_2", "fetch from P_3",
        "fetch from ", "a: b", "", "P_0");
    Arbitrary<String> text = Arbitraries.of("SELECT 1", "duration: 5 ms  statement: x", ": ",
        "", "select '\u00e9\u0130' -- execute S_1: y", "BEGIN;", "UPDATE t SET a = 'b: c'")
        .list().ofMaxSize(3).map(l -> String.join(" ", l));
    Arbitrary<String> rest = Combinators.combine(
            Arbitraries.of("statement: ", "statement:", "execute ", "bind ", "parse ",
                "plan:\n", "checkpoint complete: write=1 s", "execute", "Statement: ", ""),
            name, Arbitraries.of(": ", ":", " : ", ""), text)
        .as((kind, n, colon, t) -> kind.endsWith(" ") && !kind.startsWith("statement")
            ? kind + n + colon + t : kind + t);
    Arbitrary<String> message = Arbitraries.oneOf(
        Combinators.combine(number, Arbitraries.of(" ms", " ms", "ms", " s"), spaces, rest)
            .as((d, unit, sp, r) -> "duration: " + d + unit + sp + r),
        Combinators.combine(number, Arbitraries.of(" ms", " ms  ", " ms "))
            .as((d, unit) -> "duration: " + d + unit),
        rest);
    Arbitrary<String> detail = Arbitraries.of(null, "parameters: $1 = 'a'",
        "Parameters: $1 = NULL, $2 = 'x'', $3 = y', $4 = 5", "parameters: ", "other detail");
    Arbitrary<LogRecord> record = Combinators.combine(message, detail,
            Arbitraries.integers().between(1, 3), Arbitraries.of("LOG", "LOG", "LOG", "ERROR"))
        .as((m, d, pid, severity) -> new LogRecord(null, severity, pid, null, "db", "u", "a",
            null, null, null, m, d, null, null, null, "t.log", pid, null));
    return record.list().ofMaxSize(12);
  }

  @Property(tries = 3000)
  void headsGiveTheChainsEvents(@ForAll("records") List<LogRecord> records) {
    assertSame(records);
  }

  @Example
  void everyShapeOfTheCorpus() {
    var records = new ArrayList<LogRecord>();
    for (String m : List.of(
        "duration: 0.120 ms  parse <unnamed>: SELECT $1",
        "duration: 0.050 ms  bind <unnamed>: SELECT $1",
        "duration: 0.300 ms  execute <unnamed>: SELECT $1",
        "duration: 0.300 ms  execute fetch from S_1/C_2: SELECT $1",
        "duration: 1.250 ms  statement: UPDATE t SET a = 1",
        "statement: SELECT 2", "duration: 3.5 ms",
        "execute S_1: SELECT $1", "duration: 1_000 ms",
        "duration: 2 ms  plan:\nQuery Text: SELECT 1\nResult  (cost=0.00..0.01 rows=1 width=4)")) {
      records.add(new LogRecord(null, "LOG", 7, null, null, null, null, null, null, null, m,
          "parameters: $1 = '1'", null, null, null, "t.log", 3, null));
    }
    var events = assertSame(records);
    assertThat(events).hasSize(8);
  }

  /** Returns the events; asserts every path gives the reference's. */
  private static List<LogEvent> assertSame(List<LogRecord> records) {
    var worked = new ArrayList<LogRecord>();
    for (var r : records) {
      worked.add(new LogRecord(r.timestamp(), r.severity(), r.pid(), r.sessionId(), r.database(),
          r.user(), r.application(), r.host(), r.sqlState(), r.queryId(), r.message(),
          r.detail(), r.hint(), r.context(), r.statement(), r.source(), r.line(),
          WorkedText.of(r.severity(), r.message(), r.detail(), WORK)));
    }
    var reference = events(records, false);
    assertThat(events(records, true)).as("read here").isEqualTo(reference);
    var referenceWorked = events(worked, false);
    assertThat(events(worked, true)).as("read by the range's thread").isEqualTo(referenceWorked);
    // the work changes nothing but the results it carries
    assertThat(strip(referenceWorked)).isEqualTo(reference);
    assertBytesAsString(records);
    return reference;
  }

  /**
   * Records built as a range's parser builds them from an ASCII line: with the head and text
   * start read on the line's bytes ({@link RecordBuilder#textAt}), among junk bytes, they must
   * give the very events the same records give with their work read on the String.
   */
  private static void assertBytesAsString(List<LogRecord> records) {
    var onBytes = new ArrayList<LogRecord>();
    var onString = new ArrayList<LogRecord>();
    for (var r : records) {
      if (!StandardCharsets.US_ASCII.newEncoder().canEncode(r.message())) {
        continue; // a line with a non-ASCII byte is decoded and read on the String only
      }
      onBytes.add(built(r, true));
      onString.add(built(r, false));
    }
    var reference = events(onString, false);
    assertThat(events(onString, true)).as("String, read here").isEqualTo(reference);
    var bytes = events(onBytes, true);
    assertThat(bytes).as("bytes, chain").isEqualTo(events(onBytes, false));
    // the bytes also work a text whose duration only the chain reads (1_000): the same events,
    // the work done on the very text the event carries
    assertThat(strip(bytes)).as("bytes").isEqualTo(strip(reference));
    for (var e : bytes) {
      if (e instanceof LogEvent.ExecutedStatement s && s.precomputed() != null) {
        assertThat(s.precomputed()).isEqualTo(WORK.apply(s.text()));
      }
    }
  }

  private static LogRecord built(LogRecord r, boolean bytes) {
    var fields = new PrefixFields();
    fields.pid = r.pid();
    fields.database = r.database();
    var builder = new RecordBuilder();
    String m = r.message();
    builder.start(fields, r.severity(), m, r.line());
    if (bytes) {
      byte[] b = ("\u0000junk: " + m + " ms").getBytes(StandardCharsets.ISO_8859_1);
      int from = 7;
      int end = from + m.length();
      boolean log = "LOG".equals(r.severity());
      var head = log ? WorkedText.head(b, from, end) : null;
      int at = log ? WorkedText.textStart(head, b, from, end) : -1;
      builder.textAt(m, at, head, null, WorkedText.statementLike(b, from, end));
    }
    if (r.detail() != null) {
      builder.addPart("DETAIL", r.detail());
    }
    return builder.build(r.source(), WORK);
  }

  private static List<LogEvent> events(List<LogRecord> records, boolean heads) {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add, heads);
    for (var r : records) {
      if (assembler.assemble(r, 0)) {
        // what the log report then takes for granted, without reading the message
        assertThat(r.severity()).isEqualTo("LOG");
        assertThat(r.message()).matches("(?s)(duration: |statement: |execute ).*");
      }
    }
    assembler.finish();
    return events;
  }

  private static List<LogEvent> strip(List<LogEvent> events) {
    return events.stream().map(e -> e instanceof LogEvent.ExecutedStatement s
        ? (LogEvent) new LogEvent.ExecutedStatement(s.origin(), s.phase(), s.preparedName(),
            s.durationMs(), s.text(), s.parameters(), null)
        : e).toList();
  }
}
