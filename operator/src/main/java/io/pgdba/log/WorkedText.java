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
    // an execution's parameters, parsed here too: the workload's thread reads every one of them
    var parameters = Parameters.lazy(detail);
    parameters.isEmpty();
    return new WorkedText(m, start, work.apply(text), text, detail, parameters, head);
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
}
