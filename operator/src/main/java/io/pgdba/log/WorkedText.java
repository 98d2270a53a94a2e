package io.pgdba.log;

/**
 * A statement text cut from a record's message by a range's thread, with what a {@link TextWork}
 * made of it and the record's parameters parsed. Only {@link #of} makes one, from the message
 * itself, and {@link #at} hands it out only for that very message (the same instance) and
 * offset: the text is then, by construction, the one the assembler would cut there itself; the
 * parameters likewise only for the very DETAIL they were parsed from ({@link #parametersOf}).
 * It carries too what the assembler reads at the head of the message (its duration, phase,
 * name: {@link LogEventAssembler.Head}), read here once instead of by the assembler's thread,
 * which every record goes through.
 */
public final class WorkedText {

  private final String message;
  private final int start;
  private final String text;
  private final Object result;
  /** The record's DETAIL these parameters were parsed from, or null. */
  private final String detail;
  private final java.util.List<String> parameters;
  private final LogEventAssembler.Head head;

  private WorkedText(String message, int start, Object result, String text, String detail,
      java.util.List<String> parameters, LogEventAssembler.Head head) {
    this.head = head;
    this.message = message;
    this.start = start;
    this.text = text;
    this.result = result;
    this.detail = detail;
    this.parameters = parameters;
  }

  /**
   * The text of the statement a record of these fields (being built) carries, with its work
   * done; null when it has none.
   */
  static WorkedText of(String severity, String m, String detail, TextWork work) {
    if (m == null || !"LOG".equals(severity)) {
      return null;
    }
    var head = LogEventAssembler.head(m);
    if (head == null) {
      return null;
    }
    int start = head.textStart();
    if (head.phase() == LogEvent.Phase.BIND || head.phase() == LogEvent.Phase.PARSE) {
      // not fingerprinted, and a bind's parameters are not read by the workload: the head
      // alone; the text is cut and the parameters wrapped when assembled, as without this, so
      // that ranges in flight hold no more than they did
      return headOnly(m, head);
    }
    String text = m.substring(start);
    return of(m, start, text, work.apply(text), detail, head);
  }

  /**
   * {@link #of} of a LOG message whose head was read on its bytes ({@link #head(byte[], int,
   * int)}, null when it has none) and whose text start is known: {@code text} is {@code
   * m.substring(start)} and {@code result} what the work made of it. The head must be {@link
   * LogEventAssembler#head}'s of {@code m} exactly: the assembler takes a WorkedText without one
   * to mean that the message has none.
   */
  static WorkedText of(String m, int start, String text, Object result, String detail,
      LogEventAssembler.Head head) {
    // an execution's parameters, parsed here too: the workload's thread reads every one of them
    var parameters = Parameters.lazy(detail);
    parameters.isEmpty();
    return new WorkedText(m, start, result, text, detail, parameters, head);
  }

  /**
   * {@link #of} of a LOG message whose head, a parse's or a bind's, was read on its bytes: the
   * head alone, as {@link #of(String, String, String, TextWork)} makes it.
   */
  static WorkedText headOnly(String m, LogEventAssembler.Head head) {
    return new WorkedText(m, head.textStart(), null, null, null, null, head);
  }

  /** The head of {@code m} read here, if this was cut from it (the same instance); else null. */
  LogEventAssembler.Head headOf(String m) {
    return m == message ? head : null;
  }

  /** Whether this was cut from {@code m} (the same instance). */
  boolean isFrom(String m) {
    return m == message;
  }

  /**
   * The parameters of {@code detail} ({@link Parameters#lazy}), already parsed, when this was
   * cut from a record with that very DETAIL; else null.
   */
  java.util.List<String> parametersOf(String detail) {
    return detail == this.detail ? parameters : null;
  }

  /** This, if it was cut from {@code m} (the same instance) at {@code at}; else null. */
  WorkedText at(String m, int at) {
    return m == message && at == start ? this : null;
  }

  /** The statement's text; null for a parse or bind phase, whose text is cut when assembled. */
  public String text() {
    return text;
  }

