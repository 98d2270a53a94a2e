package io.pgdba.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ExplainedStatement;
import io.pgdba.log.LogEvent.LogError;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import io.pgdba.log.LogEvent.ServerEvent;
import io.pgdba.log.LogEvent.ServerEvent.Kind;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns {@link LogRecord}s into {@link LogEvent}s: parses the message ({@code duration: ...},
 * {@code statement:}, {@code execute <name>:}, checkpoints, temp files...), pairs {@code
 * log_statement} + {@code log_duration} lines of the same session, and attaches parameters. Call
 * {@link #finish()} at the end of the input to flush what is still pending.
 *
 * <p>Only the pairing state grows with the input, and it is bounded: at most {@link #MAX_PENDING}
 * sessions wait for their duration line; the one not heard from for the longest is dropped first.
 */
public final class LogEventAssembler implements Consumer<LogRecord> {

  /** Sessions whose logged statement may still wait for its {@code duration:} line. */
  static final int MAX_PENDING = 10_000;

  static final String DURATION = "duration: ";
  private static final JsonFactory JSON = new JsonFactory();

  /** A {@code log_statement} line waiting for the {@code log_duration} line of its session. */
  private record Pending(
      Origin origin, Phase phase, String name, String text, List<String> params,
      Object precomputed) {}

  private final Consumer<LogEvent> sink;
  private final Map<Object, Pending> pending =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Pending> eldest) {
          return size() > MAX_PENDING;
        }
      };
  private long unpairedDurations;
  /** What the record being assembled adds to its line number ({@link RecordSink}). */
  private long lineBase;

  /** False for the reference path alone (tests): every message read by {@link #log}'s chain. */
  private final boolean heads;

  public LogEventAssembler(Consumer<LogEvent> sink) {
    this(sink, true);
  }

  LogEventAssembler(Consumer<LogEvent> sink, boolean heads) {
    this.sink = sink;
    this.heads = heads;
  }

  /**
   * {@code duration: X ms} lines that had no logged statement before them in their session (for
   * instance the parse and bind durations {@code log_duration} writes for extended protocol).
   */
  public long unpairedDurations() {
    return unpairedDurations;
  }

  @Override
  public void accept(LogRecord record) {
    accept(record, 0);
  }

  /** {@code record}, its first line being line {@code lineBase + record.line()} of its source. */
  public void accept(LogRecord record, long lineBase) {
    assemble(record, lineBase);
  }

  /**
   * {@link #accept(LogRecord, long)}, telling whether the record was a LOG message that logs a
   * statement and read by its {@link Head}: then its message starts with {@code duration: },
   * {@code statement: } or {@code execute }, and the caller may know that without reading it
   * again. False says nothing.
   */
  public boolean assemble(LogRecord record, long lineBase) {
    this.lineBase = lineBase;
    String message = record.message();
    String severity = record.severity();
    if (message == null || severity == null) {
      return false;
    }
    switch (severity) {
      case "LOG" -> {
        return log(record, message);
      }
      case "ERROR", "FATAL", "PANIC" -> {
        var origin = origin(record);
        sink.accept(new LogError(origin, severity, record.sqlState(), message, record.statement()));
        if (message.startsWith("deadlock detected")) {
          sink.accept(new ServerEvent(origin, Kind.DEADLOCK, 0));
        }
      }
      default -> {
        // WARNING, NOTICE, DEBUG...: nothing a workload profile counts
      }
    }
    return false;
  }

  /** Whether {@code m} had a {@link Head}, read by it. */
  private boolean log(LogRecord r, String m) {
    if (heads) {
      var w = r.worked();
      // read by the range's thread from this very message when it cut its text, else here
      Head h = w != null ? w.headOf(m) : null;
      if (h == null && (w == null || !w.isFrom(m))) {
        h = head(m);
      }
      if (h != null) {
        statement(r, m, h, w);
        return true;
      }
    }
    if (m.startsWith(DURATION)) {
      duration(r, m);
    } else if (m.startsWith("statement: ")) {
      var w = worked(r, m, 11);
      pending.put(key(r), new Pending(origin(r), Phase.SIMPLE, null, text(w, m, 11), List.of(),
          result(w)));
    } else if (m.startsWith("execute ")) {
      int colon = m.indexOf(": ", 8);
      if (colon > 0) {
        var w = worked(r, m, colon + 2);
        pending.put(
            key(r),
            new Pending(
                origin(r),
                Phase.EXECUTE,
                m.substring(8, colon),
                text(w, m, colon + 2),
                parameters(w, r),
                result(w)));
      }
    } else if (m.startsWith("checkpoint complete")) {
      server(r, Kind.CHECKPOINT, MessageNumbers.after(m, "write=") * 1000);
    } else if (m.startsWith("automatic ")) {
      if (m.startsWith("automatic analyze of table")) {
        server(r, Kind.AUTOANALYZE, MessageNumbers.after(m, "elapsed: "));
      } else if (m.contains(" vacuum ")) {
        server(r, Kind.AUTOVACUUM, MessageNumbers.after(m, "elapsed: "));
      }
    } else if (m.startsWith("temporary file: ")) {
      server(r, Kind.TEMP_FILE, MessageNumbers.after(m, ", size "));
    } else if (m.startsWith("connection authorized")) {
      server(r, Kind.CONNECTION, 0);
    } else if (m.startsWith("disconnection: session time: ")) {
      server(r, Kind.DISCONNECTION, sessionSeconds(m, 29));
    } else if (m.startsWith("process ") && m.contains(" still waiting for ")) {
      server(r, Kind.LOCK_WAIT, MessageNumbers.after(m, " after "));
    }
    return false;
  }

  private void duration(LogRecord r, String m) {
    int ms = m.indexOf(" ms", DURATION.length());
    if (ms < 0) {
      return;
    }
    double durationMs = plainDecimal(m, DURATION.length(), ms);
    if (Double.isNaN(durationMs)) {
      try {
        String value = m.substring(DURATION.length(), ms);
        // "1_000" (a digit separator some tools write) is a thousand, not a line to drop
        durationMs = Double.parseDouble(value.indexOf('_') >= 0 ? value.replace("_", "") : value);
      } catch (NumberFormatException e) {
        return;
      }
    }
    if (ms + 3 == m.length()) {
      Pending p = pending.remove(key(r));
      if (p == null) {
        unpairedDurations++;
      } else {
        sink.accept(new ExecutedStatement(p.origin, p.phase, p.name, durationMs, p.text, p.params,
            p.precomputed));
      }
      return;
    }
    int w = afterDuration(m, ms);
    if (w < 0) {
      return;
    }
    if (m.startsWith("statement: ", w)) {
      var worked = worked(r, m, w + 11);
      sink.accept(
          new ExecutedStatement(
              origin(r), Phase.SIMPLE, null, durationMs, text(worked, m, w + 11), List.of(),
              result(worked)));
    } else if (m.startsWith("execute ", w)) {
      extended(r, m, w + 8, Phase.EXECUTE, durationMs);
    } else if (m.startsWith("bind ", w)) {
      extended(r, m, w + 5, Phase.BIND, durationMs);
    } else if (m.startsWith("parse ", w)) {
      extended(r, m, w + 6, Phase.PARSE, durationMs);
    } else if (m.startsWith("plan:", w)) {
      explained(r, m.substring(w + 5), durationMs);
    }
  }

  /**
   * What a LOG message that logs a statement says of it, read once: by the thread that parsed the
   * record ({@link WorkedText}) or by the assembler. {@link #head} gives one exactly when {@link
   * #log}'s chain of prefixes would make an event or a pending statement of the message, with
   * the very values that chain reads; every other message (a duration alone, a plan, a duration
   * that does not read as a number, a checkpoint...) goes through the chain.
   *
   * @param timed whether the message starts with its duration (else it waits for its pair)
   * @param durationMs the duration when timed
   * @param nameStart where the prepared statement's or portal's name starts, as the chain cuts
   *     it (past a {@code fetch from}); -1 for SIMPLE. The name is cut when assembled: a range's
   *     records wait in the heap, and a String each would be copied by every young collection.
   * @param nameEnd where the name ends
   * @param textStart where the statement's text starts in the message
   */
  record Head(boolean timed, double durationMs, Phase phase, int nameStart, int nameEnd,
      int textStart) {

    String name(String m) {
      return nameStart < 0 ? null : m.substring(nameStart, nameEnd);
    }
  }

  /** The {@link Head} of {@code m}, or null when {@link #log}'s chain reads it otherwise. */
  static Head head(String m) {
    if (m.startsWith(DURATION)) {
      int ms = m.indexOf(" ms", DURATION.length());
      if (ms < 0 || ms + 3 == m.length()) {
        return null; // not a duration, or one alone: its pair is looked up by the chain
      }
      int w = afterDuration(m, ms);
      if (w < 0) {
        return null;
      }
      Phase phase;
      int nameStart;
      if (m.startsWith("statement: ", w)) {
        phase = Phase.SIMPLE;
        nameStart = w + 11;
      } else if (m.startsWith("execute ", w)) {
        phase = Phase.EXECUTE;
        nameStart = w + 8;
      } else if (m.startsWith("bind ", w)) {
        phase = Phase.BIND;
        nameStart = w + 5;
      } else if (m.startsWith("parse ", w)) {
        phase = Phase.PARSE;
        nameStart = w + 6;
      } else {
        return null;
      }
      double durationMs = plainDecimal(m, DURATION.length(), ms);
      if (Double.isNaN(durationMs)) {
        return null; // the chain's slower parse, or its refusal
      }
      if (phase == Phase.SIMPLE) {
        return new Head(true, durationMs, phase, -1, -1, nameStart);
      }
      int colon = m.indexOf(": ", nameStart);
      if (colon < 0) {
        return null;
      }
      // a further fetch from an open portal: same statement (no ": " inside "fetch from ", so
      // the name cut at the colon starts with it exactly when the message does there)
      int name = m.startsWith("fetch from ", nameStart) ? nameStart + 11 : nameStart;
      return new Head(true, durationMs, phase, name, colon, colon + 2);
    }
    if (m.startsWith("statement: ")) {
      return new Head(false, 0, Phase.SIMPLE, -1, -1, 11);
    }
    if (m.startsWith("execute ")) {
      int colon = m.indexOf(": ", 8);
      return colon > 0 ? new Head(false, 0, Phase.EXECUTE, 8, colon, colon + 2) : null;
    }
    return null;
  }

  /**
   * The event or pending statement of a message with a {@link Head}: what the chain's {@code
   * statement:}, {@code execute} and {@code duration:} branches make of it.
   */
  private void statement(LogRecord r, String m, Head h, WorkedText work) {
    var w = work == null ? null : work.at(m, h.textStart());
    List<String> params = h.phase() == Phase.SIMPLE || h.phase() == Phase.PARSE
        ? List.of() : parameters(w, r);
    if (!h.timed()) {
      pending.put(key(r), new Pending(origin(r), h.phase(), h.name(m), text(w, m, h.textStart()),
          params, result(w)));
      return;
    }
    sink.accept(new ExecutedStatement(origin(r), h.phase(), h.name(m), h.durationMs(),
        text(w, m, h.textStart()), params, result(w)));
  }

  /**
   * Where the text after {@code duration: X ms} starts, {@code ms} being where its {@code " ms"}
   * is; -1 when no space follows. PostgreSQL writes two spaces; a collector that squeezes them
   * (pgBadger's samples) one.
   */
  static int afterDuration(String m, int ms) {
    int rest = ms + 3;
    return m.startsWith("  ", rest) ? rest + 2 : m.startsWith(" ", rest) ? rest + 1 : -1;
  }

  /** Powers of ten a double holds exactly: one division by them rounds correctly. */
  static final double[] POWERS_OF_TEN = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
  };

  /**
   * {@code digits[.digits]} in {@code s[from, to)} as the very double {@link
   * Double#parseDouble} gives (an exact integer over an exact power of ten is one correctly
   * rounded division), without the substring; NaN for any other shape, left to the slow path.
   */
  static double plainDecimal(String s, int from, int to) {
    long mantissa = 0;
    int digits = 0;
    int scale = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
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
    return scale <= 0 ? (double) mantissa : mantissa / POWERS_OF_TEN[scale];
  }

  /** {@code <name>: text}, the name being {@code <unnamed>}, {@code S_1} or {@code S_1/C_2}. */
  private void extended(LogRecord r, String m, int nameStart, Phase phase, double durationMs) {
    int colon = m.indexOf(": ", nameStart);
    if (colon < 0) {
      return;
    }
    var worked = worked(r, m, colon + 2);
    List<String> params = phase == Phase.PARSE ? List.of() : parameters(worked, r);
    String name = m.substring(nameStart, colon);
    if (name.startsWith("fetch from ")) {
      name = name.substring(11); // a further fetch from an open portal: same statement
    }
    sink.accept(
        new ExecutedStatement(
            origin(r),
            phase,
            name,
            durationMs,
            text(worked, m, colon + 2),
            params,
            result(worked)));
  }

  /**
   * The statement text a range's thread cut from this very message at {@code start} and worked
   * on ahead ({@link TextWork}), or null: then the text is cut here, with no work done.
   */
  private static WorkedText worked(LogRecord r, String m, int start) {
    var w = r.worked();
    return w == null ? null : w.at(m, start);
  }

  private static String text(WorkedText w, String m, int start) {
    String cut = w == null ? null : w.text();
    return cut != null ? cut : m.substring(start);
  }

  /** The record's parameters: parsed by the range's thread when it did, else parsed when read. */
  private static List<String> parameters(WorkedText w, LogRecord r) {
    List<String> parsed = w == null ? null : w.parametersOf(r.detail());
    return parsed != null ? parsed : Parameters.lazy(r.detail());
  }

  private static Object result(WorkedText w) {
    return w == null ? null : w.result();
  }

  /** auto_explain: {@code Query Text: ...} then the plan, or a JSON document. */
  private void explained(LogRecord r, String body, double durationMs) {
    String plan = body.startsWith("\n") ? body.substring(1) : body;
    String trimmed = plan.stripLeading();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      sink.accept(
          new ExplainedStatement(origin(r), durationMs, jsonQueryText(trimmed), plan, true));
      return;
    }
    String queryText = null;
    String head = "Query Text: ";
    if (trimmed.startsWith(head)) {
      int end = planStart(trimmed, head.length());
      queryText = trimmed.substring(head.length(), end).strip();
      plan = trimmed.substring(end).strip();
    }
    sink.accept(new ExplainedStatement(origin(r), durationMs, queryText, plan, false));
  }

  /**
   * Where the plan starts after a (possibly multi-line) query text: the first line that carries
   * costs or actual timings, else the line after the first.
   */
  private static int planStart(String s, int from) {
    int firstNl = s.indexOf('\n', from);
    if (firstNl < 0) {
      return s.length();
    }
    int lineStart = firstNl + 1;
    while (lineStart < s.length()) {
      int nl = s.indexOf('\n', lineStart);
      int lineEnd = nl < 0 ? s.length() : nl;
      String line = s.substring(lineStart, lineEnd);
      if (line.contains("(cost=") || line.contains("(actual ")) {
        return lineStart;
      }
      if (nl < 0) {
        break;
      }
      lineStart = nl + 1;
    }
    return firstNl + 1;
  }

  private static String jsonQueryText(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME && "Query Text".equals(p.currentName())) {
          return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : null;
        }
      }
    } catch (IOException e) {
      // a plan cut by the record cap: keep the plan text, without its query text
    }
    return null;
  }

  private void server(LogRecord r, Kind kind, double value) {
    sink.accept(new ServerEvent(origin(r), kind, value));
  }


  /** {@code H:MM:SS.mmm} (hours may exceed 24) as seconds. */
  private static double sessionSeconds(String m, int from) {
    int end = m.indexOf(' ', from);
    String t = end < 0 ? m.substring(from) : m.substring(from, end);
    String[] parts = t.split(":");
    if (parts.length != 3) {
      return 0;
    }
    try {
      return Long.parseLong(parts[0]) * 3600
          + Long.parseLong(parts[1]) * 60
          + Double.parseDouble(parts[2]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Pairing key: the session when the format has it, else the process. */
  private static Object key(LogRecord r) {
    if (r.sessionId() != null) {
      return r.sessionId();
    }
    return r.pid() != null ? (Object) r.pid() : "";
  }

  private Origin origin(LogRecord r) {
    return new Origin(
        r.timestamp(), r.database(), r.user(), r.application(), r.pid(), r.source(),
        lineBase + r.line(),
        r.sessionId() != null ? r.sessionId() : r.pid() != null ? pidSession(r.pid()) : null);
  }

  private static final int PID_SESSIONS = 1024;
  private final String[] pidSessions = new String[PID_SESSIONS];
  private final int[] pidSessionPids = new int[PID_SESSIONS];

  /**
   * {@code "pid:" + pid}, one String per pid while it stays in a small direct-mapped cache: no
   * concatenation per record, and the session maps downstream meet a hash already computed.
   */
  private String pidSession(int pid) {
    int slot = pid & (PID_SESSIONS - 1);
    String session = pidSessions[slot];
    if (session == null || pidSessionPids[slot] != pid) {
      session = "pid:" + pid;
      pidSessions[slot] = session;
      pidSessionPids[slot] = pid;
    }
    return session;
  }

  /**
   * Flushes what is still pending. Statements logged without a duration line have no duration, so
   * they are dropped rather than reported with a made-up one.
   */
  public void finish() {
    pending.clear();
  }
}
