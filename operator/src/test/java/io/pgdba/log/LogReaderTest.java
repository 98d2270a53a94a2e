package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.LogError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {

  @TempDir Path tmp;

  @Test
  void defaultPrefixMergesContinuationAndPartLines() {
    var c = LogCollector.fixture("stderr-default.log");
    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.result.logLinePrefix()).isEqualTo("%m [%p] ");
    assertThat(c.result.linesRead()).isEqualTo(36); // wc -l
    assertThat(c.result.unparsedLines()).isZero();
    assertThat(c.result.firstUnparsed()).isNull();

    LogRecord multiLine = c.records.get(2);
    assertThat(multiLine.message())
        .isEqualTo(
            "duration: 12.250 ms  statement: select o.id,\n       c.name\n  from orders o\n"
                + "  join customers c on c.id = o.customer_id");
    assertThat(multiLine.line()).isEqualTo(3);
    assertThat(multiLine.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00.300Z"));
    assertThat(multiLine.pid()).isEqualTo(101);

    LogRecord deadlock =
        c.records.stream().filter(r -> r.message().equals("deadlock detected")).findFirst().get();
    assertThat(deadlock.severity()).isEqualTo("ERROR");
    assertThat(deadlock.detail()).hasLineCount(3).startsWith("Process 103 waits");
    assertThat(deadlock.hint()).isEqualTo("See server log for query details.");
    assertThat(deadlock.context()).isEqualTo("while updating tuple (0,1) in relation \"a\"");
    assertThat(deadlock.statement()).isEqualTo("update a set x = 1 where id = 2");

    LogRecord error =
        c.records.stream().filter(r -> r.severity().equals("ERROR")).findFirst().get();
    assertThat(error.message()).isEqualTo("relation \"missing\" does not exist");
    assertThat(error.statement()).isEqualTo("select * from missing");
  }

  @Test
  void commonPrefixesAreDetected() {
    assertThat(prefixOf("stderr-debian.log")).isEqualTo("%m [%p] %q%u@%d ");
    assertThat(prefixOf("stderr-pgbadger.log"))
        .isEqualTo("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ");
    assertThat(prefixOf("stderr-rds.log")).isEqualTo("%t:%r:%u@%d:[%p]:");
    assertThat(prefixOf("stderr-brackets.log")).isEqualTo("%m [%p] %q[user=%u,db=%d,app=%a] ");

    var debian = LogCollector.fixture("stderr-debian.log");
    assertThat(debian.records)
        .extracting(LogRecord::user)
        .containsExactly("app", null, "app", null);
    assertThat(debian.records.get(0).timestamp())
        .isEqualTo(Instant.parse("2024-05-01T08:00:00.123Z"));
    var badger = LogCollector.fixture("stderr-pgbadger.log");
    assertThat(badger.records.get(0).application()).isEqualTo("PostgreSQL JDBC Driver");
    assertThat(badger.records.get(0).host()).isEqualTo("10.0.0.5");
    var rds = LogCollector.fixture("stderr-rds.log");
    assertThat(rds.records).hasSize(3);
    assertThat(rds.records.get(0).host()).isEqualTo("10.0.0.7");
    assertThat(rds.records.get(2).statement()).isEqualTo("selec 1");
  }

  @Test
  void freeTextFieldsWithSpacesAndPunctuationAreDetectedAndRead() {
    var auto = LogCollector.fixture("stderr-app-names.log");
    var given =
        LogCollector.fixture(
            "stderr-app-names.log", new LogReaderOptions(LogFormat.STDERR, "%m [%p] %q%u@%d/%a "));
    for (var c : List.of(auto, given)) {
      assertThat(c.result.logLinePrefix()).isEqualTo("%m [%p] %q%u@%d/%a ");
      assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
      assertThat(c.records)
          .extracting(LogRecord::application)
          .containsExactly(
              null,
              null,
              null,
              "PostgreSQL JDBC Driver",
              "PostgreSQL JDBC Driver",
              "psql",
              "pgAdmin 4 - DB:shop",
              null,
              "batch, nightly [v2]");
      assertThat(c.records)
          .extracting(LogRecord::user)
          .containsExactly(
              null,
              null,
              "postgres",
              "postgres",
              "postgres",
              "first.last",
              "alice@EXAMPLE.COM",
              null,
              "app");
      assertThat(c.records)
          .extracting(LogRecord::database)
          .containsExactly(null, null, "shop", "shop", "shop", "shop", "shop", null, "shop");
      LogRecord execute = c.records.get(4);
      assertThat(execute.detail()).isEqualTo("Parameters: $1 = '42'");
      LogRecord error = c.records.get(6);
      assertThat(error.severity()).isEqualTo("ERROR");
      assertThat(error.statement()).isEqualTo("select * from missing");
      assertThat(c.records.get(8).message()).endsWith("select 4\n  from t");
    }
  }

  @Test
  void aLineWithThePrefixButNoSeverityIsReportedAsSuch() {
    var c =
        LogCollector.text(
            "2026-11-24 11:40:00.127 UTC [103] postgres@shop/psql hello world\n",
            new LogReaderOptions(LogFormat.STDERR, "%m [%p] %q%u@%d/%a "));
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.firstUnparsed()).contains("no severity (LOG:, ERROR:...) after");
  }

  private static String prefixOf(String fixture) {
    var c = LogCollector.fixture(fixture);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    return c.result.logLinePrefix();
  }

  @Test
  void anExplicitPrefixWinsOverDetection() {
    var c =
        LogCollector.fixture("unknown-prefix.log", new LogReaderOptions(null, "<<%p>> %t LOG:  "));
    // with that (odd) prefix the severity is part of the prefix, so no line opens a record
    assertThat(c.result.unparsedLines()).isEqualTo(2);
    var right = LogCollector.fixture("unknown-prefix.log", new LogReaderOptions(null, "<<%p>> "));
    assertThat(right.result.unparsedLines()).as(right.result.firstUnparsed()).isEqualTo(2);
    var ok =
        LogCollector.text(
            "<<7>> LOG:  duration: 1.000 ms  statement: select 1\n",
            new LogReaderOptions(LogFormat.STDERR, "<<%p>> "));
    assertThat(ok.records).singleElement().extracting(LogRecord::pid).isEqualTo(7);
  }

  @Test
  void anUnknownPrefixIsReportedLineByLine() {
    var c = LogCollector.fixture("unknown-prefix.log");
    assertThat(c.records).isEmpty();
    assertThat(c.result.linesRead()).isEqualTo(2);
    assertThat(c.result.unparsedLines()).isEqualTo(2);
    // a time without a date is no timestamp PostgreSQL writes: nothing is learnt from it
    assertThat(c.result.logLinePrefix()).isNull();
    assertThat(c.result.firstUnparsed())
        .isEqualTo(
            "unknown-prefix.log:1: no log_line_prefix could be learnt from the first lines;"
                + " give the prefix");
  }

  @Test
  void aCsvlogOfMultiLinePlansIsStillCsvlog() throws Exception {
    // PostgreSQL 15 wrote it with auto_explain: most of its first lines are inside quoted plans
    var plans = LogCollector.fixture("csvlog-auto-explain-pg15.csv");
    assertThat(plans.result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(plans.result.unparsedLines()).as(plans.result.firstUnparsed()).isZero();
    assertThat(plans.records).hasSize(
        (int) Files.readAllLines(Path.of(LogReaderTest.class
            .getResource("/logs/csvlog-auto-explain-pg15.csv").toURI())).stream()
            .filter(l -> l.startsWith("2026-12-01 ")).count());
  }

  @Test
  void csvlogOfEveryVersionIsRead() {
    var v17 = LogCollector.fixture("csvlog-pg17.csv");
    assertThat(v17.result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(v17.result.linesRead()).isEqualTo(7);
    assertThat(v17.result.unparsedLines()).isZero();
    assertThat(v17.records).hasSize(5);
    assertThat(v17.records.get(0).queryId()).isEqualTo(-123456789012345678L);
    assertThat(v17.records.get(0).host()).isEqualTo("10.0.0.5");
    assertThat(v17.records.get(1).line()).isEqualTo(2);
    assertThat(v17.records.get(2).line()).isEqualTo(5);
    assertThat(v17.records.get(3).host()).isEqualTo("[local]");
    assertThat(v17.records.get(4).user()).isNull();

    var v13 = LogCollector.fixture("csvlog-pg13.csv");
    assertThat(v13.records).hasSize(2).allSatisfy(r -> assertThat(r.queryId()).isNull());
    var v12 = LogCollector.fixture("csvlog-pg12.csv");
    assertThat(v12.records).singleElement().extracting(LogRecord::application).isEqualTo("psql");
  }

  /** The same five records written by csvlog, jsonlog, CloudNativePG and stderr in a pod. */
  @Test
  void allFormatsMeanTheSame() {
    var csv = LogCollector.fixture("csvlog-pg17.csv");
    var json = LogCollector.fixture("jsonlog.json");
    var cnpg = LogCollector.fixture("cnpg.json");
    var k8sCnpg = LogCollector.fixture("k8s-cnpg.json");
    var k8sStderr = LogCollector.fixture("k8s-stderr.log");
    assertThat(json.result.format()).isEqualTo(LogFormat.JSONLOG);
    assertThat(cnpg.result.format()).isEqualTo(LogFormat.CNPG);
    assertThat(k8sCnpg.result.format()).isEqualTo(LogFormat.CNPG);
    assertThat(k8sStderr.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(k8sStderr.result.logLinePrefix()).isEqualTo("%m [%p] %q%u@%d ");
    for (var c : List.of(csv, json, cnpg, k8sCnpg, k8sStderr)) {
      assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
      assertThat(c.records).hasSize(5);
      assertThat(essence(c)).isEqualTo(essence(csv));
      assertThat(c.events(ExecutedStatement.class)).hasSize(3);
      assertThat(c.events(LogError.class)).hasSize(1);
    }
    assertThat(cnpg.result.linesRead()).isEqualTo(7); // two non-Postgres lines, skipped
    assertThat(csv.records.get(0).sessionId()).isEqualTo(json.records.get(0).sessionId());
    assertThat(csv.records.get(0).queryId()).isEqualTo(cnpg.records.get(0).queryId());
  }

  private static List<String> essence(LogCollector c) {
    return c.records.stream()
        .map(
            r ->
                String.join(
                    "|",
                    String.valueOf(r.timestamp()),
                    r.severity(),
                    String.valueOf(r.pid()),
                    r.user(),
                    r.database(),
                    r.message(),
                    r.detail(),
                    r.statement()))
        .toList();
  }

  @Test
  void gzipIsRecognisedByItsMagicBytes() throws IOException {
    byte[] plain =
        LogCollector.class.getResourceAsStream("/logs/stderr-default.log").readAllBytes();
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(plain);
    }
    Path file = tmp.resolve("postgresql.log.1"); // no .gz: the name does not matter
    Files.write(file, out.toByteArray());
    var c = LogCollector.read(file);
    var plainRead = LogCollector.fixture("stderr-default.log");
    assertThat(c.records).hasSameSizeAs(plainRead.records);
    assertThat(c.result.bytesRead()).isEqualTo(plain.length);
    assertThat(c.result.unparsedLines()).isZero();

    // a cut gzip is bad content, not an unreadable file
    byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() / 2);
    Files.write(file, cut);
    var partial = LogCollector.read(file);
    assertThat(partial.result.unparsedLines()).isEqualTo(1);
    assertThat(partial.result.firstUnparsed()).contains("compressed data ends early");
  }

  @Test
  void severalSourcesAreReadOneAtATime() throws IOException {
    var reader = new LogReader(LogReaderOptions.auto());
    var records = new ArrayList<LogRecord>();
    for (String name : List.of("csvlog-pg17.csv", "stderr-rds.log", "jsonlog.json")) {
      Path file = tmp.resolve(name);
      Files.copy(LogCollector.class.getResourceAsStream("/logs/" + name), file);
      var result = reader.read(LogSource.file(file), records::add);
      assertThat(result.source()).isEqualTo(file.toString());
      assertThat(result.unparsedLines()).isZero();
    }
    assertThat(records).hasSize(13);
    assertThat(records.get(5).source()).endsWith("stderr-rds.log");
  }

  @Test
  void standardInputIsASource() throws IOException {
    InputStream saved = System.in;
    try {
      System.setIn(LogCollector.class.getResourceAsStream("/logs/jsonlog.json"));
      var records = new ArrayList<LogRecord>();
      var result = new LogReader(LogReaderOptions.auto()).read(LogSource.stdin(), records::add);
      assertThat(result.source()).isEqualTo("stdin");
      assertThat(records).hasSize(5).allSatisfy(r -> assertThat(r.source()).isEqualTo("stdin"));
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void anUnreadableSourceIsAnIOExceptionNamingIt() {
    Path missing = tmp.resolve("nope.log");
    assertThatThrownBy(() -> LogCollector.read(missing))
        .rootCause()
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> new LogReader(LogReaderOptions.auto()).read(LogSource.file(missing), r -> {}))
        .isInstanceOf(IOException.class)
        .hasMessage(missing + ": no such file");
    assertThatThrownBy(
            () -> new LogReader(LogReaderOptions.auto()).read(LogSource.file(tmp), r -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(tmp + ": cannot be read (");
  }

  @Test
  void emptyGarbageAndTruncatedInputIsCountedNotThrown() {
    var empty = LogCollector.fixture("empty.log");
    assertThat(empty.result.linesRead()).isZero();
    assertThat(empty.result.unparsedLines()).isZero();
    assertThat(empty.result.format()).isEqualTo(LogFormat.STDERR);

    var garbage = LogCollector.fixture("garbage.bin");
    long newlines = 12; // and no newline at the end: 13 lines
    assertThat(garbage.records).isEmpty();
    assertThat(garbage.result.linesRead()).isEqualTo(newlines + 1);
    assertThat(garbage.result.unparsedLines()).isPositive().isLessThanOrEqualTo(newlines + 1);
    assertThat(garbage.result.firstUnparsed()).startsWith("garbage.bin:1: ");

    var json = LogCollector.fixture("truncated.json");
    assertThat(json.records).hasSize(2);
    assertThat(json.result.unparsedLines()).isEqualTo(1);
    assertThat(json.result.firstUnparsed()).startsWith("truncated.json:2: invalid JSON");

    var csv = LogCollector.fixture("truncated.csv");
    assertThat(csv.records).extracting(LogRecord::line).containsExactly(1L, 3L);
    assertThat(csv.result.unparsedLines()).isEqualTo(1);
    assertThat(csv.result.firstUnparsed())
        .isEqualTo("truncated.csv:2: unterminated quoted csvlog field");
  }

  @Test
  void mixedFormatsKeepTheMajorityAndCountTheRest() {
    var c = LogCollector.fixture("mixed.log");
    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.records)
        .extracting(LogRecord::message)
        .allSatisfy(m -> assertThat(m).doesNotContain("select 9"));
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.firstUnparsed()).startsWith("mixed.log:2: ");
  }

  /** 100 MB on one line, produced on the fly: read with 1 MB of it kept, nothing held whole. */
  @Test
  void aHugeLineIsCutNotHeld() {
    long size = 100L << 20;
    byte[] head =
        "2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select '"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] tail =
        "'\n2024-05-01 10:00:01.000 UTC [1] LOG:  duration: 2.000 ms  statement: select 2\n"
            .getBytes(StandardCharsets.US_ASCII);
    InputStream in =
        new InputStream() {
          long pos;

          @Override
          public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            long total = head.length + size + tail.length;
            if (pos >= total) {
              return -1;
            }
            int n = (int) Math.min(len, total - pos);
            for (int i = 0; i < n; i++, pos++) {
              b[off + i] =
                  pos < head.length
                      ? head[(int) pos]
                      : pos < head.length + size
                          ? (byte) 'x'
                          : tail[(int) (pos - head.length - size)];
            }
            return n;
          }
        };
    var c = LogCollector.read(new LogSource("huge", () -> in), LogReaderOptions.auto());
    assertThat(c.result.linesRead()).isEqualTo(2);
    assertThat(c.result.truncatedLines()).isEqualTo(1);
    assertThat(c.result.bytesRead()).isEqualTo(head.length + size + tail.length);
    var statements = c.events(ExecutedStatement.class);
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).text().length()).isLessThanOrEqualTo(LineReader.MAX_LINE_BYTES);
    assertThat(statements.get(1).text()).isEqualTo("select 2");
  }

  @Test
  void manyContinuationLinesAreCappedPerRecord() {
    var text =
        new StringBuilder(
            "2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  " + "statement: select 1\n");
    String continuation = "\t" + "y".repeat(999) + "\n";
    for (int i = 0; i < 3000; i++) { // 3 MB in one record
      text.append(continuation);
    }
    text.append("2024-05-01 10:00:01.000 UTC [1] LOG:  duration: 2.000 ms  statement: select 2\n");
    var c = LogCollector.text(text.toString(), LogReaderOptions.auto());
    assertThat(c.result.linesRead()).isEqualTo(3002);
    assertThat(c.result.truncatedLines()).isBetween(1950L, 1952L); // 3000 - 1048 lines kept
    assertThat(c.records).hasSize(2);
    assertThat(c.records.get(0).message().length())
        .isBetween(RecordBuilder.MAX_CHARS - 1000, RecordBuilder.MAX_CHARS + 3000);
    assertThat(c.records.get(1).line()).isEqualTo(3002);
  }

  @Test
  void windowsLineEndsAndUtf8AreRight() {
    var c =
        LogCollector.text(
            "2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select 'Zoë"
                + " 東京'\r\n",
            LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class))
        .singleElement()
        .extracting(ExecutedStatement::text)
        .isEqualTo("select 'Zoë 東京'");
  }

  /**
   * The sample logs in examples/logs/ (made by RealPostgresLogIT) read cleanly and agree. Their
   * stderr prefix is a rich custom one with %q: it is learnt from the lines, and reads the same
   * given with or without its trailing space.
   */
  @Test
  void theSampleLogsAgree() {
    Path dir = Path.of("..", "examples", "logs");
    var detected = LogCollector.read(dir.resolve("postgresql.log"));
    assertThat(detected.result.unparsedLines()).as(detected.result.firstUnparsed()).isZero();
    assertThat(detected.result.logLinePrefix()).isEqualTo(RealPostgresLogIT.PREFIX);
    var options = new LogReaderOptions(null, RealPostgresLogIT.PREFIX);
    var formats = new ArrayList<LogCollector>();
    for (String name : List.of("postgresql.log", "postgresql.csv", "postgresql.json")) {
      formats.add(LogCollector.read(LogSource.file(dir.resolve(name)), options));
    }
    formats.add(detected);
    formats.add(
        LogCollector.read(
            LogSource.file(dir.resolve("postgresql.log")),
            new LogReaderOptions(null, RealPostgresLogIT.PREFIX.stripTrailing())));
    var expected =
        formats.get(1).events(ExecutedStatement.class).stream()
            .map(s -> s.phase() + "|" + s.durationMs() + "|" + s.text() + "|" + s.parameters())
            .toList();
    assertThat(expected).hasSizeGreaterThan(20);
    for (var c : formats) {
      assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
      assertThat(
              c.events(ExecutedStatement.class).stream()
                  .map(
                      s -> s.phase() + "|" + s.durationMs() + "|" + s.text() + "|" + s.parameters())
                  .toList())
          .isEqualTo(expected);
    }
  }

  /** A sink that fails stops the read, and the reading thread with it. */
  @Test
  void aFailingSinkStopsTheReadingThread() {
    var text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append("2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select ")
          .append(i)
          .append('\n');
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    var failure = new IllegalStateException("sink failed");
    int[] seen = {0};
    assertThatThrownBy(
            () ->
                new LogReader(LogReaderOptions.auto())
                    .read(
                        new LogSource("big", () -> new java.io.ByteArrayInputStream(bytes)),
                        r -> {
                          if (++seen[0] == 5000) {
                            throw failure;
                          }
                        }))
        .isSameAs(failure);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("pgdba-log-reader big")));
  }
}
