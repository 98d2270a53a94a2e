package io.pgdba.workload;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogRecord;
import io.pgdba.log.MessageNumbers;
import io.pgdba.workload.LogReport.Bucket;
import io.pgdba.workload.LogReport.Checkpoints;
import io.pgdba.workload.LogReport.Deadlock;
import io.pgdba.workload.LogReport.ErrorGroup;
import io.pgdba.workload.LogReport.HistogramBin;
import io.pgdba.workload.LogReport.LockWaitGroup;
import io.pgdba.workload.LogReport.QueryType;
import io.pgdba.workload.LogReport.Sessions;
import io.pgdba.workload.LogReport.TableMaintenance;
import io.pgdba.workload.LogReport.TempFileGroup;
import io.pgdba.workload.LogReport.Timeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Builds the {@link LogReport} from the same stream the workload is built from: {@link
 * #record(LogRecord)} for every record (errors, locks, deadlocks, temporary files, checkpoints,
 * autovacuum, sessions) and {@link #event(LogEvent)} for the assembled events (statements and
 * their durations). Memory is bounded whatever the log size: every map has a cap past which new
 * keys fold into one {@link LogReport#OTHER} row, and the timeline widens its slices rather than
 * growing. Not thread-safe: one consumer feeds it.
 *
 * <p>Logged text is attacker-controlled (a statement, an application name): it is only ever
 * counted, cut to a bound and handed on as data, never interpreted.
 */
public final class LogReportAccumulator {

  /** Distinct error patterns, lock-wait, temp-file and table keys kept apart at most. */
  static final int MAX_GROUPS = 200;
  /** Deadlocks listed with their statements (all are counted). */
  static final int MAX_DEADLOCKS = 100;
  /** Examples and deadlock statements are cut here: the report shows them, not EXPLAINs them. */
  static final int MAX_TEXT = 4096;
  /** Keys per session dimension (database, user, host, application). */
  static final int MAX_SESSION_KEYS = 100;
  /** Logs shorter than this get one-minute slices, longer ones one-hour slices. */
  static final long MINUTE_LOG_SPAN_MS = 2 * 3600_000L;
  /** Past this many slices the width doubles (a month of hourly slices fits). */
  static final int MAX_SLICES = 800;
  /**
   * Bounds of the duration histogram's bins, as pgBadger's: a bin holds the statements from the
   * previous bound (included) to its own (excluded); the last bin is from 10 s up.
   */
  static final double[] HISTOGRAM_MS = {1, 5, 10, 25, 50, 100, 500, 1000, 10_000};
  /** Processes whose wait or connection line waits for its follow-up line. */
  private static final int MAX_PENDING = 10_000;

  private static final String[] TYPES = QueryTypes.TYPES;

  private final Fingerprinter fingerprinter = new Fingerprinter();

  // time distribution
  private long sliceMs = 60_000;
  private TreeMap<Long, Slice> slices = new TreeMap<>();
  private long lastKey;
  private Slice lastSlice;
  /** The instant {@link #lastSlice} was last looked up for. */
  private Instant lastSliceAt;
  private long minTs = Long.MAX_VALUE;
  private long maxTs = Long.MIN_VALUE;
  private final long[] histogram = new long[HISTOGRAM_MS.length + 1];
  private final long[] typeCount = new long[TYPES.length];
  private final double[] typeMs = new double[TYPES.length];

  private final Groups<ErrorAcc> errors = new Groups<>();
  private final Groups<ErrorAcc> cancellations = new Groups<>();
  private final Groups<LockAcc> lockWaits = new Groups<>();
  private final Map<Integer, double[]> openWaits = bounded();
  private final Map<Integer, LockAcc> openWaitGroup = bounded();
  private final List<Deadlock> deadlocks = new ArrayList<>();
  private long deadlocksNotListed;
  private final Groups<TempAcc> tempFiles = new Groups<>();

  private long checkpoints;
  private long restartpoints;
  private long buffersWritten;
  private double writeMs;
  private double syncMs;
  private double distanceKb;
  private long distances;
  private long tooFrequent;
  private final BoundedCounts checkpointReasons = new BoundedCounts(20);

  private final Groups<TableAcc> tables = new Groups<>();

  private long connections;
  private long disconnections;
  private double sessionMs;
  private long sessionDurations;
  private long concurrent;
  private long peakConcurrent;
  private Instant peakAt;
  private final Map<Integer, String> receivedHost = bounded();
  /** The last statement each backend executed, for temp files logged without a STATEMENT. */
  private final Map<Integer, String> lastExecuted = bounded();
  private final Map<Integer, Boolean> awaitingApplication = bounded();
  private final BoundedCounts byDatabase = new BoundedCounts(MAX_SESSION_KEYS);
  private final BoundedCounts byUser = new BoundedCounts(MAX_SESSION_KEYS);
  private final BoundedCounts byHost = new BoundedCounts(MAX_SESSION_KEYS);
  private final BoundedCounts byApplication = new BoundedCounts(MAX_SESSION_KEYS);

  /** Executed statements (parse and bind phases are not statements, as in the workload). */
  public void event(LogEvent event) {
    if (!(event instanceof ExecutedStatement s)) {
      return;
    }
    if (s.phase() == LogEvent.Phase.PARSE || s.phase() == LogEvent.Phase.BIND) {
      return;
    }
    if (s.origin().pid() != null && s.text() != null) {
      lastExecuted.put(s.origin().pid(), s.text());
    }
    double ms = QueryAccumulator.clean(s.durationMs());
    int bin = 0;
    while (bin < HISTOGRAM_MS.length && ms >= HISTOGRAM_MS[bin]) {
      bin++;
    }
    histogram[bin]++;
    int type = typeOf(s.text());
    typeCount[type]++;
    typeMs[type] += ms;
    var slice = slice(s.origin().timestamp());
    if (slice != null) {
      slice.statements++;
      slice.timeMs += ms;
      slice.record(ms);
    }
  }

  /**
   * {@link #record} of a LOG record whose message logs a statement: it starts with {@code
   * duration: }, {@code statement: } or {@code execute } (a message {@link
   * io.pgdba.log.LogEventAssembler} read a head of). No section here counts those, so only their
   * time is taken in, and the message is not read: the thread that parsed the record wrote it,
   * and this one would otherwise touch it for nothing.
   */
  public void statementRecord(LogRecord r) {
    seen(r.timestamp());
  }

  /** Every record the reader gives, in order. */
  public void record(LogRecord r) {
    String m = r.message();
    String severity = r.severity();
    if (m == null || severity == null) {
      return;
    }
    seen(r.timestamp());
    switch (severity) {
      case "ERROR", "FATAL", "PANIC" -> error(r, m, severity);
      case "LOG" -> log(r, m);
      default -> {
        // WARNING, NOTICE, DEBUG: not counted by these sections
      }
    }
  }

  private void error(LogRecord r, String m, String severity) {
    var slice = slice(r.timestamp());
    if (slice != null) {
      slice.errors++;
    }
    if (m.startsWith("deadlock detected")) {
      deadlock(r);
    }
    boolean cancelled = isCancellation(r.sqlState(), m);
    String pattern = ErrorPatterns.normalize(m);
    String key = r.sqlState() + '\u0000' + severity + '\u0000' + pattern;
    var groups = cancelled ? cancellations : errors;
    var acc = groups.get(key, () -> new ErrorAcc(r.sqlState(), severity, pattern),
        () -> new ErrorAcc(null, null, LogReport.OTHER));
    acc.count++;
    acc.seen(r.timestamp());
    if (acc.example == null) {
      acc.example = cut(r.statement() != null ? r.statement() : m);
    }
  }

  /**
   * Cancelled statements and timeouts: what a DBA reads apart from real errors. By SQLSTATE when
   * the format has it, else by PostgreSQL's (English) message.
   */
  static boolean isCancellation(String sqlState, String m) {
    if (sqlState != null) {
      return switch (sqlState) {
        // query_canceled, idle_in_transaction / idle_session / transaction timeouts
        case "57014", "25P03", "57P05", "25P04" -> true;
        // lock_not_available: a lock_timeout cancels, a NOWAIT is an error
        case "55P03" -> m.contains("timeout");
        default -> false;
      };
    }
    return m.startsWith("canceling statement due to")
        || m.startsWith("canceling autovacuum task")
        || (m.startsWith("terminating connection due to") && m.contains("timeout"));
  }

  private void log(LogRecord r, String m) {
    // most LOG lines of a log worth reading are durations and statements, which no section
    // below counts: one look at the first character instead of seven prefixes that fail
    char first = m.isEmpty() ? ' ' : m.charAt(0);
    if ((first != 'c' && first != 'r' && first != 'a' && first != 't' && first != 'p'
        && first != 'd') || m.startsWith("duration: ")) {
      return;
    }
    if (m.startsWith("checkpoint ") || m.startsWith("restartpoint ")
        || m.startsWith("checkpoints are occurring too frequently")) {
      checkpoint(r, m);
    } else if (m.startsWith("automatic ")) {
      autovacuum(m);
    } else if (m.startsWith("temporary file: ")) {
      tempFile(r, m);
    } else if (m.startsWith("process ")) {
      lock(r, m);
    } else if (m.startsWith("connection received: ")) {
      String host = value(m, "host=");
      if (r.pid() != null && host != null) {
        receivedHost.put(r.pid(), host);
      }
    } else if (m.startsWith("connection authorized: ")) {
      connection(r, m);
    } else if (m.startsWith("disconnection: session time: ")) {
      disconnection(r, m);
    }
  }

  private void checkpoint(LogRecord r, String m) {
    if (m.startsWith("checkpoints are occurring too frequently")) {
      tooFrequent++;
    } else if (m.startsWith("checkpoint starting: ")) {
      String reason = m.substring(21).strip();
      checkpointReasons.add(reason.isEmpty() ? "(none)" : cut(reason, 100), 1);
    } else if (m.startsWith("checkpoint complete: ") || m.startsWith("restartpoint complete: ")) {
      if (m.startsWith("checkpoint")) {
        checkpoints++;
        var slice = slice(r.timestamp());
        if (slice != null) {
          slice.checkpoints++;
        }
      } else {
        restartpoints++;
      }
      buffersWritten += (long) MessageNumbers.after(m, "wrote ");
      writeMs += MessageNumbers.after(m, "write=") * 1000;
      syncMs += MessageNumbers.after(m, "sync=") * 1000;
      if (m.contains("distance=")) {
        distanceKb += MessageNumbers.after(m, "distance=");
        distances++;
      }
    }
  }

  /** {@code automatic [aggressive ]vacuum [to prevent wraparound ]of table "..."}, PG 13 to 17. */
  private void autovacuum(String m) {
    boolean analyze = m.startsWith("automatic analyze of table ");
    if (!analyze && !m.contains("vacuum ")) {
      return;
    }
    int open = m.indexOf('"');
    int close = open < 0 ? -1 : m.indexOf('"', open + 1);
    if (close < 0) {
      return;
    }
    String table = cut(m.substring(open + 1, close), 200);
    var acc = tables.get(table, () -> new TableAcc(table), () -> new TableAcc(LogReport.OTHER));
    if (analyze) {
      acc.analyzes++;
    } else {
      acc.vacuums++;
      acc.tuplesRemoved += (long) MessageNumbers.after(m, "tuples: ");
      acc.pagesRemoved += (long) MessageNumbers.after(m, "pages: ");
    }
    acc.totalMs += MessageNumbers.after(m, "elapsed: ") * 1000;
  }

  private void tempFile(LogRecord r, String m) {
    long size = (long) MessageNumbers.after(m, ", size ");
    var slice = slice(r.timestamp());
    if (slice != null) {
      slice.tempFiles++;
      slice.tempBytes += size;
    }
    // the extended protocol (JDBC, most drivers) deletes a portal's temp files at Sync, after
    // the execute line and without a STATEMENT: the backend's last statement wrote them
    String statement = r.statement() != null || r.pid() == null
        ? r.statement() : lastExecuted.get(r.pid());
    var acc = byStatement(tempFiles, statement, (fp, q) -> new TempAcc(fp, q), "");
    acc.count++;
    acc.totalBytes += size;
    acc.maxBytes = Math.max(acc.maxBytes, size);
  }

  /**
   * {@code process N still waiting for ShareLock on transaction 7 after 1000.1 ms}, then maybe
   * {@code process N acquired ShareLock on transaction 7 after 2000.2 ms}.
   */
  private void lock(LogRecord r, String m) {
    int still = m.indexOf(" still waiting for ");
    Integer pid = pidOf(m);
    if (still > 0) {
      int after = m.lastIndexOf(" after ");
      String what = m.substring(still + 19, after > still ? after : m.length());
      String lockType = lockType(what);
      double ms = MessageNumbers.after(m, " after ");
      var acc = byStatement(lockWaits, r.statement(), (fp, q) -> new LockAcc(fp, q, lockType),
          lockType);
      acc.count++;
      acc.totalMs += ms;
      acc.maxMs = Math.max(acc.maxMs, ms);
      if (pid != null) {
        openWaits.put(pid, new double[] {ms});
        openWaitGroup.put(pid, acc);
      }
    } else if (m.contains(" acquired ") && m.contains(" after ")) {
      double[] waited = pid == null ? null : openWaits.remove(pid);
      var acc = pid == null ? null : openWaitGroup.remove(pid);
      double ms = MessageNumbers.after(m, " after ");
      if (waited != null && acc != null) {
        if (ms > waited[0]) {
          acc.totalMs += ms - waited[0];
          acc.maxMs = Math.max(acc.maxMs, ms);
        }
        return;
      }
      // its "still waiting" line came before the log started (or was lost): still a wait
      int acquired = m.indexOf(" acquired ");
      int after = m.lastIndexOf(" after ");
      String lockType = lockType(m.substring(acquired + 10, Math.max(acquired + 10, after)));
      var group = byStatement(lockWaits, r.statement(), (fp, q) -> new LockAcc(fp, q, lockType),
          lockType);
      group.count++;
      group.totalMs += ms;
      group.maxMs = Math.max(group.maxMs, ms);
    }
  }

  /** {@code ShareLock on transaction 745} gives {@code ShareLock on transaction}. */
  static String lockType(String what) {
    var words = what.strip().split(" ");
    var sb = new StringBuilder();
    for (int i = 0; i < words.length; i++) {
      String w = words[i];
      if (w.isEmpty() || (i > 1 && !Character.isLetter(w.charAt(0)))) {
        break;
      }
      if (i > 1 && w.equals("of") && i + 1 < words.length
          && !Character.isLetter(words[i + 1].charAt(0))) {
        break;
      }
      sb.append(sb.length() == 0 ? "" : " ").append(w);
    }
    return cut(sb.toString(), 100);
  }

  private static Integer pidOf(String m) {
    int end = m.indexOf(' ', 8);
    try {
      return end < 0 ? null : Integer.valueOf(m.substring(8, end));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The statements of a deadlock, from the DETAIL's {@code Process N: <statement>} lines (each may
   * span several lines), else the statement of the process that was cancelled.
   */
  private void deadlock(LogRecord r) {
    if (deadlocks.size() >= MAX_DEADLOCKS) {
      deadlocksNotListed++;
      return;
    }
    var statements = new ArrayList<String>();
    if (r.detail() != null) {
      StringBuilder current = null;
      for (String line : r.detail().split("\n")) {
        String t = line.startsWith("\t") ? line.substring(1) : line;
        int colon = t.indexOf(": ");
        if (t.startsWith("Process ") && colon > 8 && isDigits(t, 8, colon)) {
          if (current != null) {
            statements.add(cut(current.toString().strip()));
          }
          current = new StringBuilder(t.substring(colon + 2));
        } else if (t.startsWith("Process ") && t.contains(" waits for ")) {
          continue;
        } else if (current != null) {
          current.append('\n').append(t);
        }
      }
      if (current != null) {
        statements.add(cut(current.toString().strip()));
      }
    }
    if (statements.isEmpty() && r.statement() != null) {
      statements.add(cut(r.statement()));
    }
    deadlocks.add(new Deadlock(r.timestamp(), List.copyOf(statements)));
  }

  private static boolean isDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return to > from;
  }

  /** {@code connection authorized: user=u database=d application_name=a [SSL enabled ...]}. */
  private void connection(LogRecord r, String m) {
    connections++;
    concurrent++;
    if (concurrent > peakConcurrent) {
      peakConcurrent = concurrent;
      peakAt = r.timestamp();
    }
    var slice = slice(r.timestamp());
    if (slice != null) {
      slice.connections++;
    }
    byDatabase.add(orElse(value(m, "database="), known(r.database())), 1);
    byUser.add(orElse(value(m, "user="), known(r.user())), 1);
    String app = orElse(applicationName(m), known(r.application()));
    if (app != null) {
      byApplication.add(app, 1);
    } else if (r.pid() != null) {
      // drivers that SET application_name after connecting: the session's end names it
      awaitingApplication.put(r.pid(), Boolean.TRUE);
    } else {
      byApplication.add(UNKNOWN, 1);
    }
    String host = r.pid() == null ? null : receivedHost.remove(r.pid());
    byHost.add(orElse(host, known(hostOnly(r.host()))), 1);
  }

  private void disconnection(LogRecord r, String m) {
    disconnections++;
    if (r.pid() != null && awaitingApplication.remove(r.pid()) != null) {
      String app = known(r.application());
      byApplication.add(app != null ? app : UNKNOWN, 1);
    }
    // a session opened before the log started ends without having been counted
    concurrent = Math.max(0, concurrent - 1);
    double s = sessionSeconds(m, 29);
    if (s >= 0) {
      sessionMs += s * 1000;
      sessionDurations++;
    }
  }

  /** The application name runs to the end, less what PG appends after it (SSL, GSS). */
  private static String applicationName(String m) {
    int at = m.indexOf(" application_name=");
    if (at < 0) {
      return null;
    }
    String v = m.substring(at + 18);
    for (String tail : new String[] {" SSL enabled", " GSS ", " (", " identity="}) {
      int t = v.indexOf(tail);
      if (t >= 0) {
        v = v.substring(0, t);
      }
    }
    return v.isEmpty() ? null : cut(v, 200);
  }

  /** {@code host(port)} as {@code %r} writes it gives the host. */
  private static String hostOnly(String host) {
    if (host == null || host.isEmpty()) {
      return null;
    }
    int paren = host.indexOf('(');
    return paren > 0 ? host.substring(0, paren) : host;
  }

  /** The space-delimited value after {@code key} in {@code m}, null when absent or empty. */
  static String value(String m, String key) {
    int at = m.indexOf(key);
    while (at > 0 && m.charAt(at - 1) != ' ') {
      at = m.indexOf(key, at + 1);
    }
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    int end = m.indexOf(' ', start);
    String v = end < 0 ? m.substring(start) : m.substring(start, end);
    return v.isEmpty() ? null : cut(v, 200);
  }

  /** What PostgreSQL prints for a field it does not know yet. */
  static final String UNKNOWN = "[unknown]";

  private static String known(String s) {
    return s == null || s.isEmpty() || s.equals(UNKNOWN) ? null : s;
  }

  private static String orElse(String a, String b) {
    return a != null ? a : (b == null || b.isEmpty() ? null : cut(b, 200));
  }

  /** {@code H:MM:SS.mmm} (hours may exceed 24) as seconds, -1 when unreadable. */
  private static double sessionSeconds(String m, int from) {
    if (from > m.length()) {
      return -1;
    }
    int end = m.indexOf(' ', from);
    String[] parts = (end < 0 ? m.substring(from) : m.substring(from, end)).split(":");
    if (parts.length != 3) {
      return -1;
    }
    try {
      return Long.parseLong(parts[0]) * 3600 + Long.parseLong(parts[1]) * 60
          + Double.parseDouble(parts[2]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // --- grouping by statement ---

  private interface GroupMaker<T> {
    T make(String fingerprint, String query);
  }

  /** The group of the statement's fingerprint (plus {@code extra}), or of no statement. */
  private <T> T byStatement(Groups<T> groups, String statement, GroupMaker<T> maker,
      String extra) {
    String fp = null;
    String query = null;
    if (statement != null && !statement.isBlank()) {
      long hash = fingerprinter.fingerprint(statement);
      fp = Fingerprinter.hex(hash);
      query = fingerprinter.textLength() > MAX_TEXT
          ? fingerprinter.text().substring(0, MAX_TEXT) + " ..." : fingerprinter.text();
    }
    String f = fp;
    String q = query;
    return groups.get(fp + '\u0000' + extra, () -> maker.make(f, q),
        () -> maker.make(LogReport.OTHER, LogReport.OTHER));
  }

  /** A map of at most {@link #MAX_GROUPS} keys, then one shared "other" value. */
  private static final class Groups<T> {
    final Map<String, T> map = new HashMap<>();
    T other;

    T get(String key, java.util.function.Supplier<T> make,
        java.util.function.Supplier<T> makeOther) {
      T v = map.get(key);
      if (v != null) {
        return v;
      }
      if (map.size() >= MAX_GROUPS) {
        if (other == null) {
          other = makeOther.get();
        }
        return other;
      }
      v = make.get();
      map.put(key, v);
      return v;
    }

    List<T> all() {
      var list = new ArrayList<>(map.values());
      if (other != null) {
        list.add(other);
      }
      return list;
    }
  }

  private static <V> Map<Integer, V> bounded() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, V> eldest) {
        return size() > MAX_PENDING;
      }
    };
  }

  private static final class ErrorAcc {
    final String sqlState;
    final String severity;
    final String pattern;
    long count;
    Instant first;
    Instant last;
    String example;

    ErrorAcc(String sqlState, String severity, String pattern) {
      this.sqlState = sqlState;
      this.severity = severity;
      this.pattern = pattern;
    }

    void seen(Instant ts) {
      if (ts == null) {
        return;
      }
      if (first == null || ts.isBefore(first)) {
        first = ts;
      }
      if (last == null || ts.isAfter(last)) {
        last = ts;
      }
    }

    ErrorGroup toGroup() {
      return new ErrorGroup(sqlState, severity, pattern, count, first, last, example);
    }
  }

  private static final class LockAcc {
    final String fingerprint;
    final String query;
    final String lockType;
    long count;
    double totalMs;
    double maxMs;

    LockAcc(String fingerprint, String query, String lockType) {
      this.fingerprint = fingerprint;
      this.query = query;
      this.lockType = lockType;
    }
  }

  private static final class TempAcc {
    final String fingerprint;
    final String query;
    long count;
    long totalBytes;
    long maxBytes;

    TempAcc(String fingerprint, String query) {
      this.fingerprint = fingerprint;
      this.query = query;
    }
  }

  private static final class TableAcc {
    final String table;
    long vacuums;
    long analyzes;
    double totalMs;
    long tuplesRemoved;
    long pagesRemoved;

    TableAcc(String table) {
      this.table = table;
    }
  }

  // --- time slices ---

  private static final class Slice {
    long statements;
    double timeMs;
    long errors;
    long tempFiles;
    long tempBytes;
    long checkpoints;
    long connections;
    IntCountsHistogram durations;
    double maxMs;

    void record(double ms) {
      maxMs = Math.max(maxMs, ms);
      if (durations == null) {
        durations = new IntCountsHistogram(2);
      }
      durations.recordValue(Math.min(1_000_000_000_000L, Math.round(ms * 1000)));
    }

    void absorb(Slice o) {
      statements += o.statements;
      timeMs += o.timeMs;
      errors += o.errors;
      tempFiles += o.tempFiles;
      tempBytes += o.tempBytes;
      checkpoints += o.checkpoints;
      connections += o.connections;
      maxMs = Math.max(maxMs, o.maxMs);
      if (o.durations != null) {
        if (durations == null) {
          durations = new IntCountsHistogram(2);
        }
        durations.add(o.durations);
      }
    }
  }

  /**
   * The instant {@link #seen} last took in. A parser gives the records of one second one shared
   * Instant: for the next ones, one comparison instead of a conversion (two checked
   * multiplications) that would find them within the span.
   */
  private Instant lastSeen;

  private void seen(Instant ts) {
    if (ts == null || ts == lastSeen) {
      return;
    }
    lastSeen = ts;
    long t = ts.toEpochMilli();
    if (t >= minTs && t <= maxTs) {
      return; // within the span seen (nearly every record of a log in time order): no change
    }
    minTs = Math.min(minTs, t);
    maxTs = Math.max(maxTs, t);
    if (sliceMs < 3600_000L && maxTs - minTs >= MINUTE_LOG_SPAN_MS) {
      rekey(3600_000L);
    }
    while ((maxTs - minTs) / sliceMs >= MAX_SLICES) {
      rekey(sliceMs * 2);
    }
  }

  private Slice slice(Instant ts) {
    if (ts == null) {
      return null;
    }
    // the very Instant of the slice before (one per second of a log): its slice, unless a
    // rekey since has dropped it
    if (ts == lastSliceAt && lastSlice != null) {
      return lastSlice;
    }
    seen(ts);
    long key = Math.floorDiv(ts.toEpochMilli(), sliceMs);
    // logs are in time order: nearly every record falls in the slice of the one before
    if (lastSlice == null || key != lastKey) {
      lastSlice = slices.computeIfAbsent(key, k -> new Slice());
      lastKey = key;
    }
    lastSliceAt = ts;
    return lastSlice;
  }

  private void rekey(long width) {
    var merged = new TreeMap<Long, Slice>();
    for (var e : slices.entrySet()) {
      long k = Math.floorDiv(e.getKey() * sliceMs, width);
      merged.computeIfAbsent(k, x -> new Slice()).absorb(e.getValue());
    }
    slices = merged;
    sliceMs = width;
    lastSlice = null;
  }

  private static final int TYPE_CACHE_SIZE = 1024;
  private static final int TYPE_CACHE_MAX_CHARS = 4096;
  private final String[] typeCacheText = new String[TYPE_CACHE_SIZE];
  private final byte[] typeCacheIndex = new byte[TYPE_CACHE_SIZE];

  /**
   * The type index of a statement text. Mostly the first word gives it, read without hashing the
   * text. Reading a WITH query's type walks all of it, and logs repeat the very same text
   * (prepared statements): for those a small direct-mapped cache by exact text.
   */
  private int typeOf(String text) {
    int byFirstWord = QueryTypes.ofFirstWordIndex(text);
    if (byFirstWord >= 0) {
      return byFirstWord;
    }
    int slot = text.hashCode() & (TYPE_CACHE_SIZE - 1);
    if (text.equals(typeCacheText[slot])) {
      return typeCacheIndex[slot];
    }
    int type = typeIndex(QueryTypes.of(text));
    if (text.length() <= TYPE_CACHE_MAX_CHARS) {
      typeCacheText[slot] = text;
      typeCacheIndex[slot] = (byte) type;
    }
    return type;
  }

  private static int typeIndex(String type) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i].equals(type)) {
        return i;
      }
    }
    return TYPES.length - 1;
  }

  // --- the result ---

  public LogReport build() {
    return new LogReport(
        timeline(),
        durationHistogram(),
        queryTypes(),
        errorGroups(errors),
        errorGroups(cancellations),
        lockGroups(),
        List.copyOf(deadlocks),
        deadlocksNotListed,
        tempGroups(),
        checkpointSummary(),
        tableGroups(),
        sessionSummary());
  }

  private Timeline timeline() {
    if (slices.isEmpty()) {
      return null;
    }
    var buckets = new ArrayList<Bucket>();
    Bucket peak = null;
    for (var e : slices.entrySet()) {
      var s = e.getValue();
      // the histogram's value is the top of its 1 % bin: never more than the slowest statement
      double p95 = s.durations == null
          ? 0 : Math.min(s.maxMs, s.durations.getValueAtPercentile(95) / 1000.0);
      var b = new Bucket(Instant.ofEpochMilli(e.getKey() * sliceMs), s.statements, s.timeMs,
          p95, s.errors, s.tempFiles, s.tempBytes, s.checkpoints, s.connections);
      buckets.add(b);
      if (b.statements() > 0 && (peak == null || b.statements() > peak.statements())) {
        peak = b;
      }
    }
    return new Timeline(sliceMs / 1000, List.copyOf(buckets), peak);
  }

  private List<HistogramBin> durationHistogram() {
    long total = 0;
    for (long c : histogram) {
      total += c;
    }
    if (total == 0) {
      return List.of();
    }
    var bins = new ArrayList<HistogramBin>();
    for (int i = 0; i < histogram.length; i++) {
      bins.add(new HistogramBin(i < HISTOGRAM_MS.length ? HISTOGRAM_MS[i] : null, histogram[i]));
    }
    return List.copyOf(bins);
  }

  private List<QueryType> queryTypes() {
    var list = new ArrayList<QueryType>();
    for (int i = 0; i < TYPES.length; i++) {
      if (typeCount[i] > 0) {
        list.add(new QueryType(TYPES[i], typeCount[i], typeMs[i]));
      }
    }
    list.sort(Comparator.comparingLong(QueryType::count).reversed()
        .thenComparing(QueryType::type));
    return List.copyOf(list);
  }

  private static List<ErrorGroup> errorGroups(Groups<ErrorAcc> groups) {
    var list = new ArrayList<ErrorGroup>();
    for (var a : groups.all()) {
      list.add(a.toGroup());
    }
    list.sort(Comparator.comparingLong(ErrorGroup::count).reversed()
        .thenComparing(ErrorGroup::pattern)
        .thenComparing(g -> String.valueOf(g.sqlState()))
        .thenComparing(g -> String.valueOf(g.severity())));
    return List.copyOf(list);
  }

  private List<LockWaitGroup> lockGroups() {
    var list = new ArrayList<LockWaitGroup>();
    for (var a : lockWaits.all()) {
      list.add(new LockWaitGroup(a.fingerprint, a.query, a.lockType, a.count, a.totalMs,
          a.maxMs));
    }
    list.sort(Comparator.comparingDouble(LockWaitGroup::totalWaitMs).reversed()
        .thenComparing(g -> String.valueOf(g.fingerprint()))
        .thenComparing(LockWaitGroup::lockType));
    return List.copyOf(list);
  }

  private List<TempFileGroup> tempGroups() {
    var list = new ArrayList<TempFileGroup>();
    for (var a : tempFiles.all()) {
      list.add(new TempFileGroup(a.fingerprint, a.query, a.count, a.totalBytes, a.maxBytes));
    }
    list.sort(Comparator.comparingLong(TempFileGroup::totalBytes).reversed()
        .thenComparing(g -> String.valueOf(g.fingerprint())));
    return List.copyOf(list);
  }

  private Checkpoints checkpointSummary() {
    if (checkpoints + restartpoints + tooFrequent == 0 && checkpointReasons.toMap().isEmpty()) {
      return null;
    }
    return new Checkpoints(checkpoints, restartpoints, buffersWritten, writeMs, syncMs,
        distances == 0 ? Double.NaN : distanceKb / distances, tooFrequent,
        checkpointReasons.toMap());
  }

  private List<TableMaintenance> tableGroups() {
    var list = new ArrayList<TableMaintenance>();
    for (var a : tables.all()) {
      list.add(new TableMaintenance(a.table, a.vacuums, a.analyzes, a.totalMs, a.tuplesRemoved,
          a.pagesRemoved));
    }
    list.sort(Comparator.comparingLong((TableMaintenance t) -> t.vacuums() + t.analyzes())
        .reversed()
        .thenComparing(Comparator.comparingDouble(TableMaintenance::totalMs).reversed())
        .thenComparing(TableMaintenance::table));
    return List.copyOf(list);
  }

  private Sessions sessionSummary() {
    if (connections + disconnections == 0) {
      return null;
    }
    var applications = new LinkedHashMap<>(byApplication.toMap());
    if (!awaitingApplication.isEmpty()) {
      // sessions still open at the end of the log, whose application was never named
      applications.merge(UNKNOWN, (long) awaitingApplication.size(), Long::sum);
    }
    return new Sessions(connections, disconnections, peakConcurrent, peakAt,
        sessionDurations == 0 ? 0 : sessionMs / sessionDurations, byDatabase.toMap(),
        byUser.toMap(), byHost.toMap(), applications);
  }

  // --- small parsers ---


  private static String cut(String s) {
    return cut(s, MAX_TEXT);
  }

  private static String cut(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + " ...";
  }
}
