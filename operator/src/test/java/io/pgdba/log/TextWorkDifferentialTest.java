package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadBuilder;
import io.pgdba.workload.WorkloadOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The range threads fingerprint statement texts ahead of the workload's thread ({@link TextWork},
 * {@link WorkloadBuilder#textWork()}): the workload built from a log must be the one built without
 * that help, on hostile statement texts (quotes, comments, dollar quotes, non-ASCII case folding,
 * a forged {@code statement:} inside a text, texts past the caches' bounds, equal texts repeated
 * so the threads' caches answer), whatever the ranges and threads; reads that have no ranges
 * (sequential, csvlog, jsonlog, syslog) carry no help and give the same.
 */
class TextWorkDifferentialTest {

  private static final String PREFIX = "%t [%p]: user=%u,db=%d,app=%a,client=%h ";

  /** Statement texts an attacker may have the server log. */
  private static final List<String> TEXTS = List.of(
      "SELECT * FROM t WHERE id = 1",
      "select * from T where ID = 2",
      "SELECT * FROM t WHERE id = $1",
      "SELECT 'it''s', E'\\\\', $$dollar ' quoted$$, $tag$x$tag$ FROM t",
      "SELECT 1 /* statement: SELECT 2 */ -- execute S_1: x",
      "SELECT x FROM t WHERE x IN (1, 2, 3, -4, 'a'::text)",
      "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)",
      "select \u0130d, \u212a, stra\u00dfe from \"Tbl\" where \"a b\" = U&'\\0041' UESCAPE '!'",
      "BEGIN", "begin work", "COMMIT", "end transaction", "ROLLBACK TO SAVEPOINT s",
      "PREPARE TRANSACTION 'x'", "SELECT now(), random() FROM t FOR UPDATE",
      "UPDATE t SET a = a + 1 WHERE b = 'duration: 1 ms  statement: SELECT 1'",
      "  ( ( SELECT 1 ) ) ;", ";", "", "-- only a comment", "/* unterminated",
      "SELECT 'unterminated", "SELECT \"unterminated", "SELECT 1.e5, .5, 1e-3, 0x1F, 1_000",
      "SELECT a::numeric(10,2), b::varchar(3)[] ORDER BY 1, 2",
      "WITH x AS (SELECT 1) SELECT * FROM x, LATERAL f(x.a)",
      "select \ud83d\ude00, '\ud83d', \u0000 from t",
      "SELECT " + "a, ".repeat(1500) + "b FROM t",
      "SELECT '" + "y".repeat(5000) + "'");

  private static byte[] log(long seed, int entries) {
    var r = new Random(seed);
    var sb = new StringBuilder(new String(LogRangesTest.hostileLog(seed, entries / 4),
        StandardCharsets.UTF_8)).append('\n');
    for (int i = 0; i < entries; i++) {
      int pid = 200 + r.nextInt(7);
      String head = "2024-05-01 11:" + String.format("%02d:%02d", i / 600 % 60, i / 10 % 60)
          + " UTC [" + pid + "]: user=u,db=shop,app=a,client=h ";
      String text = TEXTS.get(r.nextInt(TEXTS.size())).replace("\n", " ");
      if (r.nextInt(4) == 0) {
        text = text + " /* " + r.nextInt(50) + " */"; // distinct, but few: some repeat
      }
      switch (r.nextInt(8)) {
        case 0 -> sb.append(head).append("LOG:  statement: ").append(text).append('\n')
            .append(head).append("LOG:  duration: 0.").append(i % 97).append(" ms\n");
        case 1 -> sb.append(head).append("LOG:  duration: 1.5 ms  execute S_").append(i % 3)
            .append(": ").append(text).append('\n').append(head)
            .append("DETAIL:  parameters: $1 = '").append(i % 5).append("', $2 = NULL\n");
        case 2 -> sb.append(head).append("LOG:  duration: 0.2 ms  parse <unnamed>: ")
            .append(text).append('\n').append(head)
            .append("LOG:  duration: 0.1 ms  bind <unnamed>: ").append(text).append('\n');
        case 3 -> sb.append(head).append("LOG:  execute <unnamed>: ").append(text).append('\n')
            .append(head).append("LOG:  duration: 2 ms\n");
        case 4 -> sb.append(head).append("ERROR:  syntax error\n").append(head)
            .append("STATEMENT:  ").append(text).append('\n');
        case 6 -> // a text that goes on in continuation lines: what the first line's bytes told
          // the range thread is not the record's text
          sb.append(head).append("LOG:  duration: 3 ms  statement: ").append(text).append('\n')
              .append('\t').append(r.nextBoolean() ? "LIMIT 1" : "  \u00e9").append('\n')
              .append(head).append("DETAIL:  parameters: $1 = 'x'\n");
        default -> sb.append(head).append("LOG:  duration: ").append(i % 13)
            .append(".25 ms  statement: ").append(text).append(r.nextBoolean() ? "\n" : "\r\n");
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What one read gave: the workload, and how many statements came with the work done. */
  private record Outcome(Workload workload, List<ExecutedStatement> statements, long helped) {}

  private static Outcome read(byte[] bytes, LogReaderOptions options, int rangeBytes,
      int workers, Supplier<TextWork> work) {
    var builder = new WorkloadBuilder(WorkloadOptions.defaults());
    var statements = new ArrayList<ExecutedStatement>();
    var assembler = new LogEventAssembler(e -> {
      if (e instanceof ExecutedStatement s) {
        statements.add(s);
      }
      builder.accept(e);
    });
    var reader = new LogReader(options, rangeBytes, workers);
    if (work != null) {
      reader.withTextWork(work);
    }
    try {
      reader.read(new LogSource("t.log", () -> new ByteArrayInputStream(bytes)), assembler);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assembler.finish();
    long helped = statements.stream().filter(s -> s.precomputed() != null).count();
    // the events as they are without help, to compare them
    var plain = statements.stream().map(s -> new ExecutedStatement(s.origin(), s.phase(),
        s.preparedName(), s.durationMs(), s.text(), List.copyOf(s.parameters()))).toList();
    return new Outcome(builder.build(), plain, helped);
  }

  @Test
  void rangesWithTheWorkDoneGiveTheWorkloadOfTheSequentialRead() {
    for (long seed = 1; seed <= 3; seed++) {
      byte[] bytes = log(seed, 3000);
      var options = new LogReaderOptions(null, PREFIX);
      var reference = read(bytes, options, 1 << 20, 1, null);
      assertThat(reference.helped()).isZero();
      assertThat(reference.workload().queries()).hasSizeGreaterThan(TEXTS.size() / 2);
      for (int rangeBytes : new int[] {64, 4096, 1 << 16}) {
        for (int workers : new int[] {2, 3}) {
          var helped = read(bytes, options, rangeBytes, workers, WorkloadBuilder::textWork);
          if (rangeBytes >= 4096) {
            // (smaller ranges meet an entry past their 32-fold bound early: then the rest is
            // read sequentially, without help, as it should)
            assertThat(helped.helped()).as("statements fingerprinted ahead").isPositive();
          }
          assertThat(helped.statements()).isEqualTo(reference.statements());
          assertThat(helped.workload())
              .as("seed %d, ranges of %d bytes, %d threads", seed, rangeBytes, workers)
              .isEqualTo(reference.workload());
        }
      }
    }
  }

  /** -Dpgdba.log.rangeTextWork=false turns the help off; the workload is the same. */
  @Test
  void theSwitchTurnsTheHelpOff() {
    byte[] bytes = log(10, 1500);
    var options = new LogReaderOptions(null, PREFIX);
    var helped = read(bytes, options, 4096, 2, WorkloadBuilder::textWork);
    assertThat(helped.helped()).isPositive();
    Outcome off;
    System.setProperty(LogReader.TEXT_WORK_PROPERTY, "false");
    try {
      off = read(bytes, options, 4096, 2, WorkloadBuilder::textWork);
    } finally {
      System.clearProperty(LogReader.TEXT_WORK_PROPERTY);
    }
    assertThat(off.helped()).isZero();
    assertThat(off.workload()).isEqualTo(helped.workload());
  }

  /** Work that answers wrongly is never taken for the text's: the event's text decides. */
  @Test
  void aResultForAnotherTextIsNotUsed() {
    byte[] bytes = log(9, 2000);
    var options = new LogReaderOptions(null, PREFIX);
    var reference = read(bytes, options, 1 << 20, 1, null);
    Supplier<TextWork> lying = () -> {
      TextWork real = WorkloadBuilder.textWork();
      return text -> real.apply(text + " ");
    };
    var lied = read(bytes, options, 4096, 2, lying);
    assertThat(lied.helped()).isPositive();
    assertThat(lied.workload()).isEqualTo(reference.workload());
  }

  /**
   * Work travels only with the record it was done for: another record given the same message
   * but its own DETAIL gets its own parameters, and one with an equal but other message String
   * gets no work at all.
   */
  @Test
  void workMovedToAnotherRecordIsNotUsed() {
    TextWork work = WorkloadBuilder.textWork();
    String message = "duration: 1.5 ms  execute S_1: SELECT * FROM t WHERE id = $1";
    var first = record(message, "parameters: $1 = '1'");
    var done = withWorked(first,
        WorkedText.of(first.severity(), first.message(), first.detail(), work));
    assertThat(done.worked()).isNotNull();
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    assembler.accept(done);
    assembler.accept(withWorked(record(message, "parameters: $1 = '2'"), done.worked()));
    assembler.accept(withWorked(record(new String(message.toCharArray()),
        "parameters: $1 = '3'"), done.worked()));
    var statements = events.stream().map(e -> (ExecutedStatement) e).toList();
    assertThat(statements).extracting(s -> List.copyOf(s.parameters()))
        .containsExactly(List.of("'1'"), List.of("'2'"), List.of("'3'"));
    assertThat(statements.get(0).precomputed()).isNotNull();
    assertThat(statements.get(0).text()).isSameAs(done.worked().text());
    assertThat(statements.get(1).precomputed()).isNotNull();
    assertThat(statements.get(2).precomputed()).isNull();
    assertThat(statements).extracting(ExecutedStatement::text)
        .containsOnly("SELECT * FROM t WHERE id = $1");
  }

  private static LogRecord record(String message, String detail) {
    return new LogRecord(null, "LOG", 7, null, "d", "u", "a", "h", null, null, message, detail,
        null, null, null, "t.log", 1, null);
  }

  private static LogRecord withWorked(LogRecord r, WorkedText w) {
    return new LogRecord(r.timestamp(), r.severity(), r.pid(), r.sessionId(), r.database(),
        r.user(), r.application(), r.host(), r.sqlState(), r.queryId(), r.message(), r.detail(),
        r.hint(), r.context(), r.statement(), r.source(), r.line(), w);
  }

  @Test
  void readsWithoutRangesCarryNoWorkAndGiveTheSame() throws IOException {
    // sequential (pgdba.log.rangeWorkers=1)
    byte[] bytes = log(4, 2000);
    var options = new LogReaderOptions(null, PREFIX);
    var reference = read(bytes, options, 1 << 20, 1, null);
    var sequential = read(bytes, options, 4096, 1, WorkloadBuilder::textWork);
    assertThat(sequential.helped()).isZero();
    assertThat(sequential.workload()).isEqualTo(reference.workload());
    // csvlog, jsonlog and a syslog envelope are read line by line, never in ranges
    for (String name : List.of("csvlog-pg17.csv", "jsonlog.json", "csvlog-pg13.csv")) {
      byte[] fixture;
      try (var in = getClass().getResourceAsStream("/logs/" + name)) {
        fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).repeat(50)
            .getBytes(StandardCharsets.UTF_8);
      }
      var plain = read(fixture, LogReaderOptions.auto(), 1 << 20, 1, null);
      var withWork = read(fixture, LogReaderOptions.auto(), 64, 3, WorkloadBuilder::textWork);
      assertThat(withWork.helped()).as(name).isZero();
      assertThat(plain.statements()).as(name).isNotEmpty();
      assertThat(withWork.workload()).as(name).isEqualTo(plain.workload());
    }
    var syslog = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      syslog.append("May  1 10:00:").append(String.format("%02d", i % 60))
          .append(" db postgres[").append(300 + i % 3).append("]: [").append(i + 1)
          .append("-1] LOG:  duration: 1.0 ms  statement: ")
          .append(TEXTS.get(i % 20).replace("\n", " ")).append('\n');
    }
    byte[] sys = syslog.toString().getBytes(StandardCharsets.UTF_8);
    var plain = read(sys, LogReaderOptions.auto(), 1 << 20, 1, null);
    var withWork = read(sys, LogReaderOptions.auto(), 64, 3, WorkloadBuilder::textWork);
    assertThat(plain.statements()).hasSizeGreaterThan(400);
    assertThat(withWork.helped()).isZero();
    assertThat(withWork.workload()).isEqualTo(plain.workload());
  }
}
