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
