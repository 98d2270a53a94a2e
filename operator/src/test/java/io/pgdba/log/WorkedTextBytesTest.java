package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
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
