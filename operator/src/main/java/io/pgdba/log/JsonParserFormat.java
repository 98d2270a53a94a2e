package io.pgdba.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reads one JSON object per line: PostgreSQL's {@code jsonlog} (15+), or CloudNativePG pod output
 * where the Postgres record is nested under {@code record} with csvlog column names. Lines of other
 * CloudNativePG loggers are not Postgres records and are skipped without being counted as unparsed.
 */
final class JsonParserFormat implements RecordParser {

  private static final JsonFactory JSON = new JsonFactory();

  private final boolean cnpg;
  private final String source;
  private final Consumer<LogRecord> sink;
  private final ParseStats stats;
  private final Timestamps timestamps = new Timestamps();
  private final Fields f = new Fields();

  /** The keys of both formats land here (jsonlog name / csvlog column name). */
  private static final class Fields {
    String time;
    String user;
    String database;
    String pid;
    String host;
    String sessionId;
    String severity;
    String sqlState;
    String message;
    String detail;
    String hint;
    String internalQuery;
    String context;
    String statement;
    String application;
    String queryId;
    String logger;
    boolean hasRecord;

    void clear() {
      time = user = database = pid = host = sessionId = severity = sqlState = null;
      message = detail = hint = internalQuery = context = statement = application = null;
      queryId = logger = null;
      hasRecord = false;
    }
  }

  JsonParserFormat(boolean cnpg, String source, Consumer<LogRecord> sink, ParseStats stats) {
    this.cnpg = cnpg;
    this.source = source;
    this.sink = sink;
    this.stats = stats;
  }

  @Override
  public void line(String text, long lineNumber) {
    if (text.isBlank()) {
      return;
    }
    f.clear();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        stats.unparsed(lineNumber, "not a JSON object");
        return;
      }
      readObject(p, cnpg);
      if (p.nextToken() != null) {
        stats.unparsed(lineNumber, "text after the JSON object");
        return;
      }
    } catch (JsonProcessingException e) {
      stats.unparsed(lineNumber, "invalid JSON (" + firstLine(e.getOriginalMessage()) + ")");
      return;
    } catch (IOException e) {
      stats.unparsed(lineNumber, "invalid JSON (" + firstLine(e.getMessage()) + ")");
      return;
    }
    if (cnpg) {
      if (!f.hasRecord || (f.logger != null && !f.logger.equals("postgres"))) {
        return; // the instance manager's own messages, not Postgres records
      }
    }
    if (f.severity == null || f.message == null) {
      stats.unparsed(
          lineNumber,
          cnpg
              ? "CloudNativePG record without error_severity or message"
              : "JSON object without error_severity or message (not jsonlog?)");
      return;
    }
    String context = f.context;
    if (f.internalQuery != null) {
      context = "QUERY:  " + f.internalQuery + (context == null ? "" : "\n" + context);
    }
    sink.accept(
        new LogRecord(
            f.time == null ? null : timestamps.parse(f.time, 0, f.time.length()),
            f.severity,
            CsvlogParser.parseInt(f.pid),
            f.sessionId,
            f.database,
            f.user,
            f.application,
            cnpg ? CsvlogParser.host(f.host) : f.host,
            // jsonlog leaves state_code out when it is 00000, which csvlog and %e write
            f.sqlState == null && !cnpg ? "00000" : f.sqlState,
            CsvlogParser.parseLong(f.queryId),
            f.message,
            f.detail,
            f.hint,
            context,
            f.statement,
            source,
            lineNumber,
            null));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "?";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Reads the object the parser is at; for CNPG, the top level holds {@code record}. */
  private void readObject(JsonParser p, boolean cnpgTop) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT) {
        if (cnpgTop && name.equals("record")) {
          f.hasRecord = true;
          readObject(p, false);
        } else {
          p.skipChildren();
        }
        continue;
      }
      if (value == JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      if (value == null) {
        throw new IOException("truncated JSON");
      }
      String text = value == JsonToken.VALUE_NULL ? null : p.getText();
      if (cnpgTop) {
        if (name.equals("logger")) {
          f.logger = text;
        }
        continue;
      }
      assign(column(name), text == null || text.isEmpty() ? null : text);
    }
  }

  /**
   * Azure Log Analytics names csvlog's columns {@code record_<column>_s} when a workspace query
   * exports the server log: read as the columns they are.
   */
  private static String column(String name) {
    return name.length() > 9 && name.startsWith("record_") && name.endsWith("_s")
        ? name.substring(7, name.length() - 2)
        : name;
  }

  private void assign(String name, String v) {
    switch (name) {
      case "timestamp", "log_time" -> f.time = v;
      case "user", "user_name" -> f.user = v;
      case "dbname", "database_name" -> f.database = v;
      case "pid", "process_id" -> f.pid = v;
      case "remote_host", "connection_from" -> f.host = v;
      case "session_id" -> f.sessionId = v;
      case "error_severity" -> f.severity = v;
      case "state_code", "sql_state_code" -> f.sqlState = v;
      case "message" -> f.message = v;
      case "detail" -> f.detail = v;
      case "hint" -> f.hint = v;
      case "internal_query" -> f.internalQuery = v;
      case "context" -> f.context = v;
      case "statement", "query" -> f.statement = v;
      case "application_name" -> f.application = v;
      case "query_id" -> f.queryId = v;
      default -> {
        // other columns (vxid, backend_type, location...) are not part of a LogRecord
      }
    }
  }

  @Override
  public void finish() {}
}
