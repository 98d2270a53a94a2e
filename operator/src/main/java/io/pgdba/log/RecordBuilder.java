package io.pgdba.log;

import java.time.Instant;

/**
 * A record being assembled from several stderr lines (primary line, continuation lines, DETAIL,
 * HINT... lines). Text is capped at {@link #MAX_CHARS} per record so one runaway statement cannot
 * exhaust the heap; the lines cut or left out by the cap are counted.
 */
final class RecordBuilder {

  /** Most characters kept in one record (all parts together). */
  static final int MAX_CHARS = 1 << 20;

  private enum Part {
    MESSAGE,
    DETAIL,
    HINT,
    CONTEXT,
    STATEMENT
  }

  private boolean open;
  private Instant timestamp;
  private String severity;
  private Integer pid;
  private String sessionId;
  private String database;
  private String user;
  private String application;
  private String host;
  private String sqlState;
  private Long queryId;
  private final String[] parts = new String[Part.values().length];
  private Part current;

  /** The current part when it spans lines; null while it is a single line. */
  private StringBuilder multiline;

  private int chars;
  private long line;
  private long truncatedLines;

  /**
   * What the parser learnt of the message's statement text while the line's bytes were at hand
   * ({@link #textAt}): for this very message String only, null when nothing.
   */
  private String textMessage;
  private int textStart;
  /** The message's head read on its bytes (LOG only), or null. */
  private LogEventAssembler.Head textHead;
  private Object textKnown;
  private boolean textStatementLike;

  boolean isOpen() {
    return open;
  }

  Integer pid() {
    return pid;
  }

  String severity() {
    return severity;
  }

  /** The message as it stands (its first line while the record has only that). */
  String message() {
    return multiline != null && current == Part.MESSAGE ? null : parts[0];
  }

  /**
   * For the record's message {@code message} (the same instance): its statement text starts at
   * {@code start} ({@link WorkedText#textStart}, -1 for none), its head is {@code head} ({@link
   * WorkedText#head(byte[], int, int)}: read only for a LOG record, null for any other) and
   * {@code known} is what the text work found for the bytes of that text ({@link
   * TextWork#known}), or null; {@code statementLike}: it starts as a statement's does ({@link
   * WorkedText#statementLike}).
   */
  void textAt(String message, int start, LogEventAssembler.Head head, Object known,
      boolean statementLike) {
    textMessage = message;
    textStart = start;
    textHead = head;
    textKnown = known;
    textStatementLike = statementLike;
  }

  /** Lines whose text the cap cut or left out, over all records built so far. */
  long truncatedLines() {
    return truncatedLines;
  }

  void start(PrefixFields f, String severity, String message, long line) {
    open = true;
    timestamp = f.timestamp;
    pid = f.pid;
    sessionId = f.sessionId;
    database = f.database;
    user = f.user;
    application = f.application;
    host = f.host;
    sqlState = f.sqlState;
    queryId = f.queryId;
    this.severity = severity;
    this.line = line;
    // the parts one by one: Arrays.fill's loop costs more, per record, in C1
    parts[1] = null;
    parts[2] = null;
    parts[3] = null;
    parts[4] = null;
    textMessage = null;
    textKnown = null;
    multiline = null;
    chars = 0;
    current = Part.MESSAGE;
    parts[0] = cap(message);
  }

  /** Adds a DETAIL/HINT/CONTEXT/STATEMENT/QUERY line to the open record. */
  void addPart(String severity, String text) {
    closeMultiline();
    Part part =
        switch (severity) {
          case "DETAIL" -> Part.DETAIL;
          case "HINT" -> Part.HINT;
          case "STATEMENT" -> Part.STATEMENT;
          case "LOCATION" -> null;
          default -> Part.CONTEXT; // CONTEXT, and QUERY (the internal query), kept with it
        };
    if (part == null) {
      current = null; // source-code location: not kept, nor its continuation lines
      return;
    }
    if (severity.equals("QUERY")) {
      text = "QUERY:  " + text;
    }
    String old = parts[part.ordinal()];
    String capped = cap(text);
    parts[part.ordinal()] = old == null ? capped : old + "\n" + capped;
    current = part;
  }

  /** Appends a continuation line to the part last started. */
  void continueWith(String text) {
    if (current == null) {
      return;
    }
    String capped = cap(text);
    if (capped.isEmpty() && chars >= MAX_CHARS) {
      return;
    }
    if (multiline == null) {
      String head = parts[current.ordinal()];
      multiline = new StringBuilder(head.length() + capped.length() + 64).append(head);
    }
    multiline.append('\n').append(capped);
    chars++;
  }

  private void closeMultiline() {
    if (multiline != null) {
      parts[current.ordinal()] = multiline.toString();
      multiline = null;
    }
  }

  /**
   * stderr appends {@code " at character N"} to a message with a cursor position, which csvlog and
   * jsonlog keep in a column of their own; removed so that the message is the same in all formats.
   */
  private static String stripCursorPosition(String message) {
    int at = message.lastIndexOf(" at character ");
    if (at < 0) {
      return message;
    }
    for (int i = at + 14; i < message.length(); i++) {
      if (!Timestamps.isDigit(message.charAt(i))) {
        return message;
      }
    }
    return at + 14 < message.length() ? message.substring(0, at) : message;
  }

  private String cap(String text) {
    int room = MAX_CHARS - chars;
    if (text.length() <= room) {
      chars += text.length();
      return text;
    }
    truncatedLines++;
    chars = MAX_CHARS;
    return room <= 0 ? "" : text.substring(0, room);
  }

  LogRecord build(String source) {
    return build(source, null);
  }

  /** The record, with {@code work} done on its statement text (none when null). */
  LogRecord build(String source, TextWork work) {
    closeMultiline();
    open = false;
    String message = parts[0];
    // statement texts are never followed by a cursor position, and may end in anything
    boolean statementLike = message == textMessage ? textStatementLike
        : message.startsWith("duration: ")
            || message.startsWith("statement: ")
            || message.startsWith("execute ");
    if (!statementLike) {
      parts[0] = stripCursorPosition(message);
    }
    return new LogRecord(
        timestamp,
        severity,
        pid,
        sessionId,
        database,
        user,
        application,
        host,
        sqlState,
        queryId,
        parts[Part.MESSAGE.ordinal()],
        parts[Part.DETAIL.ordinal()],
        parts[Part.HINT.ordinal()],
        parts[Part.CONTEXT.ordinal()],
        parts[Part.STATEMENT.ordinal()],
        source,
        line,
        work == null ? null : worked(work));
  }

  /**
   * {@link WorkedText#of} of the record: from what the parser learnt while it had the message's
   * bytes ({@link #textAt}) when the message is still that very String, else from the message.
   */
  private WorkedText worked(TextWork work) {
    String message = parts[Part.MESSAGE.ordinal()];
    String detail = parts[Part.DETAIL.ordinal()];
    Object known = textKnown;
    textKnown = null;
    if (message == null || message != textMessage) {
      return WorkedText.of(severity, message, detail, work);
    }
    if (textStart < 0) {
      // no statement or execution: a parse's or bind's head alone, else none (a LOG message
      // without a head, or another severity: what the String path gives them)
      return textHead == null ? null : WorkedText.headOnly(message, textHead);
    }
    String text = message.substring(textStart);
    return WorkedText.of(message, textStart, text,
        known != null ? work.reuse(known, text) : work.applyAscii(text), detail, textHead);
  }
}
