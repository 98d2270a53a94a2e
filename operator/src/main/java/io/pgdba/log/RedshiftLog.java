package io.pgdba.log;

/**
 * Amazon Redshift's three audit logs, as the audit logging to S3 or CloudWatch writes them, each
 * line rewritten as the stderr line PostgreSQL would have written for the same event, so that the
 * prefix is learnt and the events counted as for PostgreSQL's own log:
 *
 * <ul>
 *   <li>the user activity log ({@code enable_user_activity_logging}): {@code
 *       '2020-03-07T16:09:43Z UTC [ db=dev user=rdsdb pid=16929 userid=1 xid=7382 ]' LOG: select
 *       ...}, every query before it runs, without a duration, its text going on over the
 *       following lines; the header becomes {@code 2020-03-07 16:09:43 UTC [16929]
 *       db=dev,user=rdsdb LOG:  statement: select ...}, a logged statement (as {@code
 *       log_statement = 'all'} writes it) that the text lines after it continue;
 *   <li>the connection log, pipe-separated ({@code event|recordtime|remotehost|remoteport|pid|
 *       dbname|username|authmethod|duration|sslversion|...}, fields padded with spaces, the time
 *       as {@code Mon, 7 Dec 2020 20:01:55:177}): {@code authenticated} becomes {@code connection
 *       received}, {@code initiating session} {@code connection authorized}, {@code disconnecting
 *       session} {@code disconnection: session time} (its duration is in microseconds) and
 *       {@code authentication failure} a FATAL, so the log report's sessions section counts them;
 *   <li>the user log ({@code userid|username|oldusername|action|usecreatedb|usesuper|usecatupd|
 *       valuntil|pid|xid|recordtime}): changes to database users, read as LOG lines that say so;
 *       it holds no statements.
 * </ul>
 *
 * Names in the pipe-separated logs are the clients' and go into the message only (never into the
 * prefix, where a space in a name could end it and make the rest pass for another event), their
 * white space written as {@code _}.
 */
final class RedshiftLog {

  private RedshiftLog() {}

  /** How {@link #contents} names the connection log. */
  static final String CONNECTION_LOG = "a Redshift connection log";

  /**
   * What the user is told a sample of the connection or user log holds; null for the user
   * activity log (its statements are the report).
   */
  static String contents(java.util.List<String> sample) {
    int lines = 0;
    int connection = 0;
    int user = 0;
    // a query's lines in the user activity log are a client's text: made of connection log
    // lines, they would make the file pass for that log, every query unread
    for (String line : FormatDetector.recordStarts(sample)) {
      lines++;
      if (connection(line) != null) {
        connection++;
      } else if (userChange(line) != null) {
        user++;
      }
    }
    if (lines > 0 && connection * 2 > lines) {
      return CONNECTION_LOG + ": connections, sessions and authentication failures,"
          + " no statements (they are in the user activity log)";
    }
    if (lines > 0 && user * 2 > lines) {
      return "a Redshift user log: changes to database users, no statements (they are in the"
          + " user activity log)";
    }
    return null;
  }

  /** The stderr line of any of the three logs' lines, or null when {@code line} is none. */
  static String unwrap(String line) {
    String s = userActivity(line);
    if (s == null && line.indexOf('|') > 0) {
      s = connection(line);
      if (s == null) {
        s = userChange(line);
      }
    }
    return s;
  }

  /** Fields of the connection log. */
  private static final int EVENT = 0;
  private static final int TIME = 1;
  private static final int HOST = 2;
  private static final int PORT = 3;
  private static final int PID = 4;
  private static final int DB = 5;
  private static final int USER = 6;
  private static final int DURATION = 8;
  private static final int APPLICATION = 15;

  /** The stderr line of a connection log line, or null when {@code line} is none. */
  static String connection(String line) {
    String[] f = line.split("\\|", -1);
    if (f.length < 9) {
      return null;
    }
    String time = time(f[TIME]);
    String pid = f[PID].strip();
    if (time == null || !isNumber(pid, 10)) {
      return null;
    }
    String event = f[EVENT].strip();
    String user = name(f[USER]);
    String db = name(f[DB]);
    String host = name(f[HOST]);
    String port = name(f[PORT]);
    String head = time + " UTC [" + pid + "] ";
    switch (event) {
      case "authenticated" -> {
        return head + "LOG:  connection received: host=" + host
            + (port.isEmpty() ? "" : " port=" + port);
      }
      case "initiating session" -> {
        String app = f.length > APPLICATION ? name(f[APPLICATION]) : "";
        return head + "LOG:  connection authorized: user=" + user + " database=" + db
            + (app.isEmpty() ? "" : " application_name=" + app);
      }
      case "disconnecting session" -> {
        String micros = f[DURATION].strip();
        if (!isNumber(micros, 18)) {
          return null;
        }
        long ms = Long.parseLong(micros) / 1000;
        return head + "LOG:  disconnection: session time: " + (ms / 3_600_000) + ":"
            + two(ms / 60_000 % 60) + ":" + two(ms / 1000 % 60) + "." + three(ms % 1000)
            + " user=" + user + " database=" + db + " host=" + host
            + (port.isEmpty() ? "" : " port=" + port);
      }
      case "authentication failure" -> {
        return head + "FATAL:  authentication failed for user \"" + user + "\"";
      }
      default -> {
        if (event.isEmpty() || event.length() > 50 || !isWords(event)) {
          return null;
        }
        return head + "LOG:  Redshift connection log: " + event + " user=" + user
            + " database=" + db;
      }
    }
  }

