package io.pgdba.log;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Says what a text that is not a readable PostgreSQL log looks like, so that the one line a user
 * reads names what would help ("this looks like syslog") rather than only "give the prefix" when
 * no prefix can help.
 */
final class LogSniffer {

  private static final Pattern SYSLOG =
      Pattern.compile("^[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\S+ \\S+?(\\[\\d+\\])?: .*");
  private static final Pattern SYSLOG_ISO =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\S* \\S+ \\S+?(\\[\\d+\\])?: .*");
  private static final Pattern PGBOUNCER =
      Pattern.compile(
          "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+( [A-Z]{2,5})? \\[?\\d+\\]?"
              + " (LOG|WARNING|ERROR|FATAL|NOISE|DEBUG) .*");
  private static final Pattern LOGPLEX =
      Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ (app|heroku)\\[[\\w.-]+\\]: .*");
  private static final Pattern SEVERITY =
      Pattern.compile(".*\\b(LOG|ERROR|FATAL|WARNING|STATEMENT|DETAIL):  .*");

  private LogSniffer() {}

  /** One phrase for the first lines of a source no stderr prefix was learnt from. */
  static String describe(List<String> sample) {
    int lines = 0;
    int binary = 0;
    int syslog = 0;
    int syslogIso = 0;
    int pgbouncer = 0;
    int logplex = 0;
    int cloudSql = 0;
    int severity = 0;
    int timestamped = 0;
    for (String line : sample) {
      if (line.isBlank() || line.charAt(0) == '\t') {
        continue;
      }
      lines++;
      String head = line.length() > 400 ? line.substring(0, 400) : line;
      if (!isText(head)) {
        binary++;
      } else if (LOGPLEX.matcher(head).matches()) {
        logplex++;
      } else if (SYSLOG.matcher(head).matches()) {
        syslog++;
      } else if (SYSLOG_ISO.matcher(head).matches()) {
        syslogIso++;
      } else if (PGBOUNCER.matcher(head).matches()) {
        pgbouncer++;
      } else if (head.startsWith("{") && line.contains("\"textPayload\"")) {
        cloudSql++;
      }
      if (SEVERITY.matcher(head).matches()) {
        severity++;
      }
      if (Timestamps.looksLikeDateTime(head, 0)) {
        timestamped++;
      }
    }
    if (lines == 0) {
      return "no text line in the first lines";
    }
    int half = (lines + 1) / 2;
    if (binary >= half) {
      return "this looks like binary data, not a text log (a compressed format pgdba does not"
          + " know, or the wrong file)";
    }
    if (logplex >= half) {
      return "this looks like a Heroku logplex drain";
    }
    if (syslog >= half || syslogIso >= half) {
      return "this looks like syslog (log_destination = 'syslog')";
    }
    if (pgbouncer >= half) {
      return "this looks like pgBouncer's log, not PostgreSQL's";
    }
    if (cloudSql >= half) {
      return "this looks like a Google Cloud Logging JSON export (textPayload)";
    }
    if (severity >= half) {
      return "no log_line_prefix could be learnt from the first lines; give the prefix";
    }
    if (timestamped >= half) {
      return "lines start with a time but no LOG:, ERROR:... follows; give the prefix";
    }
    return "this does not look like a PostgreSQL log";
  }

  private static boolean isText(String s) {
    int control = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == '\uFFFD') {
        control++;
      }
    }
    return control * 20 < Math.max(1, s.length());
  }
}
