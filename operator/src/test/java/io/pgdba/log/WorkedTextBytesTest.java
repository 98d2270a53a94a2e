package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The range parsers find where a message's statement text starts on the bytes of an ASCII line
 * ({@link WorkedText#textStart(byte[], int, int)}), and whether it starts like a statement: the
 * String reading ({@link #textStart(String)}, what the range threads read before) is the
 * reference, and where the assembler's head of the message ({@link LogEventAssembler#head}) has a
 * statement or execution, its text start is the same; on
 * messages made of the very pieces the two read (near misses, cut pieces, pieces at the end),
 * whatever bytes surround the message in its buffer.
 */
class WorkedTextBytesTest {

  private static final List<String> PIECES = List.of(
      "duration: ", "duration:", "duration", "statement: ", "statement:", "statement",
      "execute ", "execute", "S_1", "<unnamed>", ": ", ":", " ", "  ", "   ", " ms", " m", "ms",
      "m", "s", " ms  ", "1.5", "0", "-", "bind ", "parse ", "SELECT 1", "x", "\t", "\r", "'");

  @Provide
  Arbitrary<String> messages() {
    return Arbitraries.of(PIECES).list().ofMaxSize(9).map(l -> String.join("", l));
  }

  @Property(tries = 3000)
  void theBytesReadAsTheString(@ForAll("messages") String message) {
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
    var random = new Random(message.hashCode());
    for (int off : new int[] {0, 1, 7}) {
      byte[] buffer = new byte[off + bytes.length + random.nextInt(4)];
      random.nextBytes(buffer);
      System.arraycopy(bytes, 0, buffer, off, bytes.length);
      int end = off + bytes.length;
      assertThat(WorkedText.textStart(buffer, off, end)).as(message)
          .isEqualTo(textStart(message));
      var head = LogEventAssembler.head(message);
      if (head != null && (head.phase() == LogEvent.Phase.SIMPLE
          || head.phase() == LogEvent.Phase.EXECUTE)) {
        assertThat(WorkedText.textStart(buffer, off, end)).as(message)
            .isEqualTo(head.textStart());
      }
      assertThat(WorkedText.statementLike(buffer, off, end)).as(message).isEqualTo(
          message.startsWith("duration: ") || message.startsWith("statement: ")
              || message.startsWith("execute "));
    }
  }

  /** Pieces of hostile heads: forged durations, names with colons, 0 to 3 spaces, tabs. */
  private static final List<String> HEAD_PIECES = List.of(
      "duration: ", "duration:", "duration", "statement: ", "statement:", "execute ", "execute",
      "bind ", "parse ", "fetch from ", "fetch from", "plan:", "S_1", "S_1/C_2", "<unnamed>",
      "a: b", ": ", ":", "", " ", "  ", "   ", "\t", " ms", " ms  ", "ms", " m", "1.5", "0", "12",
      "0.001", "1_000", "NaN", "-1", "1e3", "Infinity", "0x10", ".5", "5.", "1.2.3",
      "123456789012345", "1234567890123456", "99999999999999999.5", "0.000000000000001",
      "SELECT 1", "x", "\r", "'");

  /** Mostly a head's shape ({@code duration: N ms  kind name: text}), each piece hostile. */
  @Provide
  Arbitrary<String> heads() {
    var piece = Arbitraries.of(HEAD_PIECES);
    Arbitrary<String> shaped = Combinators.combine(
            Arbitraries.of("duration: ", "duration: ", "duration:", ""),
            piece.list().ofMaxSize(3).map(l -> String.join("", l)),
            Arbitraries.of(" ms", " ms", "ms", " s", ""),
            Arbitraries.of("", " ", "  ", "   ", "\t", "  \t"),
            Arbitraries.of("statement: ", "execute ", "bind ", "parse ", "execute fetch from ",
                "plan:", "statement:", "execute", ""),
            piece.list().ofMaxSize(4).map(l -> String.join("", l)))
        .as((d, n, unit, sp, kind, rest) -> d + n + unit + sp + kind + rest);
    return Arbitraries.oneOf(shaped, shaped, piece.list().ofMaxSize(9)
        .map(l -> String.join("", l)));
  }

  /**
   * The range threads read the assembler's head on the bytes ({@link WorkedText#head(byte[],
   * int, int)}) instead of on the String: it must be {@link LogEventAssembler#head}'s exactly
   * (null where it is null, the same fields, the very bits of the duration), since a WorkedText
   * without a head tells the assembler the message has none; and the text start taken from it
   * must be the one read on the bytes without it.
   */
  @Property(tries = 5000)
  void theHeadOnTheBytesIsTheStrings(@ForAll("heads") String message) {
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
    var random = new Random(message.hashCode());
    var expected = LogEventAssembler.head(message);
    for (int off : new int[] {0, 1, 7, 13}) {
      byte[] buffer = new byte[off + bytes.length + random.nextInt(12)];
      random.nextBytes(buffer);
      System.arraycopy(bytes, 0, buffer, off, bytes.length);
      int end = off + bytes.length;
      var head = WorkedText.head(buffer, off, end);
      assertThat(head).as(message).isEqualTo(expected);
      if (head != null) {
        assertThat(Double.doubleToRawLongBits(head.durationMs())).as(message)
            .isEqualTo(Double.doubleToRawLongBits(expected.durationMs()));
      }
      assertThat(WorkedText.textStart(head, buffer, off, end)).as(message)
          .isEqualTo(WorkedText.textStart(buffer, off, end));
    }
  }

  /** The duration read on the bytes is the String's, to the bit, or NaN on both. */
  @Property(tries = 3000)
  void theDecimalOnTheBytesIsTheStrings(@ForAll("heads") String s) {
    byte[] buffer = ("x" + s + "y").getBytes(StandardCharsets.US_ASCII);
    assertThat(Double.doubleToRawLongBits(WorkedText.plainDecimal(buffer, 1, 1 + s.length())))
        .as(s).isEqualTo(Double.doubleToRawLongBits(LogEventAssembler.plainDecimal(s, 0,
            s.length())));
  }

  @Example
  void headsOfTheCorpusAndItsForgeries() {
    for (String m : List.of(
        "duration: 0.120 ms  parse <unnamed>: SELECT $1",
        "duration: 0.050 ms  bind S_1: SELECT $1",
        "duration: 0.300 ms  execute fetch from S_1/C_2: SELECT $1",
        "duration: 1.250 ms statement: UPDATE t SET a = 1",
        "duration: 1_000 ms  statement: SELECT 1", "duration: NaN ms  statement: SELECT 1",
        "duration: 3.5 ms", "duration: 3.5 ms   statement: x", "execute a: b: SELECT 1",
        "statement: duration: 5 ms  statement: x")) {
      byte[] b = ("##" + m).getBytes(StandardCharsets.US_ASCII);
      assertThat(WorkedText.head(b, 2, b.length)).as(m).isEqualTo(LogEventAssembler.head(m));
    }
    byte[] forged = "duration: 1_000 ms  statement: SELECT 1".getBytes(StandardCharsets.US_ASCII);
    var none = WorkedText.head(forged, 0, forged.length);
    assertThat(none).isNull();
    // no head, yet the chain cuts a text there: its start is still read
    assertThat(WorkedText.textStart(none, forged, 0, forged.length)).isEqualTo(31);
  }

  /**
   * The reference: where a statement's text starts ({@code duration: X ms  statement:} or {@code
   * execute <name>:}, with or without the duration) read on the String, or -1.
   */
  private static int textStart(String m) {
    int w = 0;
    if (m.startsWith(LogEventAssembler.DURATION)) {
      int ms = m.indexOf(" ms", LogEventAssembler.DURATION.length());
      w = ms < 0 ? -1 : LogEventAssembler.afterDuration(m, ms);
      if (w < 0) {
        return -1;
      }
    }
    if (m.startsWith("statement: ", w)) {
      return w + 11;
    }
    if (m.startsWith("execute ", w)) {
      int colon = m.indexOf(": ", w + 8);
      return colon < 0 ? -1 : colon + 2;
    }
    return -1;
  }
}
