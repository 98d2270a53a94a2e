package io.pgdba.log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Learns the {@code log_line_prefix} from the first lines of a stderr log, instead of trying a
 * fixed list: the text before each line's severity is read back into escapes by the shape of its
 * parts (timestamps, numbers, session ids, {@code user@db}, {@code key=value} pairs), shorter
 * templates that open a longer one give its {@code %q} form (background processes write nothing
 * after {@code %q}), and each candidate is then matched against the whole sample: the one that
 * opens a record on the most lines wins, on a tie the one that extracts more fields.
 */
final class PrefixInference {

  /**
   * Prefixes met in the field, tried too: from a few lines an application name such as {@code a]
   * b} can be read two ways, and the common prefix is then the likelier reading.
   */
  static final List<String> WELL_KNOWN =
      List.of(
          "%m [%p] ", // PostgreSQL default since 10
          "%m [%p] %q%u@%d ", // Debian / Ubuntu packages
          "%t [%p-%l] %q%u@%d ", // older Debian / Ubuntu packages
          "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", // pgBadger documentation
          "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
          "%t [%p]: [%l-1] db=%d,user=%u,app=%a,client=%h ",
          "%t:%r:%u@%d:[%p]:", // Amazon RDS / Aurora
          "%m [%p] %q[user=%u,db=%d,app=%a] ",
          "%m [%p] %q%u@%d/%a ", // CloudNativePG-like container images
          "%m [%p]: [%l-1] db=%d,user=%u ", // Google Cloud SQL
          "%t-%c-"); // Azure Database for PostgreSQL

  /** Templates kept per sample, most frequent first, so that a hostile sample stays cheap. */
  private static final int MAX_TEMPLATES = 24;

  /** The severity is searched within this many first characters of a line. */
  private static final int PREFIX_LIMIT = 512;

  private PrefixInference() {}

  /** The best prefix for the sample, or null when no candidate opens a record on any line. */
  static LogLinePrefix infer(List<String> sample) {
    var fields = new PrefixFields();
    LogLinePrefix best = null;
    long bestCount = 0;
    long bestDepth = 0;
    LogLinePrefix known = null;
    long knownCount = 0;
    long knownDepth = 0;
    var all = new ArrayList<>(candidates(sample));
    int learnt = all.size();
    all.addAll(WELL_KNOWN);
    for (int i = 0; i < all.size(); i++) {
      String candidate = all.get(i);
      var prefix = LogLinePrefix.compile(candidate);
      long count = 0;
      long depth = 0;
      long odd = 0;
      for (String line : sample) {
        int at = prefix.match(line, fields);
        // Only a line that opens a record counts: PostgreSQL writes a part (DETAIL, STATEMENT...)
        // as a later line of a message, which in syslog is a chunk whose start a client's long
        // statement can choose (a forged chunk must not teach the prefix).
        if (at >= 0 && fields.severity != null && !Severity.isPart(fields.severity)) {
          count++;
          int implausible = implausible(fields);
          odd += implausible;
          depth += fields.elementsMatched - 2L * implausible;
        }
      }
      boolean tie = count == bestCount && count > 0 && depth == bestDepth;
      if (count > bestCount
          || (count == bestCount && count > 0 && depth > bestDepth)
          || (tie && candidate.length() < best.pattern().length())) {
        best = prefix;
        bestCount = count;
        bestDepth = depth;
      }
      if (i >= learnt && odd == 0
          && (count > knownCount || (count == knownCount && count > 0 && depth > knownDepth))) {
        known = prefix;
        knownCount = count;
        knownDepth = depth;
      }
    }
    // A well-known prefix that reads as many lines with plausible values is the likelier
    // reading: from a few lines an application name like "x=0" can pass for more fields.
    boolean sameButTime = known != null && best != null
        && known.pattern().replace("%m", "%t").equals(best.pattern().replace("%m", "%t"));
    return known != null && knownCount >= bestCount && !sameButTime ? known : best;
  }

