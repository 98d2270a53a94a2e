package io.pgdba.log;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads stderr lines: a line that starts with the prefix and a severity opens a record; DETAIL,
 * HINT, CONTEXT, STATEMENT, QUERY and LOCATION lines of the same process join it; tab-indented
 * lines (PostgreSQL indents every line after the first of a message) and other text lines that do
 * not carry the prefix continue it.
 */
final class StderrParser implements RecordParser {

  private final LogLinePrefix prefix;
  private final String mismatch;
  private final String source;
  private final Consumer<LogRecord> sink;
  private final ParseStats stats;
  private final PrefixFields fields = new PrefixFields();
  private final RecordBuilder open = new RecordBuilder();
  /** Work done on the statement texts of the records built here ({@link TextWork}), or null. */
  private TextWork textWork;

  /**
   * @param mismatch the reason reported for a line that does not carry the prefix
   */
  StderrParser(
      LogLinePrefix prefix,
      String mismatch,
      String source,
      Consumer<LogRecord> sink,
      ParseStats stats) {
    this.prefix = prefix;
    this.mismatch = mismatch;
    this.source = source;
    this.sink = sink;
    this.stats = stats;
  }

  /** Has this parser do {@code work} on its records' statement texts as it builds them. */
  StderrParser textWork(TextWork work) {
    this.textWork = work;
    return this;
  }

  @Override
  public void line(String text, long lineNumber) {
    if (!text.isEmpty() && text.charAt(0) == '\t') {
      if (open.isOpen()) {
        open.continueWith(text.substring(1));
      } else {
        stats.unparsed(lineNumber, "continuation line without a record before it");
      }
      return;
    }
    int severityStart = prefix.match(text, fields);
    String severity = severityStart < 0 ? null : fields.severity;
    if (severity != null) {
      int m = severityStart + severity.length() + 2;
      prefixed(severity, text.substring(m < text.length() && text.charAt(m) == ' ' ? m + 1 : m),
          lineNumber);
      return;
    }
    if (open.isOpen() && isText(text) && !looksLikeAnotherRecord(text)) {
      open.continueWith(text);
    } else if (text.isEmpty()) {
      // a blank line outside a record (end of file, an editor's newline) is no content
    } else if (severityStart >= 0) {
      stats.unparsed(lineNumber, "no severity (LOG:, ERROR:...) after the log_line_prefix");
    } else {
      stats.unparsed(lineNumber, mismatch);
    }
  }

  /**
   * {@link #line(String, long)} for the line {@code b[start, end)} (UTF-8, its terminator removed
   * as {@link LineReader} removes it) without decoding all of it: the prefix is read on the bytes
   * ({@link LogLinePrefix#matchBytes}) and the one String made is the message. Returns false,
   * having changed nothing that the String path would see, when the line needs that path (no
   * prefix and severity, a non-ASCII prefix, a Kubernetes timestamp before it): the caller then
   * decodes the line and calls {@link #line(String, long)}.
   *
   * @param ascii every byte of the line is ASCII ({@link LineReader#lineAscii()}; false when not
   *     known): its Strings are then made without the UTF-8 decoder's search for other bytes
   */
  boolean line(byte[] b, int start, int end, boolean ascii, long lineNumber) {
    if (start < end && b[start] == '\t') {
      // after an ASCII tab, decoding the rest gives text.substring(1)
      if (open.isOpen()) {
        open.continueWith(decode(b, start + 1, end, ascii));
      } else {
        stats.unparsed(lineNumber, "continuation line without a record before it");
      }
      return true;
    }
    if (end - start >= 21 && b[start + 10] == 'T') {
      return false; // maybe `kubectl logs --timestamps`: LogReader.stripKubernetesTimestamp
    }
    int severityStart = prefix.matchBytes(b, start, end, fields);
    if (severityStart < 0) {
      return false;
    }
    String severity = fields.severity;
    int m = severityStart + severity.length() + 2;
    int from = m < end && b[m] == ' ' ? m + 1 : m;
    // the bytes before are ASCII: decoding from here gives the String path's substring
    String message = decode(b, from, end, ascii);
    prefixed(severity, message, lineNumber);
    if (ascii && textWork != null && open.isOpen() && open.message() == message) {
      lookUpText(message, b, from);
    }
    return true;
  }

  /**
   * UTF-8 bytes as a String. ASCII bytes decode to the same chars in ISO-8859-1, which the JDK
   * copies as they are: the UTF-8 decoder would first read them all looking for a non-ASCII byte,
   * a loop a byte at a time in the C1-compiled code the CLI runs.
   */
  private static String decode(byte[] b, int from, int end, boolean ascii) {
    return new String(b, from, end - from,
        ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
  }

  /**
   * For a record just opened by an ASCII line: where its statement text starts and, while its
   * bytes are at hand (the line's buffer may be refilled before the record is built), what the
   * text work already knows of them ({@link TextWork#known}). The builder uses this only if the
   * message is still this very String when the record is built (no continuation line came).
   */
  private void lookUpText(String message, byte[] b, int from) {
    // ASCII: a char a byte, so offsets in the bytes are offsets in the message
    int end = from + message.length();
    // the assembler's head, read here once on the bytes (not again on the String)
    boolean log = "LOG".equals(open.severity());
    LogEventAssembler.Head head = log ? WorkedText.head(b, from, end) : null;
    int at = log ? WorkedText.textStart(head, b, from, end) : -1;
    Object known = at < 0 ? null : textWork.known(b, from + at, end);
    open.textAt(message, at, head, known, WorkedText.statementLike(b, from, end));
  }

  /** A line that carries the prefix and {@code severity}, then {@code message}. */
  private void prefixed(String severity, String message, long lineNumber) {
    if (Severity.isPart(severity)) {
      if (open.isOpen() && sameProcess()) {
        open.addPart(severity, message);
      } else {
        stats.unparsed(lineNumber, severity + " line without the record it belongs to");
      }
      return;
    }
    flush();
    open.start(fields, severity, message, lineNumber);
  }

  private boolean sameProcess() {
    return fields.pid == null || open.pid() == null || fields.pid.equals(open.pid());
  }

  /** Binary garbage is not a continuation: it would silently corrupt the record before it. */
  static boolean isText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == '\uFFFD') {
        return false;
      }
    }
    return true;
  }

  /**
   * A line that starts like a record (a timestamp, a JSON object) but does not carry this prefix
   * comes from another source mixed in; PostgreSQL indents its own continuation lines.
   */
  private static boolean looksLikeAnotherRecord(String s) {
    return (!s.isEmpty() && s.charAt(0) == '{') || Timestamps.looksLikeDateTime(s, 0);
  }

  private void flush() {
    if (open.isOpen()) {
      sink.accept(open.build(source, textWork));
    }
  }

  @Override
  public long truncatedLines() {
    return open.truncatedLines();
  }

  @Override
  public void finish() {
    flush();
  }
}
