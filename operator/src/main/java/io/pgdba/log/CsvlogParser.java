package io.pgdba.log;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads {@code csvlog}: 23 columns up to PostgreSQL 12, 24 in 13 ({@code backend_type}), 26 from 14
 * on ({@code leader_pid}, {@code query_id}). Quoted fields span lines.
 *
 * <p>Split by hand rather than with commons-csv because the reader must resynchronise after a
 * damaged record (a stray quote would otherwise swallow the rest of the file), count physical
 * lines, and take lines that already had a Kubernetes timestamp stripped.
 */
final class CsvlogParser implements RecordParser {

  private static final int MIN_COLUMNS = 23;

  private final String source;
  private final Consumer<LogRecord> sink;
  private final ParseStats stats;
  private final Timestamps timestamps = new Timestamps();

  private final List<String> fields = new ArrayList<>(26);
  private final StringBuilder field = new StringBuilder(256);
  private boolean inQuotes;
  private long recordLine;
  private long recordLines;
  private int recordChars;
  private long droppedChars;
  private long truncatedLines;

  CsvlogParser(String source, Consumer<LogRecord> sink, ParseStats stats) {
    this.source = source;
    this.sink = sink;
    this.stats = stats;
  }

  @Override
  public void line(String text, long lineNumber) {
    long droppedBefore = droppedChars;
    parseLine(text, lineNumber);
    if (droppedChars > droppedBefore) {
      truncatedLines++;
    }
  }

  @Override
  public long truncatedLines() {
    return truncatedLines;
  }

  private void parseLine(String text, long lineNumber) {
    if (inQuotes) {
      if (startsRecord(text) || recordChars >= RecordBuilder.MAX_CHARS * 2) {
        // An unterminated quote: give the open record up rather than swallow what follows.
        abandon("unterminated quoted csvlog field");
      } else {
        recordLines++;
        appendCapped('\n');
        scan(text, 0);
        return;
      }
    }
    if (text.isEmpty()) {
      return;
    }
    fields.clear();
    field.setLength(0);
    recordLine = lineNumber;
    recordLines = 1;
    recordChars = 0;
    scan(text, 0);
  }

  private static boolean startsRecord(String text) {
    if (!Timestamps.looksLikeDateTime(text, 0)) {
      return false;
    }
    int end = Timestamps.scan(text, 0, true);
    return end > 0 && end < text.length() && text.charAt(end) == ',';
  }

  private void scan(String s, int from) {
    int n = s.length();
    int i = from;
    while (i < n) {
      char c = s.charAt(i);
      if (inQuotes) {
        int quote = s.indexOf('"', i);
        if (quote < 0) {
          appendCapped(s, i, n);
          return;
        }
        appendCapped(s, i, quote);
        if (quote + 1 < n && s.charAt(quote + 1) == '"') {
          appendCapped('"');
          i = quote + 2;
        } else {
          inQuotes = false;
          i = quote + 1;
        }
      } else if (c == ',') {
        endField();
        i++;
      } else if (c == '"' && field.length() == 0) {
        inQuotes = true;
        i++;
      } else {
        int comma = s.indexOf(',', i);
        int end = comma < 0 ? n : comma;
        appendCapped(s, i, end);
        i = end;
      }
    }
    if (inQuotes) {
      return; // the quoted field goes on in the next line
    }
    endField();
    emit();
  }

  private void appendCapped(String s, int from, int to) {
    int room = RecordBuilder.MAX_CHARS - field.length();
    recordChars += to - from;
    if (room > 0) {
      field.append(s, from, Math.min(to, from + room));
    }
    droppedChars += Math.max(0, to - from - Math.max(room, 0));
  }

  private void appendCapped(char c) {
    recordChars++;
    if (field.length() < RecordBuilder.MAX_CHARS) {
      field.append(c);
    } else {
      droppedChars++;
    }
  }

  private void endField() {
    fields.add(field.length() == 0 ? null : field.toString());
    field.setLength(0);
  }

  private void abandon(String reason) {
    for (long k = 0; k < recordLines; k++) {
      stats.unparsed(recordLine + k, reason);
    }
    inQuotes = false;
    fields.clear();
    field.setLength(0);
  }

  private void emit() {
    if (fields.size() < MIN_COLUMNS || fields.size() > 26) {
      for (long k = 0; k < recordLines; k++) {
        stats.unparsed(
            recordLine + k,
            "expected 23 to 26 csvlog columns, found " + fields.size() + " (not csvlog?)");
      }
      return;
    }
    String time = fields.get(0);
    String severity = fields.get(11);
    if (time == null || severity == null) {
      stats.unparsed(recordLine, "csvlog record without log_time or error_severity");
      return;
    }
    var timestamp = timestamps.parse(time, 0, time.length());
    String internalQuery = fields.get(16);
    String context = fields.get(18);
    if (internalQuery != null) {
      context = "QUERY:  " + internalQuery + (context == null ? "" : "\n" + context);
    }
    sink.accept(
        new LogRecord(
            timestamp,
            severity,
            parseInt(fields.get(3)),
            fields.get(5),
            fields.get(2),
            fields.get(1),
            fields.get(22),
            host(fields.get(4)),
            fields.get(12),
            fields.size() >= 26 ? parseLong(fields.get(25)) : null,
            fields.get(13),
            fields.get(14),
            fields.get(15),
            context,
            fields.get(19),
            source,
            recordLine,
            null));
  }

  /** {@code connection_from} is {@code host:port}, or {@code [local]}. */
  static String host(String connectionFrom) {
    if (connectionFrom == null) {
      return null;
    }
    int colon = connectionFrom.lastIndexOf(':');
    if (colon <= 0 || colon == connectionFrom.length() - 1) {
      return connectionFrom;
    }
    for (int i = colon + 1; i < connectionFrom.length(); i++) {
      if (!Timestamps.isDigit(connectionFrom.charAt(i))) {
        return connectionFrom;
      }
    }
    return connectionFrom.substring(0, colon);
  }

  static Integer parseInt(String s) {
    Long v = parseLong(s);
    return v == null || v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? null : (int) (long) v;
  }

  static Long parseLong(String s) {
    if (s == null || s.isEmpty() || s.length() > 20) {
      return null;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public void finish() {
    if (inQuotes) {
      abandon("csvlog record cut at the end of the input (unterminated quote)");
    }
  }
}
