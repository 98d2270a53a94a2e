package io.pgdba.log;

import java.time.Instant;

/** The values a {@code log_line_prefix} carries, filled by {@link LogLinePrefix#match}. */
final class PrefixFields {
  Instant timestamp;
  Integer pid;
  String sessionId;
  String database;
  String user;
  String application;
  String host;
  String sqlState;
  Long queryId;

  /** The severity after the prefix ({@link Severity#at}), null when none follows it. */
  String severity;

  /** Prefix elements the last match went through (fewer when %q stopped it). */
  int elementsMatched;

  void clear() {
    elementsMatched = 0;
    timestamp = null;
    pid = null;
    sessionId = null;
    database = null;
    user = null;
    application = null;
    host = null;
    sqlState = null;
    queryId = null;
    severity = null;
  }

  void copyFrom(PrefixFields o) {
    elementsMatched = o.elementsMatched;
    timestamp = o.timestamp;
    pid = o.pid;
    sessionId = o.sessionId;
    database = o.database;
    user = o.user;
    application = o.application;
    host = o.host;
    sqlState = o.sqlState;
    queryId = o.queryId;
    severity = o.severity;
  }
}
