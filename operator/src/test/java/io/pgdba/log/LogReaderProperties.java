package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Generated and garbage input through LogReader and LogEventAssembler: never throws, always ends,
 * counts every line, never reports more unparsed lines than it read.
 */
class LogReaderProperties {

  /** Fragments real logs are made of, so that generated input reaches deep into the parsers. */
  private static final List<String> PIECES =
      List.of(
          "2024-05-01 10:00:00.123 UTC [42] ",
          "2024-05-01 10:00:00 UTC:10.0.0.1(5432):u@d:[42]:",
          "2024-05-01T10:00:00.000000001Z ",
          "LOG:  ",
          "ERROR:  ",
          "DETAIL:  ",
          "STATEMENT:  ",
          "duration: ",
          "1.5 ms",
          "  statement: ",
          "  execute S_1: ",
          "  plan:",
          "parameters: $1 = '",
          "Parameters: $1 = NULL, $2 = 'a'', ''b'",
          "select * from t where a = 'x'",
          "\t",
          "\n",
          "\r\n",
          "\"",
          "\"\"",
          ",",
          "{\"timestamp\":\"2024-05-01 10:00:00 UTC\",\"error_severity\":\"LOG\",\"message\":\"",
          "{\"logger\":\"postgres\",\"record\":{\"error_severity\":\"LOG\",\"message\":\"",
          "}",
          "\"}}",
          "2024-05-01 10:00:00.123 UTC,\"u\",\"d\",42,,s.1,1,,,,0,LOG,00000,\"",
          ",,,,,,,,,\"app\",\"client backend\",,0",
          "statement: ",
          "duration: 2 ms",
          "Query Text: ",
          "\u0000",
          "\uFFFD",
          "Zoë");

  @Provide
  Arbitrary<String> logText() {
    Arbitrary<String> piece = Arbitraries.of(PIECES);
    Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(20);
    return Arbitraries.oneOf(piece, piece, piece, noise)
        .list()
        .ofMaxSize(200)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 300)
  void structuredTextIsAlwaysAccountedFor(@ForAll("logText") String text) throws IOException {
    check(text.getBytes(StandardCharsets.UTF_8), null);
  }

  @Property(tries = 300)
  void anyFormatForcedOnAnyTextIsSafe(@ForAll("logText") String text, @ForAll LogFormat format)
      throws IOException {
    check(text.getBytes(StandardCharsets.UTF_8), format);
  }

  @Property(tries = 200)
  void rawBytesAreSafe(@ForAll @Size(max = 3000) byte[] bytes) throws IOException {
    check(bytes, null);
  }

  /** What PostgreSQL accepts in application_name (printable ASCII, 63 bytes), in lower case. */
  @Provide
  Arbitrary<String> applicationName() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz0123456789 @/,.-_[]()=+#!?':;\"")
        .ofMinLength(1)
        .ofMaxLength(63);
  }

  /** User names as Kerberos principals and cloud IAM e-mails make them. */
  @Provide
  Arbitrary<String> userName() {
    return Arbitraries.strings()
        .withChars("abcdefghijklmnopqrstuvwxyz0123456789@._-")
        .ofMinLength(0)
        .ofMaxLength(40)
        .map(s -> "u" + s);
  }

  /**
   * With the application last in the prefix, any application name (spaces, {@code @}, {@code /},
   * {@code ]}...) reads back as written, the prefix being detected or given.
   */
  @Property(tries = 200)
  void applicationNamesReadBackAsWritten(
      @ForAll("applicationName") String app,
      @ForAll("userName") String user,
      @ForAll boolean detect)
      throws IOException {
    String[][] cases = {
      // prefix, a background process's line head, a session line head
      {"%m [%p] %q%u@%d/%a ", "2024-05-01 10:00:00.001 UTC [7] ", "[8] " + user + "@shop/" + app},
      {
        "%m [%p] %q[user=%u,db=%d,app=%a] ",
        "2024-05-01 10:00:00.001 UTC [7] ",
        "[8] [user=" + user + ",db=shop,app=" + app + "]"
      },
      {
        "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "2024-05-01 10:00:00 UTC [7]: [1-1] user=,db=,app=,client= ",
        "[8]: [2-1] user=" + user + ",db=shop,app=" + app + ",client=10.0.0.5"
      }
    };
    for (String[] c : cases) {
      String prefix = c[0];
      String session = c[1].substring(0, c[1].indexOf('[')) + c[2];
      String log =
          c[1] + "LOG:  checkpoint starting: time\n"
              + session + " LOG:  duration: 1.000 ms  statement: select 1\n"
              + session + " DETAIL:  x\n";
      var records = new ArrayList<LogRecord>();
      var result =
          new LogReader(new LogReaderOptions(LogFormat.STDERR, detect ? null : prefix))
              .read(
                  new LogSource(
                      "gen", () -> new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8))),
                  records::add);
      assertThat(result.unparsedLines()).as(prefix + "\n" + log).isZero();
      assertThat(result.logLinePrefix()).isEqualTo(prefix);
      assertThat(records).hasSize(2);
      LogRecord r = records.get(1);
      assertThat(r.application()).as(log).isEqualTo(app.equals("[unknown]") ? null : app);
      assertThat(r.user()).as(log).isEqualTo(user);
      assertThat(r.database()).isEqualTo("shop");
      assertThat(r.detail()).isEqualTo("x");
    }
  }

  private static void check(byte[] bytes, LogFormat format) throws IOException {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    var records = new ArrayList<LogRecord>();
    var result =
        new LogReader(new LogReaderOptions(format, null))
            .read(
                new LogSource("gen", () -> new ByteArrayInputStream(bytes)),
                r -> {
                  records.add(r);
                  assembler.accept(r);
                });
    assembler.finish();
    assertThat(result.linesRead()).isEqualTo(lines(bytes));
    assertThat(result.unparsedLines()).isBetween(0L, result.linesRead());
    assertThat(result.bytesRead()).isEqualTo(bytes.length);
    assertThat(result.firstUnparsed() == null).isEqualTo(result.unparsedLines() == 0);
    assertThat(records).allSatisfy(r -> assertThat(r.line()).isBetween(1L, result.linesRead()));
    assertThat(events.size()).isLessThanOrEqualTo(2 * records.size());
  }

  /** Lines as {@code wc -l} counts them, plus a last line without its newline. */
  private static long lines(byte[] bytes) {
    long n = 0;
    for (byte b : bytes) {
      if (b == '\n') {
        n++;
      }
    }
    return bytes.length > 0 && bytes[bytes.length - 1] != '\n' ? n + 1 : n;
  }
}
