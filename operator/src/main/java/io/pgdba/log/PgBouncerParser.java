package io.pgdba.log;

import io.pgdba.log.PgBouncerSummary.Closing;
import io.pgdba.log.PgBouncerSummary.Event;
import io.pgdba.log.PgBouncerSummary.Figure;
import io.pgdba.log.PgBouncerSummary.Stats;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads pgBouncer's own log ({@code 2023-12-19 03:06:13.586 CET [10384] LOG C-0x7f3b...:
 * shop/app@10.0.0.8:38296 login attempt: db=shop user=app tls=no}; versions before 1.12 write the
 * pid without brackets and no zone) into a {@link PgBouncerSummary}. It gives no {@link
 * LogRecord}: pgBouncer logs no statements. Everything after the level is client-controlled text
 * (database and user names): it is counted under caps and never interpreted.
 *
 * <p>The same lines arrive through syslog ({@code syslog = 1}: {@code Dec  1 10:00:00 host
 * pgbouncer[812]: C-0x...: ...}, or an ISO time as rsyslog's high-precision and journald's
 * short-iso forms write it), and through journald when pgBouncer's stderr is captured (the whole
 * own-format line after {@code pgbouncer[812]: }). Each is read as the own-format line it carries.
 * pgBouncer hands syslog the message without its level (the syslog priority holds it, and the
 * traditional line does not show it): such a line counts as {@code LOG}, so its warnings and
 * errors are not told apart from the rest.
 */
final class PgBouncerParser implements RecordParser {

  private static final int EXAMPLE_CHARS = 300;
  private static final int PATTERN_CHARS = 200;

  private final ParseStats stats;
  private final Timestamps timestamps = new Timestamps();
  /** Completes the traditional syslog time, which has no year (as {@link LogEnvelope} does). */
  private final int year = Year.now(ZoneOffset.UTC).getValue();
  private final Line l = new Line();

  private Instant first;
  private Instant last;
  private long lines;
  private long logins;
  private long serverConnections;
  private long sessions;
  private long sessionSeconds;
  private long maxSessionSeconds;
  private long clients;
  private long peakClients;
  private Instant peakClientsAt;
  private final Set<String> loggedIn = new HashSet<>();
  private final Map<String, Long> byDatabase = new HashMap<>();
  private final Map<String, Long> byUser = new HashMap<>();
  private final Map<String, Long> byHost = new HashMap<>();
  private final Map<String, Closing> closings = new HashMap<>();
  private final Map<String, Event> errors = new HashMap<>();
  private long statsSamples;
  private final Figure[] figures = new Figure[7];

  /** The parts of one line. */
  private static final class Line {
    Instant time;
    String level;
    String message;
  }

  PgBouncerParser(ParseStats stats) {
    this.stats = stats;
  }

  /**
   * Whether most of the sample lines are pgBouncer's: a time, a pid, a level word without
   * PostgreSQL's colon ({@code LOG C-0x...}, not {@code LOG:  ...}).
   */
  static boolean looksLike(List<String> sample) {
    int lines = 0;
    int matched = 0;
    var line = new Line();
    var parser = new PgBouncerParser(new ParseStats("sample"));
    // only lines that can start a record vote: a logged statement's own lines cannot
    for (String s : FormatDetector.recordStarts(sample)) {
      lines++;
      if (parser.split(s, line)) {
        matched++;
      }
    }
    return lines > 0 && matched * 2 > lines;
  }

  @Override
  public void line(String text, long lineNumber) {
    if (text.isBlank()) {
      return;
    }
    if (!split(text, l)) {
      stats.unparsed(lineNumber, "not a pgBouncer log line");
      return;
    }
    lines++;
    if (l.time != null) {
      first = first == null || l.time.isBefore(first) ? l.time : first;
      last = last == null || l.time.isAfter(last) ? l.time : last;
    }
    String m = l.message;
    switch (l.level) {
      case "WARNING", "ERROR", "FATAL", "PANIC" -> error(l.level, m);
      default -> { }
    }
    if (m.startsWith("stats: ") || m.startsWith("Stats: ")) {
      stats(m.substring(7));
      return;
    }
    boolean client = m.startsWith("C-");
    if (!client && !m.startsWith("S-")) {
      return; // start-up, config reload, listening...: nothing to count
    }
    int colon = m.indexOf(": ");
    if (colon < 0) {
      return;
    }
    String id = m.substring(0, colon);
    // "db/user@host:port event" or "(nodb)/(nouser)@unix(1234):6432 event"
    int sp = addressEnd(m, colon + 2);
    if (sp < 0) {
      return;
    }
    String who = m.substring(colon + 2, sp);
    String event = m.substring(sp + 1);
    if (client && event.startsWith("login attempt:")) {
      login(id, who, event);
    } else if (!client && event.startsWith("new connection to server")) {
      serverConnections++;
    } else if (event.startsWith("closing because: ")) {
      closing(client, id, event.substring("closing because: ".length()));
    }
  }