  public Object result() {
    return result;
  }

  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
          java.nio.ByteOrder.LITTLE_ENDIAN);
  /** The first eight bytes of {@code duration: }, {@code statement: }, {@code execute }. */
  private static final long DURATION_8 = word("duration");
  private static final long STATEMENT_8 = word("statemen");
  private static final long EXECUTE_8 = word("execute ");

  private static long word(String eight) {
    return (long) LONGS.get(eight.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0);
  }

  /**
   * Where the assembler starts an executed statement's text ({@code duration: X ms  statement:}
   * or {@code execute <name>:}, with or without the duration, as {@link LogEventAssembler#head}
   * reads them), or -1, in the message whose bytes, all ASCII (a char a byte), are {@code
   * b[from, end)}, read on the bytes while the parser has them: the same steps without a String
   * method call per step (each a call, bounds checks and a coder test in C1). Relative to {@code
   * from}.
   */
  static int textStart(byte[] b, int from, int end) {
    int w = from;
    if (isDuration(b, from, end)) {
      int ms = indexOf(b, from + 10, end, (byte) ' ', (byte) 'm', (byte) 's');
      if (ms < 0) {
        return -1;
      }
      w = afterDuration(b, ms, end);
      if (w < 0) {
        return -1;
      }
    }
    if (isStatement(b, w, end)) {
      return w + 11 - from;
    }
    if (isExecute(b, w, end)) {
      int colon = indexOf(b, w + 8, end, (byte) ':', (byte) ' ', (byte) 0);
      return colon < 0 ? -1 : colon + 2 - from;
    }
    return -1;
  }

  /**
   * {@link #textStart(byte[], int, int)} of a message whose {@link #head(byte[], int, int)} is
   * {@code head}, taken from the head when it has one: a statement's or execution's head has the
   * very same start, a parse's or bind's has no executed text (-1). Without a head, only a
   * duration plainDecimal refuses can still have a text start (the chain then parses it and cuts
   * the text there): the bytes are read for it again.
   */
  static int textStart(LogEventAssembler.Head head, byte[] b, int from, int end) {
    if (head == null) {
      return textStart(b, from, end);
    }
    return head.phase() == LogEvent.Phase.SIMPLE || head.phase() == LogEvent.Phase.EXECUTE
        ? head.textStart() : -1;
  }

  /**
   * {@link LogEventAssembler#head} of the message whose bytes, all ASCII (a char a byte), are
   * {@code b[from, end)}, read on the bytes while the parser has them, so that the assembler's
   * head is not read a second time on the String: the same steps, null exactly where it gives
   * null, the same fields (offsets relative to {@code from}) and the very same duration
   * ({@link #plainDecimal}). A message with a head's shape whose duration plainDecimal refuses
   * (a {@code 1_000}, an exponent) has none, as on the String: the assembler's chain reads it.
   */
  static LogEventAssembler.Head head(byte[] b, int from, int end) {
    if (isDuration(b, from, end)) {
      int ms = indexOf(b, from + 10, end, (byte) ' ', (byte) 'm', (byte) 's');
      if (ms < 0 || ms + 3 == end) {
        return null; // not a duration, or one alone: its pair is looked up by the chain
      }
      int w = afterDuration(b, ms, end);
      if (w < 0) {
        return null;
      }
      LogEvent.Phase phase;
      int nameStart;
      if (isStatement(b, w, end)) {
        phase = LogEvent.Phase.SIMPLE;
        nameStart = w + 11;
      } else if (isExecute(b, w, end)) {
        phase = LogEvent.Phase.EXECUTE;
        nameStart = w + 8;
      } else if (startsWith(b, w, end, BIND)) {
        phase = LogEvent.Phase.BIND;
        nameStart = w + 5;
      } else if (startsWith(b, w, end, PARSE)) {
        phase = LogEvent.Phase.PARSE;
        nameStart = w + 6;
      } else {
        return null;
      }
      double durationMs = plainDecimal(b, from + 10, ms);
      if (Double.isNaN(durationMs)) {
        return null; // the chain's slower parse, or its refusal
      }
      if (phase == LogEvent.Phase.SIMPLE) {
        return new LogEventAssembler.Head(true, durationMs, phase, -1, -1, nameStart - from);
      }
      int colon = indexOf(b, nameStart, end, (byte) ':', (byte) ' ', (byte) 0);
      if (colon < 0) {
        return null;
      }
      int name = startsWith(b, nameStart, end, FETCH_FROM) ? nameStart + 11 : nameStart;
      return new LogEventAssembler.Head(true, durationMs, phase, name - from, colon - from,
          colon + 2 - from);
    }
    if (isStatement(b, from, end)) {
      return new LogEventAssembler.Head(false, 0, LogEvent.Phase.SIMPLE, -1, -1, 11);
    }
    if (isExecute(b, from, end)) {
      int colon = indexOf(b, from + 8, end, (byte) ':', (byte) ' ', (byte) 0);
      return colon < 0 ? null : new LogEventAssembler.Head(false, 0, LogEvent.Phase.EXECUTE, 8,
          colon - from, colon + 2 - from);
    }
    return null;
  }

  /** {@link LogEventAssembler#afterDuration} on the bytes: where the text after " ms" starts. */
  private static int afterDuration(byte[] b, int ms, int end) {
    int rest = ms + 3;
    if (rest + 2 <= end && b[rest] == ' ' && b[rest + 1] == ' ') {
      return rest + 2;
    }
    return rest < end && b[rest] == ' ' ? rest + 1 : -1;
  }

  private static final byte[] BIND = ascii("bind ");
  private static final byte[] PARSE = ascii("parse ");
  private static final byte[] FETCH_FROM = ascii("fetch from ");

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static boolean startsWith(byte[] b, int at, int end, byte[] word) {
    if (end - at < word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if (b[at + i] != word[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@link LogEventAssembler#plainDecimal} on ASCII bytes: the same steps, the same double. */
  static double plainDecimal(byte[] b, int from, int to) {
    long mantissa = 0;
    int digits = 0;
    int scale = -1;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c >= '0' && c <= '9') {
        mantissa = mantissa * 10 + (c - '0');
        if (++digits > 15) {
          return Double.NaN;
        }
        if (scale >= 0) {
          scale++;
        }
      } else if (c == '.' && scale < 0) {
        scale = 0;
      } else {
        return Double.NaN;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    return scale <= 0 ? (double) mantissa : mantissa / LogEventAssembler.POWERS_OF_TEN[scale];
  }

  /**
   * Whether the message of bytes {@code b[from, end)} starts like a statement's ({@code
   * duration: }, {@code statement: }, {@code execute }): the test {@link RecordBuilder} makes on
   * the message before it looks for a cursor position.
   */
  static boolean statementLike(byte[] b, int from, int end) {
    return isDuration(b, from, end) || isStatement(b, from, end) || isExecute(b, from, end);
  }

  // Each compares eight bytes at once, then the rest of the words ("duration: " is 10 bytes,
  // "statement: " 11, "execute " 8); the length test keeps the eight-byte read inside the
  // message (so inside the array).

  private static boolean isDuration(byte[] b, int at, int end) {
    return end - at >= 10 && (long) LONGS.get(b, at) == DURATION_8 && b[at + 8] == ':'
        && b[at + 9] == ' ';
  }

  private static boolean isStatement(byte[] b, int at, int end) {
    return end - at >= 11 && (long) LONGS.get(b, at) == STATEMENT_8 && b[at + 8] == 't'
        && b[at + 9] == ':' && b[at + 10] == ' ';
  }

  private static boolean isExecute(byte[] b, int at, int end) {
    return end - at >= 8 && (long) LONGS.get(b, at) == EXECUTE_8;
  }

  /**
   * First index at or after {@code from} of the bytes {@code x y}, then {@code z} unless it is 0
   * (a two-byte needle), wholly before {@code end}; -1 if none.
   */
  private static int indexOf(byte[] b, int from, int end, byte x, byte y, byte z) {
    int last = end - (z == 0 ? 2 : 3);
    for (int i = from; i <= last; i++) {
      if (b[i] == x && b[i + 1] == y && (z == 0 || b[i + 2] == z)) {
        return i;
      }
    }
    return -1;
  }
}
