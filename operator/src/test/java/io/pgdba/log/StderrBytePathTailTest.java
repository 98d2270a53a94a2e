package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-process tail memo of {@link LogLinePrefix#matchBytes} is kept in
 * 64 slots by {@code pid & 63}, without the pid. This differential test aims at it and at the line
 * memo with what {@code StderrBytePathTest} does not generate: pids that share a slot (7, 71, 135,
 * 199), fields after the pid that the tail copies (time, session, SQLSTATE, query id, line
 * number), a padded pid, a pid glued to the next field, text fields whose values contain their
 * stop text, and lines that interleave processes. Byte path (as the range parsers read) against
 * the String path, line by line (fields and severity position) and as records.
 */
class StderrBytePathTailTest {

  private static final List<String> PREFIXES = List.of(
      "%m [%p] %u %d %a %h ",
      "[%p] %m %c %e %Q %u,%d ",
      "%t [%5p]: [%l-1] user=%u,db=%d ",
      "%p %u:%d:",
      "%p%t %a ",
      "%c %p %s %h ",
      "%m:%p:%a:%u:",
      "%p-%x-%v-%b-%i ");

  private static final int[] PIDS = {7, 71, 135, 199, 8, 1};

  private static final String[] TEXTS = {
    "", "[unknown]", "alice", "bob", "a b", "a:b", "a,db=x", "x-y", "é", "[local]",
    "10.0.0.1(5432)", "LOG:", "LOG:  x", "u@d", " ", "1", "2024-05-01", "\t", "\u0000"
  };

  private static final String[] SEVERITIES = {
    "LOG:  ", "DETAIL:  ", "LOG: ", "ERROR:  ", "STATEMENT:  ", "LOGX:  ", "", " LOG:  "
  };

  private static String field(char c, Random r, int pid, int lineNo) {
    return switch (c) {
      case 'p' -> String.valueOf(pid);
      case 't' -> "2024-05-01 10:00:0" + r.nextInt(2) + (r.nextInt(5) == 0 ? " CEST" : " UTC");
      case 'm', 's' -> "2024-05-01 10:00:0" + r.nextInt(2) + "." + (100 + r.nextInt(3))
          + (r.nextInt(6) == 0 ? " +05" : " UTC");
      case 'c' -> r.nextInt(10) == 0 ? "zz" : "65a4f1e0." + Integer.toHexString(pid);
      case 'e' -> r.nextBoolean() ? "00000" : r.nextInt(8) == 0 ? "0000" : "22012";
      case 'Q' -> r.nextInt(8) == 0 ? "-" : String.valueOf(r.nextInt(3) - 1);
      case 'l' -> String.valueOf(lineNo);
      case 'x' -> String.valueOf(r.nextInt(3));
      default -> TEXTS[r.nextInt(TEXTS.length)];
    };
  }

  /** One line of {@code pattern} for process {@code pid}; texts fixed per process mostly. */
  private static String line(String pattern, Random r, int pid, String[] own, int lineNo) {
    var out = new StringBuilder();
    int textIndex = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        out.append(c);
        continue;
      }
      int j = i + 1;
      boolean padded = false;
      while (pattern.charAt(j) == '-' || Character.isDigit(pattern.charAt(j))) {
        j++;
        padded = true;
      }
      char e = pattern.charAt(j);
      String v;
      if ("udahbiv".indexOf(e) >= 0) {
        // a process keeps its user, database, application, host: what the tail remembers
        v = r.nextInt(6) == 0 ? TEXTS[r.nextInt(TEXTS.length)] : own[textIndex++ % own.length];
      } else {
        v = field(e, r, pid, lineNo);
      }
      out.append(padded && e == 'p' ? String.format("%5s", v) : v);
      i = j;
    }
    out.append(SEVERITIES[r.nextInt(3) == 0 ? r.nextInt(SEVERITIES.length) : 0]);
    out.append(r.nextBoolean() ? "statement: select " + r.nextInt(5) : "x");
    return out.toString();
  }

  private static byte[] log(String pattern, long seed, int lines) {
    var r = new Random(seed);
    String[][] own = new String[PIDS.length][];
    for (int k = 0; k < PIDS.length; k++) {
      own[k] = new String[] {TEXTS[r.nextInt(TEXTS.length)], TEXTS[r.nextInt(TEXTS.length)]};
    }
    var out = new ByteArrayOutputStream();
    byte[] previous = new byte[0];
    for (int i = 0; i < lines; i++) {
      int k = r.nextInt(PIDS.length);
      byte[] b;
      switch (r.nextInt(8)) {
        case 0 -> b = previous.clone(); // the same line again
        case 1 -> {
          // the line before with one byte changed
          b = previous.clone();
          if (b.length > 0) {
            b[r.nextInt(b.length)] = (byte) " :,[]-0aLé\u0000".charAt(r.nextInt(11));
          }
        }
        case 2 -> {
          // the line before, another pid of the same slot
          String s = new String(previous, StandardCharsets.UTF_8);
          b = s.replaceFirst("\\b(7|71|135|199)\\b", String.valueOf(PIDS[r.nextInt(4)]))
              .getBytes(StandardCharsets.UTF_8);
        }
        default -> b = line(pattern, r, PIDS[k], own[k], i).getBytes(StandardCharsets.UTF_8);
      }
      out.writeBytes(b);
      out.write('\n');
      previous = b;
    }
    return out.toByteArray();
  }

  // the two paths and the line-by-line comparison are StderrBytePathTest's

  @Test
  void processesSharingATailSlotGetTheirOwnFields() throws IOException {
    for (String pattern : PREFIXES) {
      int taken = 0;
      for (long seed = 1; seed <= 8; seed++) {
        byte[] log = log(pattern, seed * 7919 + pattern.hashCode(), 2000);
        assertThat(StderrBytePathTest.byBytes(pattern, log)).as("prefix %s seed %d", pattern, seed)
            .isEqualTo(StderrBytePathTest.byStrings(pattern, log));
        taken += StderrBytePathTest.assertSameMatches(pattern, log);
      }
      if (!pattern.startsWith("%p%t")) { // a pid glued to the time eats its digits: no line fits
        assertThat(taken).as("%s: lines the byte path took", pattern).isGreaterThan(0);
      }
    }
  }
}