  private void login(String id, String who, String event) {
    logins++;
    String db = keyValue(event, "db=");
    String user = keyValue(event, "user=");
    int slash = who.indexOf('/');
    int at = who.lastIndexOf('@');
    if (db == null && slash > 0) {
      db = who.substring(0, slash);
    }
    if (user == null && slash > 0 && at > slash) {
      user = who.substring(slash + 1, at);
    }
    count(byDatabase, db);
    count(byUser, user);
    count(byHost, at >= 0 ? host(who.substring(at + 1)) : null);
    if (loggedIn.size() < 1_000_000 && loggedIn.add(id)) {
      clients++;
      if (clients > peakClients) {
        peakClients = clients;
        peakClientsAt = l.time;
      }
    }
  }

  private void closing(boolean client, String id, String reason) {
    // "client close request (age=5s)"; pgBouncer before 1.12 writes "(age=5)"
    int age = reason.lastIndexOf(" (age=");
    if (age >= 0) {
      if (client) {
        long seconds = leadingNumber(reason, age + 6);
        if (seconds >= 0) {
          sessions++;
          sessionSeconds += seconds;
          maxSessionSeconds = Math.max(maxSessionSeconds, seconds);
        }
      }
      reason = reason.substring(0, age);
    }
    if (client && loggedIn.remove(id)) {
      clients--;
    }
    String key = (client ? "c" : "s") + pattern(reason);
    if (closings.size() < PgBouncerSummary.MAX_KEYS || closings.containsKey(key)) {
      closings.merge(key, new Closing(client ? "client" : "server", pattern(reason), 1),
          (a, b) -> new Closing(a.side(), a.reason(), a.count() + 1));
    } else {
      closings.merge("o" + PgBouncerSummary.OTHER,
          new Closing(client ? "client" : "server", PgBouncerSummary.OTHER, 1),
          (a, b) -> new Closing(a.side(), a.reason(), a.count() + 1));
    }
  }

  private void error(String level, String message) {
    String p = pattern(withoutConnection(message));
    String key = level + "\u0000" + p;
    if (errors.size() >= PgBouncerSummary.MAX_KEYS && !errors.containsKey(key)) {
      p = PgBouncerSummary.OTHER;
      key = level + "\u0000" + p;
    }
    String example = message.length() > EXAMPLE_CHARS
        ? message.substring(0, EXAMPLE_CHARS) + "..." : message;
    Instant t = l.time;
    errors.merge(key, new Event(level, p, 1, t, t, example),
        (a, b) -> new Event(a.severity(), a.pattern(), a.count() + 1, a.firstSeen(),
            t != null ? t : a.lastSeen(), a.example()));
  }

  /**
   * "4874 xacts/s, 7318 queries/s, 0 client parses/s, 0 server parses/s, 0 binds/s, in 2138226
   * B/s, out 17457184 B/s, xact 1392 us, query 820 us, wait 45079 us" (1.9 writes "wait time").
   */
  private void stats(String text) {
    boolean any = false;
    for (String item : text.split(",")) {
      String[] w = item.trim().split(" ");
      int number = -1;
      for (int i = 0; i < w.length; i++) {
        if (!w[i].isEmpty() && w[i].chars().allMatch(Character::isDigit)) {
          number = i;
          break;
        }
      }
      if (number < 0 || w[number].length() > 18) {
        continue;
      }
      long v = Long.parseLong(w[number]);
      String label = (number > 0 ? w[0] : w.length > number + 1 ? w[number + 1] : "")
          .toLowerCase(Locale.ROOT);
      int slot = switch (label) {
        case "xacts/s" -> 0;
        case "queries/s" -> 1;
        case "in" -> 2;
        case "out" -> 3;
        case "xact" -> 4;
        case "query" -> 5;
        case "wait" -> 6;
        default -> -1;
      };
      if (slot >= 0) {
        var f = new Figure(1, v, v, l.time);
        figures[slot] = figures[slot] == null ? f : figures[slot].plus(f);
        any = true;
      }
    }
    if (any) {
      statsSamples++;
    }
  }

