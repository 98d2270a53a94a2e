package io.pgdba.log;

/** The log formats PostgreSQL (and the platforms around it) write. */
public enum LogFormat {
  /** Plain stderr lines, each starting with {@code log_line_prefix}. */
  STDERR,
  /** {@code log_destination = 'csvlog'}, columns of PostgreSQL 13 to 17. */
  CSVLOG,
  /** {@code log_destination = 'jsonlog'} (PostgreSQL 15+), one JSON object per line. */
  JSONLOG,
  /** CloudNativePG pod output: one JSON object per line, the Postgres record nested in {@code record}. */
  CNPG,
  /** stderr lines inside syslog's {@code Mon dd hh:mm:ss host postgres[pid]: [n-m]} header. */
  SYSLOG,
  /** stderr lines inside a syslog header with an ISO timestamp (rsyslog high precision). */
  SYSLOG2,
  /** Heroku logplex: {@code 2019-03-14T00:22:56+00:00 app[postgres.pid]: [COLOR] [n-m]}. */
  LOGPLEX,
  /** Google Cloud SQL via Cloud Logging: JSON entries, the stderr line in {@code textPayload}. */
  CLOUDSQL,
  /** Azure Database for PostgreSQL via Azure Monitor: JSON records, the line in {@code Message}. */
  AZURE,
  /** Amazon Redshift's user activity log: {@code 'time UTC [ db=d user=u pid=p ... ]' LOG: q}. */
  REDSHIFT,
  /** pgBouncer's own log: no statements, a summary of its connections, errors and stats lines. */
  PGBOUNCER;

  /** The collector's wrapper around stderr lines, null for the formats PostgreSQL writes. */
  LogEnvelope envelope() {
    return switch (this) {
      case SYSLOG -> LogEnvelope.SYSLOG;
      case SYSLOG2 -> LogEnvelope.SYSLOG_ISO;
      case LOGPLEX -> LogEnvelope.LOGPLEX;
      case CLOUDSQL -> LogEnvelope.CLOUDSQL;
      case AZURE -> LogEnvelope.AZURE;
      case REDSHIFT -> LogEnvelope.REDSHIFT;
      default -> null;
    };
  }

  /** Parses a CLI/CRD value; {@code auto} (or null) means detect, returned as null. */
  public static LogFormat parseOrAuto(String value) {
    if (value == null || value.isBlank() || value.equalsIgnoreCase("auto")) {
      return null;
    }
    for (var f : values()) {
      if (f.name().equalsIgnoreCase(value.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown log format '" + value + "' (expected auto, stderr, csvlog, jsonlog, cnpg, syslog,"
            + " syslog2, logplex, cloudsql, azure, redshift or pgbouncer)");
  }
}
