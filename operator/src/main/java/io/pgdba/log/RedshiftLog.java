package io.pgdba.log;

/**
 * Amazon Redshift's user activity log ({@code enable_user_activity_logging}), as the audit
 * logging to S3 or CloudWatch writes it: {@code '2020-03-07T16:09:43Z UTC [ db=dev user=rdsdb
 * pid=16929 userid=1 xid=7382 ]' LOG: select ...}, every query before it runs, without a
 * duration, its text going on over the following lines. Each header is rewritten as the stderr
 * line {@code 2020-03-07 16:09:43 UTC [16929] db=dev,user=rdsdb LOG:  statement: select ...}, so
 * the query is a logged statement (as {@code log_statement = 'all'} writes it) and the text lines
 * after it continue it. The connection and user logs (pipe-separated) are not read.
 */
final class RedshiftLog {

  private RedshiftLog() {}

  /** The stderr line of a user activity header, or null when {@code line} is none. */
  static String unwrap(String line) {
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