  /**
   * Splits a line into time, level and message; false when it is not pgBouncer's. Its own format
   * first, then behind a Kubernetes timestamp, then inside a syslog header.
   */
  private boolean split(String s, Line out) {
    if (splitOwn(s, out)) {
      return true;
    }
    int k = KubernetesTimestamp.length(s);
    if (k > 0 && splitOwn(s.substring(k), out)) {
      return true;
    }
    String own = fromSyslog(s, year);
    return own != null && splitOwn(own, out);
  }

  /**
   * The own-format line a syslog line carries, or null when {@code s} is no pgBouncer syslog line:
   * the ident names pgBouncer ({@code syslog_ident}, "pgbouncer" by default) or the message is
   * shaped as only pgBouncer writes it (a {@code C-0x}/{@code S-0x} connection, a stats line).
   */
  static String fromSyslog(String s, int year) {
    LogEnvelope envelope = s.length() > 10 && s.charAt(10) == 'T'
        ? LogEnvelope.SYSLOG_ISO : LogEnvelope.SYSLOG;
    String inner = envelope.unwrap(s, year);
    // "time [pid] text"; a continuation (tab-led) is no pgBouncer line
    int open = inner == null || inner.startsWith("\t") ? -1 : inner.indexOf(" [");
    int close = open < 0 ? -1 : inner.indexOf("] ", open);
    if (close < 0) {
      return null;
    }
    String head = inner.substring(0, close + 2);
    String text = inner.substring(close + 2);
    int identEnd = s.indexOf("]: ");
    int colon = s.indexOf(": ");
    int identStart = identEnd < 0 ? -1 : s.lastIndexOf(' ', identEnd) + 1;
    boolean named = identEnd > 0 && colon == identEnd + 1
        && s.substring(identStart, identEnd).toLowerCase(Locale.ROOT).contains("pgbouncer");
    boolean shaped = text.startsWith("C-0x") || text.startsWith("S-0x")
        || text.startsWith("stats: ") || text.startsWith("Stats: ");
    if (Timestamps.looksLikeDateTime(text, 0)) {
      // journald holding pgBouncer's stderr: the own line, with its level and zone
      return named ? text : null;
    }
    return named || shaped ? head + "LOG " + text : null;
  }

