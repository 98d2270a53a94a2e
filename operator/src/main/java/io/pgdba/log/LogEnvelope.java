package io.pgdba.log;

import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The wrappers a log collector puts around PostgreSQL's stderr lines: syslog (the traditional
 * {@code Feb 11 13:15:39 host postgres[10808]: [3-1] } header), syslog with ISO timestamps
 * (rsyslog's high-precision format) and Heroku's logplex ({@code 2019-03-14T00:22:56+00:00
 * app[postgres.4882]: [GREEN] [15-1] }). Each line is rewritten as the stderr line the server
 * would have written, {@code YYYY-MM-DD HH:MM:SS[.ffffff] [zone] [pid] } and the text after the
 * header, so that the prefix is then learnt and read as for stderr; a chunk {@code [n-m]} with
 * {@code m > 1} that carries no severity continues the line before it (syslog splits long
 * messages, and writes the tab PostgreSQL indents with as {@code #011}).
 */
enum LogEnvelope {
  SYSLOG(LogFormat.SYSLOG),
  SYSLOG_ISO(LogFormat.SYSLOG2),
  LOGPLEX(LogFormat.LOGPLEX),
  CLOUDSQL(LogFormat.CLOUDSQL),
  AZURE(LogFormat.AZURE),
  REDSHIFT(LogFormat.REDSHIFT);

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private final LogFormat format;

  LogEnvelope(LogFormat format) {
    this.format = format;
  }

  /** The format reported. */
  LogFormat format() {
    return format;
  }

  /** The envelope most sample lines carry, or null. */
  static LogEnvelope detect(List<String> sample) {
    int lines = 0;
    int[] votes = new int[values().length];
    // only lines that can start a record vote (FormatDetector.recordStarts): a logged
    // statement's own lines are a client's text
    for (String line : FormatDetector.recordStarts(sample)) {
      lines++;
      for (var e : values()) {
        if (e.unwrap(line, Year.now(ZoneOffset.UTC).getValue()) != null) {
          votes[e.ordinal()]++;
          break;
        }
      }
    }
    for (var e : values()) {
      if (lines > 0 && votes[e.ordinal()] * 2 > lines) {
        return e;
      }
    }
    return null;
  }

  /**
   * The stderr line inside {@code line}, a tab-led continuation, or null when the line does not
   * carry this envelope. {@code year} completes syslog's timestamps, which have none.
   */
  String unwrap(String line, int year) {
    return switch (this) {
      case SYSLOG -> syslog(line, year);
      case SYSLOG_ISO -> syslogIso(line);
      case LOGPLEX -> logplex(line);
      case CLOUDSQL -> CloudLogging.unwrap(line);
      case AZURE -> AzureLogs.unwrap(line);
      case REDSHIFT -> RedshiftLog.unwrap(line);
    };
  }

  private static String syslog(String s, int year) {
    // "Feb 11 13:15:39 host ident[pid]: [n-m] text"
    if (s.length() < 16 || s.charAt(3) != ' ' || s.charAt(6) != ' ' || s.charAt(9) != ':'
        || s.charAt(12) != ':' || s.charAt(15) != ' ') {
      return null;
    }
    int month = -1;
    for (int m = 0; m < 12; m++) {
      if (s.startsWith(MONTHS[m], 0)) {
        month = m + 1;
      }
    }
    if (month < 0) {
      return null;
    }
    int day = digit(s.charAt(4)) * 10 + digit(s.charAt(5));
    if (s.charAt(4) == ' ') {
      day = digit(s.charAt(5));
    }
    if (day <= 0 || day > 31) {
      return null;
    }
    String time =
        String.format("%04d-%02d-%02d %s", year, month, day, s.substring(7, 15));
    return afterHost(s, 16, time);
  }

  private static String syslogIso(String s) {
    // "2019-02-11T13:15:39.123456+01:00 host ident[pid]: [n-m] text"
    if (!Timestamps.looksLikeDateTime(s, 0) || s.charAt(10) != 'T') {
      return null;
    }
    int sp = s.indexOf(' ');
    if (sp < 19) {
      return null;
    }
    return afterHost(s, sp + 1, isoTime(s, sp));
  }

  private static String logplex(String s) {
    // "2019-03-14T00:22:56+00:00 app[postgres.4882]: [GREEN] [15-1] text"
    if (!Timestamps.looksLikeDateTime(s, 0) || s.charAt(10) != 'T') {
      return null;
    }
    int sp = s.indexOf(' ');
    // newer drains put a token ("d.<uuid>") before the app, and no colon after it
    int app = sp < 19 ? -1 : s.indexOf("app[postgres", sp + 1);
    if (app < 0 || app > sp + 64) {
      return null;
    }
    int close = s.indexOf(']', app);
    if (close < 0) {
      return null;
    }
    int dot = s.lastIndexOf('.', close);
    String pid = dot > app ? s.substring(dot + 1, close) : "";
    int p = close + 1;
    if (p < s.length() && s.charAt(p) == ':') {
      p++;
    }
    if (p < s.length() && s.charAt(p) == ' ') {
      p++;
    }
    // the database's colour name, when the add-on writes one
    if (p < s.length() && s.charAt(p) == '[' && !isDigitAt(s, p + 1)) {
      int end = s.indexOf("] ", p);
      if (end > 0) {
        p = end + 2;
      }
    }
    return chunk(s, p, isoTime(s, sp), pid);
  }

  /** After {@code host ident[pid]: }, at {@code from} (the host). */
  private static String afterHost(String s, int from, String time) {
    int space = s.indexOf(' ', from);
    if (space < 0) {
      return null;
    }
    int colon = s.indexOf(": ", space + 1);
    if (colon < 0) {
      return null;
    }
    String ident = s.substring(space + 1, colon);
    String pid = "";
    int open = ident.indexOf('[');
    if (open >= 0 && ident.endsWith("]")) {
      pid = ident.substring(open + 1, ident.length() - 1);
    }
    if (ident.indexOf(' ') >= 0) {
      return null;
    }
    return chunk(s, colon + 2, time, pid);
  }

  /** {@code [n-m] text} at {@code p}: a stderr line, or a continuation. */
  private static String chunk(String s, int p, String time, String pid) {
    int chunk = 1;
    if (p < s.length() && s.charAt(p) == '[') {
      int dash = s.indexOf('-', p);
      int close = s.indexOf("] ", p);
      if (dash > p && close > dash) {
        chunk = parse(s, dash + 1, close);
        p = close + 2;
      }
    }
    String text = s.substring(p).replace("#011", "\t");
    if (chunk > 1 && !startsPart(text)) {
      return text.startsWith("\t") ? text : "\t" + text;
    }
    return time + " [" + pid + "] " + text;
  }

  /**
   * Whether a chunk after a message's first is a part of it written with its prefix (DETAIL,
   * STATEMENT...: PostgreSQL writes those as later lines of the same message). Any other severity
   * there is a client's text: a line over 900 bytes is cut at the limit when it has no blank, so a
   * client who sends a long statement decides where a chunk starts and can make one read
   * "user=admin LOG:  duration: 987654 ms  statement: ...". Such a chunk continues the record.
   */
  private static boolean startsPart(String text) {
    int at = PrefixInference.severityStart(text, false);
    return at >= 0 && Severity.isPart(Severity.at(text, at));
  }

  private static String isoTime(String s, int end) {
    // 2019-02-11T13:15:39.123456+01:00 -> 2019-02-11 13:15:39.123456 +01:00
    int zone = 19;
    if (zone < end && s.charAt(zone) == '.') {
      zone++;
      while (zone < end && Timestamps.isDigit(s.charAt(zone))) {
        zone++;
      }
    }
    String z = s.substring(zone, end);
    return s.substring(0, 10) + " " + s.substring(11, zone) + (z.isEmpty() ? "" : " " + z);
  }

  private static int parse(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      if (!Timestamps.isDigit(s.charAt(i))) {
        return 1;
      }
      v = v * 10 + digit(s.charAt(i));
    }
    return v;
  }

  private static boolean isDigitAt(String s, int i) {
    return i < s.length() && Timestamps.isDigit(s.charAt(i));
  }

  private static int digit(char c) {
    return c >= '0' && c <= '9' ? c - '0' : 0;
  }
}
