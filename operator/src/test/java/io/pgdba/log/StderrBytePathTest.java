package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The range parsers read stderr lines as bytes ({@link LogLinePrefix#matchBytes}, {@link
 * StderrParser#line(byte[], int, int, boolean, long)}) and decode them only when that path declines. This
 * test holds the byte path to the String path, the reference: over generated logs of several
 * prefixes, hostile ones included (non-ASCII and invalid UTF-8 in and after the prefix, NULs,
 * {@code \r}, tabs, Kubernetes timestamps, near-miss prefixes and severities, impossible dates,
 * zones followed by non-ASCII, huge pids, lines over the 1 MB cap), both give the very same records
 * (every field), unparsed counts, first unparsed line and truncated lines; and wherever the byte
 * path takes a line, it found the same fields at the same place as {@link LogLinePrefix#match}.
 */
class StderrBytePathTest {

  private static final String CORPUS_PREFIX = "%t [%p]: user=%u,db=%d,app=%a,client=%h ";

  private static final List<String> PREFIXES =
      List.of(
          CORPUS_PREFIX,
          "%m [%p] %q%u@%d ",
          "%t:%r:%u@%d:[%p]:",
          "%m %c %e %Q %l %-10a %P ",
          "%s %x %v %b %i [%5p] ",
          "%m [%p] app=%-8a,host=%h",
          "%n [%p] ", // the byte path declines %n: all lines by the String path
          "%t [%p] é=%u ", // a non-ASCII literal: the same
          "< %m %h >");

  private static final String[] SEVERITIES = {
    "LOG:  ", "LOG: ", "LOG:", "LOGX:  ", "ERROR:  ", "FATAL:  ", "PANIC:  ", "WARNING:  ",
    "NOTICE:  ", "INFO:  ", "DEBUG1:  ", "DEBUG:  ", "DEBUG9:  ", "DETAIL:  ", "HINT:  ",
    "CONTEXT:  ", "STATEMENT:  ", "QUERY:  ", "LOCATION:  ", "log:  ", "", " LOG:  ", "  LOG:  "
  };

  private static final String[] TEXTS = {
    "", "[unknown]", "bench", "postgres", "alice@EXAMPLE.COM", "a b", "app name ", "Zoë", "ü@x",
    "x,db=y", "user=", "[local]", "10.0.0.1(5432)", "10.0.0.1", "\u0000", "\t", " ", "@", "a@b@c",
    "::1", "日本", "\uFFFD"
  };

  private static final String[] ZONES = {
    "UTC", "CEST", "+05", "-03:30", "+0530", "-12345", "+05é", "+05x", "America/New_York", "", "Z",
    "XYZ", "+5", "-12", "-1234567", "+05:", "+05:30x", "-0"
  };

  /** One line of {@code pattern} with random (often hostile) values, as UTF-8 bytes. */
  private static byte[] line(String pattern, Random r) {
    var out = new ByteArrayOutputStream();
    if (r.nextInt(40) == 0) {
      write(out, "2024-05-01T10:00:00.123456789Z "); // kubectl logs --timestamps
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        write(out, String.valueOf(c));
        continue;
      }
      int j = i + 1;
      while (j < pattern.length() && (pattern.charAt(j) == '-'
          || Character.isDigit(pattern.charAt(j)))) {
        j++;
      }
      write(out, value(pattern.charAt(j), r));
      i = j;
    }
    write(out, SEVERITIES[r.nextInt(4) == 0 ? r.nextInt(SEVERITIES.length) : r.nextInt(2)]);
    write(out, message(r));
    if (r.nextInt(20) == 0) {
      out.write('\r');
    }
    byte[] bytes = out.toByteArray();
    return r.nextInt(6) == 0 ? mutate(bytes, r) : bytes;
  }

  private static String value(char escape, Random r) {
    return switch (escape) {
      case 't', 's' -> time(r, false);
      case 'm' -> time(r, true);
      case 'n' -> (1714557600 + r.nextInt(100)) + "." + r.nextInt(1000);
      case 'p', 'P' -> switch (r.nextInt(12)) {
        case 0 -> "";
        case 1 -> "99999999999999999999999";
        case 2 -> "-5";
        case 3 -> "  " + r.nextInt(100);
        default -> String.valueOf(100 + r.nextInt(4));
      };
      case 'c' -> r.nextInt(8) == 0 ? "xyz" : "65a4f1e0.1a" + r.nextInt(3);
      case 'e' -> r.nextInt(8) == 0 ? "2201" : r.nextBoolean() ? "00000" : "22012";
      case 'Q' -> r.nextInt(8) == 0 ? "-" : r.nextInt(8) == 0 ? "123456789012345678901" : "-42";
      case 'l', 'x' -> String.valueOf(r.nextInt(1000));
      default -> TEXTS[r.nextInt(TEXTS.length)];
    };
  }

  private static String time(Random r, boolean millis) {
    String day = r.nextInt(30) == 0 ? "2024-13-45" : "2024-05-01";
    String second = String.format("10:00:%02d", r.nextInt(3));
    String fraction = millis ? "." + r.nextInt(1000) : r.nextInt(30) == 0 ? ".5" : "";
    String zone = ZONES[r.nextInt(3) == 0 ? r.nextInt(ZONES.length) : 0];
    return day + (r.nextInt(50) == 0 ? "T" : " ") + second + fraction
        + (zone.isEmpty() ? "" : " " + zone);
  }

  private static String message(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> "statement: SELECT 'é' AS \"日本\", x FROM t";
      case 1 -> "syntax error at or near \"x\" at character 12";
      case 2 -> "";
      case 3 -> " two spaces";
      default -> "duration: " + r.nextInt(100) + ".5 ms  statement: SELECT " + r.nextInt(9);
    };
  }

  /** Flips, inserts or cuts bytes: invalid UTF-8, NULs, stray CRs, halves of characters. */
  private static byte[] mutate(byte[] bytes, Random r) {
    var out = new ByteArrayOutputStream();
    int at = bytes.length == 0 ? 0 : r.nextInt(bytes.length);
    byte[][] noise = {
      {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
      {0}, {'\r'}, {'\t'}, {' '}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xF0, (byte) 0x9F}
    };
    switch (r.nextInt(3)) {
      case 0 -> {
        out.write(bytes, 0, at);
        out.writeBytes(noise[r.nextInt(noise.length)]);
        out.write(bytes, at, bytes.length - at);
      }
      case 1 -> out.write(bytes, 0, at); // cut anywhere, in a character too
      default -> {
        byte[] copy = bytes.clone();
        if (copy.length > 0) {
          copy[at] = (byte) r.nextInt(256);
        }
        out.writeBytes(copy);
      }
    }
    return out.toByteArray();
  }

  private static byte[] log(String pattern, long seed, int lines) {
    var r = new Random(seed);
    var out = new ByteArrayOutputStream();
    byte[] previous = line(pattern, r);
    byte[][] recent = new byte[8][];
    java.util.Arrays.fill(recent, previous);
    for (int i = 0; i < lines; i++) {
      recent[i & 7] = previous;
      switch (r.nextInt(21)) {
        case 0 -> write(out, "\tcontinued " + i + (r.nextBoolean() ? " é" : ""));
        case 1 -> write(out, "  FROM t WHERE x = " + i); // a continuation without a tab
        case 2 -> write(out, "");
        // the line before with one byte changed, added or cut anywhere: what the parser
        // remembers of the line before must not answer for this one
        case 3, 4, 5 -> {
          previous = mutate(previous, r);
          out.writeBytes(previous);
        }
        case 6 -> out.writeBytes(previous); // the very same line again
        // a line of a process met a few lines before (another process's line between): what is
        // remembered per process must fit it, or not be used
        case 8 -> {
          previous = recent[r.nextInt(recent.length)];
          out.writeBytes(previous);
        }
        case 9 -> {
          previous = mutate(recent[r.nextInt(recent.length)], r);
          out.writeBytes(previous);
        }
        case 7 -> {
          // the same head, another severity (a statement, then its DETAIL)
          String[] pair = SEVERITIES[r.nextInt(SEVERITIES.length)].isEmpty()
              ? new String[] {"LOG:  ", "DETAIL:  "}
              : new String[] {"LOG:  ", SEVERITIES[r.nextInt(SEVERITIES.length)]};
          String text = new String(previous, StandardCharsets.ISO_8859_1);
          previous = (text.contains(pair[0]) ? text.replaceFirst(pair[0], pair[1])
              : text.replaceFirst("[A-Z]+: ", "LOG: ")).getBytes(StandardCharsets.ISO_8859_1);
          out.writeBytes(previous);
        }
        default -> {
          previous = line(pattern, r);
          out.writeBytes(previous);
        }
      }
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** What one parser gave. */
  record Outcome(List<LogRecord> records, long unparsed, String firstUnparsed,
      long truncated, long readerTruncated) {}

  /** The reference: every line decoded, then the String path. */
  static Outcome byStrings(String pattern, byte[] log) {
    var records = new ArrayList<LogRecord>();
    var stats = new ParseStats("t.log");
    var parser = new StderrParser(LogLinePrefix.compile(pattern), "no prefix", "t.log",
        records::add, stats);
    var lines = new LineReader(log, log.length);
    long n = 0;
    try {
      String text;
      while ((text = lines.next()) != null) {
        parser.line(LogReader.stripKubernetesTimestamp(text), ++n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    parser.finish();
    return new Outcome(records, stats.unparsed(), stats.firstUnparsed(),
        parser.truncatedLines(), lines.truncatedLines());
  }

  /** As the range parsers read: the byte path, the String path where it declines. */
  static Outcome byBytes(String pattern, byte[] log) {
    var records = new ArrayList<LogRecord>();
    var stats = new ParseStats("t.log");
    var parser = new StderrParser(LogLinePrefix.compile(pattern), "no prefix", "t.log",
        records::add, stats);
    var lines = new LineReader(log, log.length);
    try {
      LogRanges.parse(lines, parser, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    parser.finish();
    return new Outcome(records, stats.unparsed(), stats.firstUnparsed(),
        parser.truncatedLines(), lines.truncatedLines());
  }

  /**
   * Line by line: where the byte path takes a line, {@link LogLinePrefix#match} on the decoded
   * line returns the same position with the same fields. Returns the lines the byte path took.
   */
  static int assertSameMatches(String pattern, byte[] log) throws IOException {
    var bytePrefix = LogLinePrefix.compile(pattern);
    var stringPrefix = LogLinePrefix.compile(pattern);
    var byteFields = new PrefixFields();
    var stringFields = new PrefixFields();
    var lines = new LineReader(log, log.length);
    int taken = 0;
    while (lines.advance()) {
      byte[] b = lines.lineBytes();
      int start = lines.lineStart();
      int end = start + lines.lineLength();
      String text = new String(b, start, end - start, StandardCharsets.UTF_8);
      // both prefixes see every line, so their caches follow the same sequence
      int at = bytePrefix.matchBytes(b, start, end, byteFields);
      int expected = stringPrefix.match(LogReader.stripKubernetesTimestamp(text), stringFields);
      if (at == LogLinePrefix.DECLINE) {
        continue;
      }
      taken++;
      // plain comparisons: an AssertJ chain per line would make this test slow
      if (at - start != expected
          || !text.substring(0, expected)
              .equals(new String(b, start, at - start, StandardCharsets.ISO_8859_1))
          || !fieldsOf(byteFields).equals(fieldsOf(stringFields))) {
        assertThat(fieldsOf(byteFields) + " at " + (at - start))
            .as("line %d: %s", lines.lineNumber(), text)
            .isEqualTo(fieldsOf(stringFields) + " at " + expected);
        assertThat(text.substring(0, expected)).as("ASCII before the severity")
            .isEqualTo(new String(b, start, at - start, StandardCharsets.ISO_8859_1));
      }
    }
    return taken;
  }

  private static List<Object> fieldsOf(PrefixFields f) {
    return java.util.Arrays.asList(f.timestamp, f.pid, f.sessionId, f.database, f.user,
        f.application, f.host, f.sqlState, f.queryId, f.severity, f.elementsMatched);
  }

  private static void assertSame(String pattern, byte[] log) {
    assertThat(byBytes(pattern, log)).as("prefix %s", pattern).isEqualTo(byStrings(pattern, log));
  }

  @Test
  void generatedLogsOfEveryPrefixGiveTheSameRecords() throws IOException {
    for (String pattern : PREFIXES) {
      int taken = 0;
      int lines = 0;
      for (long seed = 1; seed <= 6; seed++) {
        byte[] log = log(pattern, seed * 31 + pattern.hashCode(), 1500);
        assertSame(pattern, log);
        taken += assertSameMatches(pattern, log);
        lines += 1500;
      }
      if (pattern.startsWith("%n") || pattern.contains("é")) {
        assertThat(taken).as("%s: no byte path", pattern).isZero();
      } else {
        // the comparison means something only if the byte path took lines
        // (fewer with %h last: the host then ends at the first space, the severity's own)
        assertThat(taken).as("%s: lines the byte path took", pattern).isGreaterThan(lines / 100);
      }
    }
  }

  @Test
  void theCorpusPrefixTakesWellFormedLinesByBytes() throws IOException {
    String line = "2026-12-01 15:23:40 UTC [13627]: user=postgres,db=postgres,app=setup,"
        + "client=[local] LOG:  duration: 0.629 ms  statement: CREATE ROLE bench LOGIN;\n"
        + "2026-12-01 15:23:40 UTC [13627]: user=postgres,db=postgres,app=setup,"
        + "client=[local] DETAIL:  parameters: $1 = 'é'\n";
    byte[] log = line.repeat(3).getBytes(StandardCharsets.UTF_8);
    assertThat(assertSameMatches(CORPUS_PREFIX, log)).isEqualTo(6);
    assertSame(CORPUS_PREFIX, log);
    assertThat(byBytes(CORPUS_PREFIX, log).records()).hasSize(3)
        .allSatisfy(r -> assertThat(r.detail()).isEqualTo("parameters: $1 = 'é'"));
  }

  @Test
  void linesOverTheCapAndHugeFieldsGiveTheSameRecords() throws IOException {
    var out = new ByteArrayOutputStream();
    String head = "2024-05-01 10:00:00 UTC [42]: user=u,db=d,app=a,client=h ";
    write(out, head + "LOG:  statement: SELECT '" + "x".repeat(LineReader.MAX_LINE_BYTES) + "'\n");
    write(out, head + "LOG:  statement: SELECT '" + "é".repeat(LineReader.MAX_LINE_BYTES / 2)
        + "'\n");
    write(out, "2024-05-01 10:00:00 UTC [42]: user=" + "u".repeat(100_000)
        + ",db=d,app=a,client=h LOG:  big user\n");
    write(out, "\t" + "y".repeat(LineReader.MAX_LINE_BYTES + 10) + "\n");
    write(out, head + "LOG:  no newline at the end");
    byte[] log = out.toByteArray();
    assertSame(CORPUS_PREFIX, log);
    // all but the tab-indented line (StderrParser takes that one before any prefix)
    assertThat(assertSameMatches(CORPUS_PREFIX, log)).isEqualTo(4);
    assertThat(byBytes(CORPUS_PREFIX, log).readerTruncated()).isEqualTo(3);
  }

  /** Found by the generator: a %n past Instant.MAX threw out of the whole read. */
  @Test
  void anEpochPastTheLastInstantIsNoTime() {
    byte[] log = ("99999999999999999.5 [7] LOG:  a\n1714557600.25 [7] LOG:  b\n"
        + "123456789012345678901234 [7] LOG:  c\n").getBytes(StandardCharsets.UTF_8);
    var records = byStrings("%n [%p] ", log).records();
    assertThat(records).extracting(LogRecord::message).containsExactly("a", "b", "c");
    assertThat(records).extracting(LogRecord::timestamp)
        .containsExactly(null, java.time.Instant.ofEpochSecond(1714557600, 250_000_000), null);
    assertSame("%n [%p] ", log);
  }

  @Provide
  Arbitrary<byte[]> hostileTail() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(60);
  }

  /** Random bytes anywhere after a valid head: inside the fields, the severity, the message. */
  @Property(tries = 400)
  void randomBytesAfterAValidHead(@ForAll("hostileTail") byte[] tail, @ForAll boolean early)
      throws IOException {
    String head = early ? "2024-05-01 10:00:00 UTC [4" : "2024-05-01 10:00:00 UTC [42]: user=";
    var out = new ByteArrayOutputStream();
    for (int i = 0; i < 3; i++) {
      write(out, head);
      out.writeBytes(tail);
      write(out, ",db=d,app=a,client=h LOG:  m\n");
      write(out, "2024-05-01 10:00:00 UTC [42]: user=u,db=d,app=a,client=h ");
      out.writeBytes(tail);
      out.write('\n');
    }
    byte[] log = out.toByteArray();
    assertSame(CORPUS_PREFIX, log);
    assertSameMatches(CORPUS_PREFIX, log);
  }
}
