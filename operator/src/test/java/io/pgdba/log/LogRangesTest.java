package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A plain stderr log read in parallel ranges gives the very records, line numbers, counts and
 * first unparsed line that the sequential read gives, whatever the range size and the threads:
 * ranges as small as a line put entries of every shape (continuation lines, parts, entries
 * bigger than the largest range, CRLF, garbage, a line over the 1 MB cap) across boundaries.
 */
class LogRangesTest {

  private static final String PREFIX = "%t [%p]: user=%u,db=%d,app=%a,client=%h ";

  /** What one read gave, comparable with equals. */
  private record Read(List<LogRecord> records, LogReadResult result) {}

  private static Read read(byte[] bytes, LogReaderOptions options, int rangeBytes, int workers) {
    var records = new ArrayList<LogRecord>();
    try {
      var result = new LogReader(options, rangeBytes, workers)
          .read(new LogSource("test.log", () -> new ByteArrayInputStream(bytes)), records::add);
      return new Read(records, result);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #read}, into a {@link RecordSink}: the records as the sink is handed them, and the
   * line numbers it is told to read them with (its base added), one per record.
   */
  private static Read readNumbered(byte[] bytes, LogReaderOptions options, int rangeBytes,
      int workers, List<Long> lines) {
    var records = new ArrayList<LogRecord>();
    RecordSink sink = (r, lineBase) -> {
      records.add(r);
      lines.add(lineBase + r.line());
    };
    try {
      var result = new LogReader(options, rangeBytes, workers)
          .read(new LogSource("test.log", () -> new ByteArrayInputStream(bytes)), sink);
      return new Read(records, result);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertSameInRanges(byte[] bytes, LogReaderOptions options) {
    var sequential = read(bytes, options, 1 << 20, 1);
    var sequentialLines = sequential.records().stream().map(LogRecord::line).toList();
    for (int rangeBytes : new int[] {1, 64, 333, 4096, 1 << 16}) {
      for (int workers : new int[] {2, 3}) {
        var parallel = read(bytes, options, rangeBytes, workers);
        assertThat(parallel.result())
            .as("ranges of %d bytes, %d threads", rangeBytes, workers)
            .isEqualTo(sequential.result());
        assertThat(parallel.records())
            .as("ranges of %d bytes, %d threads", rangeBytes, workers)
            .isEqualTo(sequential.records());
        // a sink that numbers the records itself is told the same line numbers, and is handed
        // the very records but for their numbering
        var lines = new ArrayList<Long>();
        var numbered = readNumbered(bytes, options, rangeBytes, workers, lines);
        assertThat(numbered.result()).isEqualTo(sequential.result());
        assertThat(lines)
            .as("ranges of %d bytes, %d threads", rangeBytes, workers)
            .isEqualTo(sequentialLines);
        assertThat(numbered.records()).hasSameSizeAs(sequential.records());
        for (int i = 0; i < lines.size(); i++) {
          var r = numbered.records().get(i);
          assertThat(copyAt(r, lines.get(i))).isEqualTo(sequential.records().get(i));
        }
      }
    }
  }

  private static LogRecord copyAt(LogRecord r, long line) {
    return new LogRecord(r.timestamp(), r.severity(), r.pid(), r.sessionId(), r.database(),
        r.user(), r.application(), r.host(), r.sqlState(), r.queryId(), r.message(), r.detail(),
        r.hint(), r.context(), r.statement(), r.source(), line, r.worked());
  }

  /** A log with every shape of entry the stderr parser knows, in a random (seeded) order. */
  static byte[] hostileLog(long seed, int entries) {
    var r = new Random(seed);
    var sb = new StringBuilder();
    for (int i = 0; i < entries; i++) {
      int pid = 100 + r.nextInt(5);
      String head = "2024-05-01 10:" + String.format("%02d:%02d", i / 600 % 60, i / 10 % 60)
          + " UTC [" + pid + "]: user=u" + pid % 2 + ",db=shop,app=app " + pid % 3
          + ",client=10.0.0." + pid + " ";
      switch (r.nextInt(12)) {
        case 0 -> sb.append(head).append("LOG:  statement: SELECT a,\n\t  b\n  FROM t WHERE x = ")
            .append(i).append('\n').append(head).append("LOG:  duration: 1.")
            .append(i % 1000).append(" ms\n");
        case 1 -> sb.append(head).append("ERROR:  division by zero\n").append(head)
            .append("STATEMENT:  SELECT 1/0\n\t  + ").append(i).append('\n');
        case 2 -> sb.append(head).append("LOG:  duration: 0.5 ms  execute S_1: SELECT $1\n")
            .append(head).append("DETAIL:  parameters: $1 = '").append(i).append("'\n");
        case 3 -> {
          // a literal whose newline is followed by what looks like another process's entry:
          // sequential and ranges both take it for a new record
          sb.append(head).append("LOG:  duration: 2 ms  statement: SELECT 'x\n")
              .append("2024-05-01 10:00:00 UTC [666]: user=evil,db=d,app=a,client=h ")
              .append("LOG:  duration: 999 ms  statement: SELECT 'owned'\n");
        }
        case 4 -> {
          // an entry of hundreds of lines, bigger than the largest range the test allows
          sb.append(head).append("LOG:  duration: 3 ms  statement: SELECT\n");
          for (int k = 0; k < 300 + r.nextInt(300); k++) {
            sb.append("\t  col").append(k).append(",\n");
          }
          sb.append("\t  1\n");
        }
        case 5 -> sb.append(head).append("DETAIL:  a part whose record is another pid's\n");
        case 6 -> sb.append("garbage \u0001\u0002 not a log line\n");
        case 7 -> sb.append(head).append("LOG:  duration: 4 ms  statement: SELECT crlf\r\n");
        case 8 -> sb.append('\n');
        case 9 -> sb.append("\tcontinuation of whatever came before\n");
        case 10 -> sb.append(head).append("LOG:  checkpoint complete: wrote 3 buffers; write=0.1")
            .append(" s, sync=0.0 s, total=0.2 s\n").append(head)
            .append("HINT:  consider increasing max_wal_size ü\n");
        default -> sb.append(head).append("WARNING:  there is no transaction in progress\n");
      }
    }
    sb.append("2024-05-01 11:00:00 UTC [1]: user=u,db=d,app=a,client=h LOG:  last, no newline");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void hostileLogReadsTheSameInRangesAsSequentially() {
    var options = new LogReaderOptions(null, PREFIX);
    for (long seed = 1; seed <= 3; seed++) {
      assertSameInRanges(hostileLog(seed, 1500), options);
    }
    // and with the prefix inferred from the first lines
    assertSameInRanges(hostileLog(4, 1500), LogReaderOptions.auto());
  }

  @Test
  void aLineOverTheCapAndAnEntryOverTheLargestRangeReadTheSame() {
    var sb = new StringBuilder(new String(hostileLog(5, 300), StandardCharsets.UTF_8));
    sb.append("\n2024-05-01 11:00:00 UTC [7]: user=u,db=d,app=a,client=h LOG:  statement: ");
    sb.append("x".repeat(LineReader.MAX_LINE_BYTES + 1000)).append("\r\n");
    sb.append(new String(hostileLog(6, 300), StandardCharsets.UTF_8));
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    var options = new LogReaderOptions(null, PREFIX);
    var sequential = read(bytes, options, 1 << 20, 1);
    assertThat(sequential.result().truncatedLines()).isPositive();
    var parallel = read(bytes, options, 4096, 2);
    assertThat(parallel).isEqualTo(sequential);
  }

  @Test
  void aLineOverTheCapInARangeBeforeAnEntryOverTheLargestRangeIsCounted() {
    // the cut line is parsed by a range in flight when the giant entry ends the ranges: its
    // truncation still counts, as in the sequential read
    var sb = new StringBuilder(new String(hostileLog(9, 200), StandardCharsets.UTF_8));
    sb.append("\n2024-05-01 11:00:00 UTC [7]: user=u,db=d,app=a,client=h LOG:  statement: ");
    sb.append("x".repeat(LineReader.MAX_LINE_BYTES + 1000)).append('\n');
    sb.append(new String(hostileLog(10, 200), StandardCharsets.UTF_8));
    sb.append("\n2024-05-01 11:00:01 UTC [7]: user=u,db=d,app=a,client=h LOG:  statement: SELECT");
    for (int i = 0; i < 80_000; i++) {
      sb.append("\n\t  a_rather_long_column_name_").append(i).append(',');
    }
    sb.append("\n\t  1\n").append(new String(hostileLog(11, 200), StandardCharsets.UTF_8));
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    var options = new LogReaderOptions(null, PREFIX);
    var sequential = read(bytes, options, 1 << 20, 1);
    assertThat(sequential.result().truncatedLines()).isPositive();
    assertThat(read(bytes, options, 64 << 10, 2)).isEqualTo(sequential);
  }

  @Test
  void theFirstRangeKeepsItsPlaceAndLineNumbers() {
    // The first range is parsed by the caller's parser, the ranges after it by the workers: an
    // entry that parser holds open past the detection sample (200 lines) must end in the first
    // range, its records must come before the workers' and every line number must be the
    // file's, with ranges of a few entries each, with 2 and 3 workers (a first range parsed
    // late, or numbered from the wrong line, fails here).
    var sb = new StringBuilder();
    var expected = new ArrayList<String>();
    var expectedLines = new ArrayList<Long>();
    long line = 0;
    for (int i = 0; i < 195; i++) {
      sb.append(head(i)).append("LOG:  statement: SELECT ").append(i).append('\n');
      expected.add("SELECT " + i);
      expectedLines.add(++line);
    }
    sb.append(head(195)).append("LOG:  statement: SELECT 195");
    expected.add("SELECT 195");
    expectedLines.add(++line);
    for (int k = 0; k < 40; k++) { // lines 197 to 236: across the end of the sample
      sb.append(",\n\t  col").append(k);
      line++;
    }
    sb.append('\n');
    // past the 256 KB the line reader holds after the sample, which the first range starts with
    for (int i = 196; i < 6000; i++) {
      sb.append(head(i)).append("LOG:  statement: SELECT ").append(i).append('\n');
      expected.add("SELECT " + i);
      expectedLines.add(++line);
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    var options = new LogReaderOptions(null, PREFIX);
    var sequential = read(bytes, options, 1 << 20, 1);
    for (int workers : new int[] {2, 3}) {
      for (int rangeBytes : new int[] {200, 1000, 8192}) {
        var parallel = read(bytes, options, rangeBytes, workers);
        var what = String.format("ranges of %d bytes, %d workers", rangeBytes, workers);
        assertThat(parallel.records().stream().map(r -> statementText(r)).toList())
            .as(what).isEqualTo(expected);
        assertThat(parallel.records().stream().map(LogRecord::line).toList())
            .as(what).isEqualTo(expectedLines);
        assertThat(statementText(parallel.records().get(195))).as(what).isEqualTo("SELECT 195");
        assertThat(parallel.records().get(195).statement() + parallel.records().get(195).message())
            .as(what).contains("col0").contains("col39");
        assertThat(parallel.result().linesRead()).as(what).isEqualTo(line);
        assertThat(parallel).as(what).isEqualTo(sequential);
      }
    }
  }

  private static String head(int i) {
    return "2024-05-01 10:" + String.format("%02d:%02d", i / 60 % 60, i % 60)
        + " UTC [" + (100 + i % 7) + "]: user=u,db=shop,app=a,client=10.0.0.1 ";
  }

  /** The record's statement up to its first continuation line. */
  private static String statementText(LogRecord r) {
    String text = r.statement() != null ? r.statement() : r.message();
    text = text.substring(text.indexOf("SELECT"));
    int comma = text.indexOf(',');
    return comma < 0 ? text.strip() : text.substring(0, comma).strip();
  }

  @Test
  void rangesAreDeterministic() {
    byte[] bytes = hostileLog(7, 3000);
    var options = new LogReaderOptions(null, PREFIX);
    var first = read(bytes, options, 512, 3);
    for (int i = 0; i < 5; i++) {
      assertThat(read(bytes, options, 512, 3)).isEqualTo(first);
    }
    assertThat(first.result().linesRead()).isGreaterThan(3000);
  }

  @Test
  void everyFixtureReadsTheSameInRanges() throws IOException, URISyntaxException {
    Path dir = Path.of(LogRangesTest.class.getResource("/logs").toURI());
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      var sequential = read(bytes, LogReaderOptions.auto(), 1 << 20, 1);
      for (int rangeBytes : new int[] {1, 100, 4096}) {
        assertThat(read(bytes, LogReaderOptions.auto(), rangeBytes, 3))
            .as("%s in ranges of %d bytes", file.getFileName(), rangeBytes)
            .isEqualTo(sequential);
      }
    }
  }

  @Test
  void csvlogWithQuotedNewlinesAndCompressedInputStaySequentialAndRead() throws IOException {
    // PostgreSQL's own csvlog (PG 17 columns), a statement with newlines inside its quotes
    byte[] one;
    try (var in = LogRangesTest.class.getResourceAsStream("/logs/csvlog-pg17.csv")) {
      one = in.readAllBytes();
    }
    byte[] csvBytes = new String(one, StandardCharsets.UTF_8).repeat(100)
        .getBytes(StandardCharsets.UTF_8);
    var csvSequential = read(csvBytes, LogReaderOptions.auto(), 1 << 20, 1);
    assertThat(csvSequential.result().format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(csvSequential.records()).hasSize(500);
    assertThat(csvSequential.records())
        .filteredOn(r -> (r.message() + r.statement()).contains("\n")).isNotEmpty();
    assertThat(read(csvBytes, LogReaderOptions.auto(), 64, 3)).isEqualTo(csvSequential);

    byte[] plain = hostileLog(8, 1000);
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(plain);
    }
    var options = new LogReaderOptions(null, PREFIX);
    var fromGzip = read(gz.toByteArray(), options, 64, 3);
    var fromPlain = read(plain, options, 1 << 20, 1);
    assertThat(fromGzip.records()).isEqualTo(fromPlain.records());
    assertThat(fromGzip.result().linesRead()).isEqualTo(fromPlain.result().linesRead());
  }

  @Test
  void linesAreSplitAndCountedEightBytesAtATimeAsByteByByte() throws IOException {
    var r = new Random(11);
    for (int size = 0; size < 300; size++) {
      byte[] bytes = new byte[size];
      for (int i = 0; i < size; i++) {
        // newlines, bytes with the high bit set and bytes next to 0x0A, which a careless
        // eight-at-a-time count would take for newlines
        bytes[i] = (byte) switch (r.nextInt(5)) {
          case 0 -> '\n';
          case 1 -> 0x0B;
          case 2 -> 0x8A;
          case 3 -> r.nextBoolean() ? 0x09 : '\r';
          default -> r.nextInt(256);
        };
      }
      // the lines as a byte-at-a-time split gives them
      var expected = new ArrayList<String>();
      int start = 0;
      for (int i = 0; i <= size; i++) {
        if (i == size ? start < size : bytes[i] == '\n') {
          int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
          expected.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      var streamed = new ArrayList<String>();
      var reader = new LineReader(new ByteArrayInputStream(bytes), true);
      for (String line; (line = reader.next()) != null; ) {
        streamed.add(line);
      }
      var inPlace = new ArrayList<String>();
      reader = new LineReader(bytes, size);
      for (String line; (line = reader.next()) != null; ) {
        inPlace.add(line);
      }
      assertThat(streamed).as("size %d", size).isEqualTo(expected);
      assertThat(inPlace).as("size %d", size).isEqualTo(expected);
    }
  }
}