  /**
   * Values no server writes in these fields: a user or database holding {@code key=}, a bracket
   * or a comma means a candidate swallowed other parts of the prefix.
   */
  private static int implausible(PrefixFields f) {
    return odd(f.user) + odd(f.database) + odd(f.host);
  }

  private static int odd(String value) {
    if (value == null) {
      return 0;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '=' || c == '[' || c == ']' || c == ',') {
        return 1;
      }
    }
    return 0;
  }

  /** The candidate prefixes the sample suggests, most frequent template first. */
  static List<String> candidates(List<String> sample) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String line : sample) {
      if (line.isEmpty() || line.charAt(0) == '\t') {
        continue;
      }
      int severity = severityStart(line);
      if (severity < 0 || Severity.isPart(Severity.atLoose(line, severity))) {
        continue; // learnt from lines that open a record, as they are counted in infer
      }
      String template = template(line, severity);
      if (template != null) {
        counts.merge(template, 1, Integer::sum);
      }
    }
    List<String> templates = new ArrayList<>(counts.keySet());
    templates.sort((a, b) -> Integer.compare(counts.get(b), counts.get(a)));
    if (templates.size() > MAX_TEMPLATES) {
      templates = new ArrayList<>(templates.subList(0, MAX_TEMPLATES));
    }
    List<String> out = new ArrayList<>(templates);
    // A template that opens a longer one is its %q form: the longer template's session part is
    // what a background process leaves out.
    for (String shorter : templates) {
      for (String longer : templates) {
        if (longer.length() > shorter.length() && longer.startsWith(shorter)) {
          String q = shorter + "%q" + longer.substring(shorter.length());
          if (!out.contains(q)) {
            out.add(q);
          }
        }
      }
    }
    return out;
  }

  /**
   * Where the severity of a stderr line starts: the first {@code LOG:  }, {@code ERROR:  }...
   * after a separator, or -1.
   */
  static int severityStart(String line) {
    int strict = severityStart(line, false);
    return strict >= 0 ? strict : severityStart(line, true);
  }

  /**
   * As {@link #severityStart(String)}, with two spaces after the colon only unless {@code loose}:
   * "ERROR: " with one space inside a statement's text is no severity.
   */
  static int severityStart(String line, boolean loose) {
    int limit = Math.min(line.length(), PREFIX_LIMIT);
    for (int i = 0; i < limit; i++) {
      char c = line.charAt(i);
      if (c < 'A' || c > 'W') {
        continue;
      }
      if (i > 0) {
        char before = line.charAt(i - 1);
        if (Character.isLetterOrDigit(before) && before != '-') {
          continue;
        }
      }
      if ((loose ? Severity.atLoose(line, i) : Severity.at(line, i)) != null) {
        return i;
      }
    }
    return -1;
  }

  /** The prefix text of {@code line} before {@code end} read back into escapes, or null. */
  static String template(String line, int end) {
    var t = new Template(line, end);
    t.run();
    return t.rejected || repeatsAField(t.out) ? null : t.out.toString();
  }

  /**
   * A field twice is a misreading (an application name with {@code a=} in it): nobody logs the
   * same escape twice, and the extra field would otherwise win the ranking by depth.
   */
  private static boolean repeatsAField(CharSequence template) {
    var seen = new java.util.HashSet<Character>();
    for (int i = 0; i + 1 < template.length(); i++) {
      if (template.charAt(i) == '%') {
        char c = template.charAt(++i);
        if (c != '%' && !seen.add(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /** One left-to-right reading of a prefix text. */
  private static final class Template {
    private final String s;
    private final int end;
    private final StringBuilder out = new StringBuilder();
    private boolean time;
    private boolean pid;
    private boolean lineNumber;
    private boolean session;
    private boolean rejected;
    private int at;

    Template(String s, int end) {
      this.s = s;
      this.end = end;
      this.at = s.lastIndexOf('@', end - 1);
    }

    void run() {
      int p = 0;
      while (p < end) {
        p = step(p);
      }
    }

    private int step(int p) {
      char c = s.charAt(p);
      if (Timestamps.looksLikeDateTime(s, p)) {
        int e = Math.min(end, Timestamps.scan(s, p, true));
        boolean fraction = e > p + 19 && s.charAt(p + 19) == '.';
        if (time) {
          out.append("%s");
        } else {
          out.append(fraction ? "%m" : "%t");
          time = true;
        }
        return e;
      }
      if (at >= 0 && p <= at && userStart(p) == p) {
        int dbEnd = p = at + 1;
        while (dbEnd < end && " :,/]".indexOf(s.charAt(dbEnd)) < 0) {
          dbEnd++;
        }
        out.append("%u@%d");
        at = -1;
        if (dbEnd + 1 < end && s.charAt(dbEnd) == '/') {
          // %u@%d/%a (CloudNativePG-like images): the application runs to the severity
          int appEnd = end;
          while (appEnd > dbEnd + 1 && s.charAt(appEnd - 1) == ' ') {
            appEnd--;
          }
          out.append("/%a");
          return appEnd;
        }
        return dbEnd;
      }
      if (Character.isLetter(c)) {
        int w = p;
        while (w < end && (Character.isLetterOrDigit(s.charAt(w)) || s.charAt(w) == '_')) {
          w++;
        }
        if (w < end && s.charAt(w) == '=') {
          return keyValue(s.substring(p, w).toLowerCase(java.util.Locale.ROOT), p, w + 1);
        }
        if (s.startsWith(" = ", w)) {
          // Heroku: " sql_error_code = %e "
          return keyValue(s.substring(p, w).toLowerCase(java.util.Locale.ROOT), p, w + 3);
        }
        // A bare word is a value read as text (an application name, a user with an @), not a
        // literal of the prefix: the reading is wrong, and would fit only this line.
        rejected = true;
        return end;
      }
      if (isHex(c)) {
        int e = session(p);
        if (e > 0) {
          out.append("%c");
          session = true;
          return e;
        }
      }
      if (Timestamps.isDigit(c)) {
        int e = digits(p);
        if (e < end && Character.isLetter(s.charAt(e))) {
          rejected = true; // "0abc": no field PostgreSQL writes
          return end;
        }
        if (isHost(p)) {
          return host(p);
        }
        if (e < end && s.charAt(e) == '-' && e + 1 < end && Timestamps.isDigit(s.charAt(e + 1))) {
          int m = digits(e + 1);
          boolean one = m == e + 2 && s.charAt(e + 1) == '1';
          if (one && !lineNumber) {
            out.append("%l-1");
            lineNumber = true;
          } else {
            out.append("%p-%l");
            pid = true;
            lineNumber = true;
          }
          return m;
        }
        if (e < end && s.charAt(e) == '.' && e - p == 10 && !time) {
          int f = digits(e + 1);
          out.append("%n");
          time = true;
          return f;
        }
        if (e < end && s.charAt(e) == '/') {
          out.append("%v");
          return digits(e + 1);
        }
        if (pid && ((e < end && s.charAt(e) == ':') || (p > 0 && s.charAt(p - 1) == ':'))) {
          // a number in no role PostgreSQL writes (a time without a date, a syslog header)
          rejected = true;
          return end;
        }
        out.append(pid ? "%x" : "%p");
        pid = true;
        return e;
      }
      appendLiteral(c);
      return p + 1;
    }

    /** Whether a {@code user@db} token starts at {@code p}: no separator between it and @. */
    private int userStart(int p) {
      int u = at;
      while (u > 0 && " :,=".indexOf(s.charAt(u - 1)) < 0) {
        u--;
      }
      return u;
    }

    private int keyValue(String key, int keyStart, int valueStart) {
      int e = valueEnd(valueStart);
      String escape =
          switch (key) {
            case "user", "usr", "username", "role" -> "%u";
            case "db", "database", "dbname" -> "%d";
            case "app", "appli", "application", "application_name", "appname" -> "%a";
            case "client", "host", "remote", "client_addr", "ip" -> "%h";
            case "sess", "session", "session_id" -> "%c";
            case "line" -> "%l";
            case "state", "sqlstate", "err", "error", "sql_error_code" -> "%e";
            case "qid", "queryid", "query_id" -> "%Q";
            case "pid" -> "%p";
            case "xid", "tx" -> "%x";
            case "vxid" -> "%v";
            case "backend", "type", "backend_type" -> "%b";
            case "tag", "cmd" -> "%i";
            default -> null;
          };
      if (escape == null) {
        // an unknown key is likelier text of a value (an application name with '=') than a
        // literal someone put in the prefix
        rejected = true;
        return end;
      }
      if (escape.equals("%h") && e > valueStart && s.charAt(e - 1) == ')') {
        escape = "%r";
      }
      out.append(s, keyStart, valueStart).append(escape);
      return e;
    }

    /**
     * A value ends where another {@code key=} follows, or at a closing bracket or space that only
     * the severity follows: application names may contain spaces, commas and brackets.
     */
    private int valueEnd(int from) {
      int i = from;
      // PostgreSQL's own bracketed values
      if (s.startsWith("[unknown]", i)) {
        i += "[unknown]".length();
      } else if (s.startsWith("[local]", i)) {
        i += "[local]".length();
      }
      for (; i < end; i++) {
        char c = s.charAt(i);
        if (!Character.isLetterOrDigit(c) && keyFollows(i + 1)) {
          return i;
        }
        if (c == ' ' && onlySpacesAfter(i)) {
          return i;
        }
        if (c == ']' && lastBracket(i)) {
          return i;
        }
      }
      return end;
    }

    /** Whether {@code i} is the last closing bracket before the severity. */
    private boolean lastBracket(int i) {
      int next = s.indexOf(']', i + 1);
      return next < 0 || next >= end;
    }

    private boolean onlySpacesAfter(int i) {
      for (int k = i; k < end; k++) {
        if (s.charAt(k) != ' ') {
          return false;
        }
      }
      return true;
    }

    private boolean keyFollows(int i) {
      int k = i;
      while (k < end && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) {
        k++;
      }
      return k > i && k < end && s.charAt(k) == '=';
    }

    /** {@code %c}: hex digits, a dot, hex digits (the session start and the pid in hex). */
    private int session(int p) {
      if (session) {
        return -1;
      }
      int i = p;
      while (i < end && isHex(s.charAt(i))) {
        i++;
      }
      if (i == p || i >= end || s.charAt(i) != '.' || i - p > 16) {
        return -1;
      }
      int j = i + 1;
      while (j < end && isHex(s.charAt(j))) {
        j++;
      }
      if (j == i + 1 || (j < end && Character.isLetterOrDigit(s.charAt(j)))) {
        return -1;
      }
      // a dotted number (an IP address, an epoch with milliseconds) is not a session id
      boolean letters = false;
      for (int k = p; k < j; k++) {
        letters |= Character.isLetter(s.charAt(k));
      }
      return letters ? j : -1;
    }

    /** An IPv4 address (with a {@code (port)} for {@code %r}) where a client host is written. */
    private boolean isHost(int p) {
      int dots = 0;
      int i = p;
      while (i < end && (Timestamps.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        dots += s.charAt(i) == '.' ? 1 : 0;
        i++;
      }
      return dots == 3;
    }

    private int host(int p) {
      int i = p;
      while (i < end && (Timestamps.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (i < end && s.charAt(i) == '(') {
        int close = s.indexOf(')', i);
        if (close > 0 && close < end) {
          out.append("%r");
          return close + 1;
        }
      }
      out.append("%h");
      return i;
    }

    private int digits(int p) {
      int i = p;
      while (i < end && Timestamps.isDigit(s.charAt(i))) {
        i++;
      }
      return i;
    }

    private void appendLiteral(char c) {
      out.append(c == '%' ? "%%" : String.valueOf(c));
    }

    private static boolean isHex(char c) {
      return Timestamps.isDigit(c) || (c >= 'a' && c <= 'f');
    }
  }
}
