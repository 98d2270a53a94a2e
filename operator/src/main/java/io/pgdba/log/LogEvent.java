package io.pgdba.log;

import java.time.Instant;
import java.util.List;

/**
 * What a log record means for workload analysis. {@link LogEventAssembler} turns records into events,
 * pairing {@code log_statement} lines with their {@code log_duration} line and attaching
 * {@code DETAIL: parameters:} to the statement they belong to.
 */
public sealed interface LogEvent {

  /** Common context of every event. */
  Origin origin();

  /**
   * Where and by whom an event was logged. Fields absent from the log are null.
   *
   * @param session the session it belongs to: {@code %c} (or csvlog's session id) when logged,
   *     else {@code %p} as "pid:N" (a pid is reused by later sessions), else null
   */
  record Origin(
      Instant timestamp,
      String database,
      String user,
      String application,
      Integer pid,
      String source,
      long line,
      String session) {

    /** Without a session (tests, formats that carry none). */
    public Origin(Instant timestamp, String database, String user, String application,
        Integer pid, String source, long line) {
      this(timestamp, database, user, application, pid, source, line, null);
    }
  }

  /** How the statement ran: simple protocol, or one of the extended-protocol phases. */
  enum Phase {
    SIMPLE,
    PARSE,
    BIND,
    EXECUTE
  }

  /**
   * A statement that ran, with its duration ({@code duration: X ms statement|parse|bind|execute}).
   *
   * @param preparedName the prepared statement or portal name for extended protocol, else null
   * @param text the SQL text as logged (with {@code $n} placeholders for extended protocol)
   * @param parameters values of {@code $1..$n} from {@code DETAIL: parameters:}, in order, as SQL
   *     literals exactly as logged (quoted strings keep their quotes, NULL stays NULL); empty if none
   * @param precomputed what a {@link TextWork} made of this very {@code text} on a reading
   *     thread, or null
   */
  record ExecutedStatement(
      Origin origin,
      Phase phase,
      String preparedName,
      double durationMs,
      String text,
      List<String> parameters,
      Object precomputed)
      implements LogEvent {

    public ExecutedStatement(Origin origin, Phase phase, String preparedName, double durationMs,
        String text, List<String> parameters) {
      this(origin, phase, preparedName, durationMs, text, parameters, null);
    }
  }

  /** An auto_explain plan ({@code duration: X ms  plan:}), text or JSON. */
  record ExplainedStatement(
      Origin origin, double durationMs, String queryText, String plan, boolean jsonPlan)
      implements LogEvent {}

  /** An ERROR, FATAL or PANIC, with the statement that caused it when logged. */
  record LogError(Origin origin, String severity, String sqlState, String message, String statement)
      implements LogEvent {}

  /** Server activity a DBA counts. {@code value} is kind-specific (see {@link Kind}). */
  record ServerEvent(Origin origin, Kind kind, double value) implements LogEvent {

    /** Kinds of server activity. */
    public enum Kind {
      /** value: write time in ms, 0 when unknown. */
      CHECKPOINT,
      /** value: elapsed seconds, 0 when unknown. */
      AUTOVACUUM,
      /** value: elapsed seconds, 0 when unknown. */
      AUTOANALYZE,
      /** value: file size in bytes. */
      TEMP_FILE,
      /** value: wait so far in ms ({@code still waiting for ... after X ms}). */
      LOCK_WAIT,
      /** value: 0. */
      DEADLOCK,
      /** value: 0 ({@code connection authorized}). */
      CONNECTION,
      /** value: session time in seconds ({@code disconnection: session time}). */
      DISCONNECTION
    }
  }
}