  private boolean splitOwn(String s, Line out) {
    int end = Timestamps.scan(s, 0, false);
    if (end < 0 || end >= s.length() || s.charAt(end) != ' ') {
      return false;
    }
    int p = end + 1;
    int zoneEnd = p;
    // an optional zone (CET, UTC, +01) before the pid
    int sp = s.indexOf(' ', p);
    if (sp < 0) {
      return false;
    }
    if (s.charAt(p) != '[' && !Timestamps.isDigit(s.charAt(p))) {
      zoneEnd = sp;
      p = sp + 1;
      sp = s.indexOf(' ', p);
      if (sp < 0) {
        return false;
      }
    }
    String pid = s.substring(p, sp);
    if (pid.startsWith("[") && pid.endsWith("]")) {
      pid = pid.substring(1, pid.length() - 1);
    }
    if (pid.isEmpty() || pid.length() > 10 || !pid.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int lv = sp + 1;
    int lvEnd = s.indexOf(' ', lv);
    if (lvEnd < 0) {
      lvEnd = s.length();
    }
    String level = s.substring(lv, lvEnd);
    switch (level) {
      case "LOG", "WARNING", "ERROR", "FATAL", "PANIC", "NOISE", "DEBUG", "NOTICE" -> { }
      default -> {
        return false;
      }
    }
    out.level = level;
    out.message = lvEnd < s.length() ? s.substring(lvEnd + 1) : "";
    out.time = time(s, zoneEnd > end + 1 ? zoneEnd : end);
    return true;
  }

  private Instant time(String s, int end) {
    try {
      return timestamps.parse(s, 0, end);
    } catch (RuntimeException e) {
      return null; // an unknown zone: the line still counts, without a time
    }
  }

  /** "C-0x55d...: db/user@host:port text" -> "text": the pattern holds no client's id. */
  private static String withoutConnection(String m) {
    if (m.startsWith("C-") || m.startsWith("S-")) {
      int colon = m.indexOf(": ");
      if (colon > 0) {
        int sp = addressEnd(m, colon + 2);
        return sp > 0 ? m.substring(sp + 1) : m.substring(colon + 2);
      }
    }
    return m;
  }

  /** Numbers replaced by N and the text cut, so that one kind of event is one group. */
  static String pattern(String text) {
    var b = new StringBuilder(Math.min(text.length(), PATTERN_CHARS));
    boolean inNumber = false;
    for (int i = 0; i < text.length() && b.length() < PATTERN_CHARS; i++) {
      char c = text.charAt(i);
      if (Character.isDigit(c)) {
        if (!inNumber) {
          b.append('N');
        }
        inNumber = true;
        continue;
      }
      inNumber = false;
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }

  private static String keyValue(String s, String key) {
    int i = s.indexOf(" " + key);
    if (i < 0) {
      return null;
    }
    int from = i + 1 + key.length();
    int end = s.indexOf(' ', from);
    return s.substring(from, end < 0 ? s.length() : end);
  }

  /**
   * The space after the first {@code @address:port} from {@code from}, or -1. Database and user
   * names are the client's and may hold spaces and event text ({@code x closing because: ...}):
   * the event is what follows the address, which pgBouncer writes as an IP address ({@code
   * 10.0.0.8}, {@code [::1]}) or {@code unix(pid)}, never as a name.
   */
  static int addressEnd(String m, int from) {
    for (int at = m.indexOf('@', from); at >= 0; at = m.indexOf('@', at + 1)) {
      int i = at + 1;
      int n = m.length();
      // Every scan stays inside this '@''s own run of address characters (the next '@' ends
      // it): a line of a million '@' is read once, not once per '@' to its end or its start.
      if (m.startsWith("unix", i)) {
        i += 4;
        if (i < n && m.charAt(i) == '(') {
          int close = i + 1;
          while (close < n && Timestamps.isDigit(m.charAt(close))) {
            close++;
          }
          i = close > i + 1 && close < n && m.charAt(close) == ')' ? close + 1 : -1;
        }
      } else {
        int start = i;
        while (i < n && isAddressChar(m.charAt(i))) {
          i++;
        }
        // the port is after the last colon of the run
        int colon = i - 1;
        while (colon > start && m.charAt(colon) != ':') {
          colon--;
        }
        i = colon > start && digits(m, colon + 1, i) ? colon : -1;
      }
      if (i < 0 || i >= n || m.charAt(i) != ':') {
        continue;
      }
      int port = i + 1;
      int end = port;
      while (end < n && Timestamps.isDigit(m.charAt(end))) {
        end++;
      }
      if (end > port && end - port <= 5 && end < n && m.charAt(end) == ' ') {
        return end;
      }
    }
    return -1;
  }

  private static boolean isAddressChar(char c) {
    return Timestamps.isDigit(c) || c == '.' || c == ':' || c == '[' || c == ']'
        || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean digits(String s, int from, int to) {
    if (to <= from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if (!Timestamps.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** "10.0.0.8:38296" -> "10.0.0.8", "[::1]:5000" -> "::1", "unix(1234):6432" -> "unix". */
  private static String host(String addr) {
    if (addr.startsWith("[")) {
      int close = addr.indexOf(']');
      return close > 0 ? addr.substring(1, close) : addr;
    }
    if (addr.startsWith("unix")) {
      return "unix";
    }
    int colon = addr.lastIndexOf(':');
    return colon > 0 ? addr.substring(0, colon) : addr;
  }

  private static long leadingNumber(String s, int from) {
    long v = 0;
    int i = from;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && i - from < 18) {
      v = v * 10 + (s.charAt(i) - '0');
      i++;
    }
    return i == from ? -1 : v;
  }

  private static void count(Map<String, Long> map, String key) {
    if (key == null || key.isEmpty()) {
      return;
    }
    String k = key.length() > 200 ? key.substring(0, 200) : key;
    if (map.size() >= PgBouncerSummary.MAX_KEYS && !map.containsKey(k)) {
      k = PgBouncerSummary.OTHER;
    }
    map.merge(k, 1L, Long::sum);
  }

  @Override
  public void finish() {}

  PgBouncerSummary summary() {
    Stats s = null;
    if (statsSamples > 0) {
      s = new Stats(statsSamples, f(0), f(1), f(2), f(3), f(4), f(5), f(6));
    }
    return new PgBouncerSummary(
        first, last, lines, logins, serverConnections, sessions, sessionSeconds,
        maxSessionSeconds, peakClients, peakClientsAt,
        sorted(byDatabase), sorted(byUser), sorted(byHost),
        PgBouncerSummary.closingsByCount(closings.values()),
        PgBouncerSummary.eventsByCount(errors.values()),
        s);
  }

  private Figure f(int slot) {
    return figures[slot] == null ? new Figure(0, 0, 0, null) : figures[slot];
  }

  private static Map<String, Long> sorted(Map<String, Long> m) {
    return Collections.unmodifiableMap(new TreeMap<>(m));
  }
}
