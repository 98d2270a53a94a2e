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
      return new WorkedText(m, start, null, null, null, null, head);
    }
    String text = m.substring(start);
    return of(m, start, text, work.apply(text), detail, head);
  }

  /**
   * {@link #of} of a message whose text start (read on its bytes: {@link #textStart(byte[], int,
   * int)}) is known: {@code text} is {@code m.substring(start)} and {@code result} what the work
   * made of it. Its head is read here all the same: the assembler takes a WorkedText without one
   * to mean that the message has none.
   */
  static WorkedText of(String m, int start, String text, Object result, String detail) {
    return of(m, start, text, result, detail, LogEventAssembler.head(m));
  }

  private static WorkedText of(String m, int start, String text, Object result, String detail,
      LogEventAssembler.Head head) {
    // an execution's parameters, parsed here too: the workload's thread reads every one of them
    var parameters = Parameters.lazy(detail);
    parameters.isEmpty();
    return new WorkedText(m, start, result, text, detail, parameters, head);
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
      // LogEventAssembler.afterDuration
      int rest = ms + 3;
      if (rest + 2 <= end && b[rest] == ' ' && b[rest + 1] == ' ') {
        w = rest + 2;
      } else if (rest + 1 <= end && b[rest] == ' ') {
        w = rest + 1;
      } else {
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