  /** The stderr line of a user log line, or null when {@code line} is none. */
  static String userChange(String line) {
    String[] f = line.split("\\|", -1);
    if (f.length != 11) {
      return null;
    }
    String time = time(f[10]);
    String pid = f[8].strip();
    String action = f[3].strip();
    if (time == null || !isNumber(pid, 10) || !isNumber(f[0].strip(), 10) || action.isEmpty()
        || action.length() > 20 || !isWords(action)) {
      return null;
    }
    String old = name(f[2]);
    return time + " UTC [" + pid + "] LOG:  Redshift user log: " + action + " user " + name(f[1])
        + (old.isEmpty() ? "" : " (was " + old + ")") + " createdb=" + name(f[4])
        + " superuser=" + name(f[5]) + " catupd=" + name(f[6]);
  }

  private static final java.time.format.DateTimeFormatter RECORD_TIME =
      java.time.format.DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss:SSS",
          java.util.Locale.ENGLISH);

  /** "Mon, 7 Dec 2020 20:01:55:177" (UTC) -> "2020-12-07 20:01:55.177", null when it is none. */
  private static String time(String field) {
    String t = field.strip();
    if (t.length() < 24 || t.length() > 32 || t.charAt(3) != ',') {
      return null;
    }
    try {
      var d = java.time.LocalDateTime.parse(t, RECORD_TIME);
      return d.toLocalDate() + " " + two(d.getHour()) + ":" + two(d.getMinute()) + ":"
          + two(d.getSecond()) + "." + three(d.getNano() / 1_000_000);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** A padded name field: stripped, white space and control characters written as '_'. */
  private static String name(String field) {
    String v = field.strip();
    var b = new StringBuilder(Math.min(v.length(), 256));
    for (int i = 0; i < v.length() && i < 256; i++) {
      char c = v.charAt(i);
      b.append(Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c);
    }
    return b.toString();
  }

  private static boolean isNumber(String s, int maxDigits) {
    if (s.isEmpty() || s.length() > maxDigits) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Timestamps.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWords(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetter(c) || c == ' ' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String two(long v) {
    return v < 10 ? "0" + v : Long.toString(v);
  }

  private static String three(long v) {
    return v < 10 ? "00" + v : v < 100 ? "0" + v : Long.toString(v);
  }

  /**
   * A line of the user activity log as stderr would write it: a header's stderr line, or the
   * next line of the query before it, tab-indented as PostgreSQL indents a message's lines (the
   * log writes them raw, so a query line shaped like another record, a timestamp first, would
   * otherwise be read as one that failed); null for a line with control characters (binary
   * garbage is counted, never joined to a query).
   */
  static String userActivityOrQueryLine(String line) {
    String header = userActivity(line);
    if (header != null) {
      return header;
    }
    if (!StderrParser.isText(line)) {
      return null;
    }
    return line.isEmpty() ? line : "\t" + line;
  }

  /** The stderr line of a user activity header, or null when {@code line} is none. */
  static String userActivity(String line) {
    if (line.length() < 24 || line.charAt(0) != '\'' || !Timestamps.looksLikeDateTime(line, 1)) {
      return null;
    }
    int open = line.indexOf(" [ ", 20);
    int close = open < 0 ? -1 : line.indexOf(" ]' ", open);
    if (open < 0 || close < 0 || open > 40) {
      return null;
    }
    String zone = line.substring(20, open).replace("Z", "").strip();
    String header = line.substring(open + 3, close);
    String db = field(header, "db=");
    String user = field(header, "user=");
    String pid = field(header, "pid=");
    if (pid == null || !pid.chars().allMatch(Character::isDigit) || pid.length() > 9) {
      return null;
    }
    String rest = line.substring(close + 4);
    int colon = rest.indexOf(": ");
    if (colon < 0 || colon > 10) {
      return null;
    }
    String level = rest.substring(0, colon);
    String text = rest.substring(colon + 1).stripLeading();
    return line.substring(1, 11) + " " + line.substring(12, 20) + " "
        + (zone.isEmpty() ? "UTC" : zone) + " [" + pid + "] db=" + (db == null ? "" : db)
        + ",user=" + (user == null ? "" : user) + " " + level + ":  statement: " + text;
  }

  private static String field(String header, String key) {
    int i = header.startsWith(key) ? 0 : header.indexOf(" " + key);
    if (i < 0) {
      return null;
    }
    int from = i == 0 ? key.length() : i + 1 + key.length();
    int end = header.indexOf(' ', from);
    return header.substring(from, end < 0 ? header.length() : end);
  }
}
