package io.pgdba.report;

import static io.pgdba.report.TextReport.bytes;
import static io.pgdba.report.TextReport.count;
import static io.pgdba.report.TextReport.num;

import io.pgdba.workload.LogReport;
import io.pgdba.workload.LogReport.Bucket;
import io.pgdba.workload.LogReport.ErrorGroup;
import io.pgdba.workload.QueryStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The log report sections in the text report, one compact section each, in the order a DBA
 * reads a log: when, what, what failed, what waited, what spilled, what the server did, who
 * connected; then the top queries in depth. Everything logged is shown on one line with control
 * characters replaced (logged text is attacker-controlled and must not drive a terminal).
 */
final class LogReportText {

  /** Rows of a ranked section; the JSON report has them all. */
  static final int ROWS = 20;
  /** Slices of the time distribution listed in full; past it, the busiest ones. */
  static final int SLICES = 48;
  private static final int QUERY_WIDTH = 80;

  private LogReportText() {}

  static void append(StringBuilder out, LogReport log) {
    if (log == null) {
      return;
    }
    timeline(out, log);
    histogram(out, log);
    queryTypes(out, log);
    errors(out, "Errors by SQLSTATE and message", log.errors());
    errors(out, "Cancelled statements and timeouts", log.cancellations());
    lockWaits(out, log);
    deadlocks(out, log);
    tempFiles(out, log);
    checkpoints(out, log);
    autovacuum(out, log);
    sessions(out, log);
  }

  private static void timeline(StringBuilder out, LogReport log) {
    var t = log.timeline();
    if (t == null) {
      return;
    }
    var shown = t.buckets();
    String note = "";
    if (shown.size() > SLICES) {
      shown = new ArrayList<>(shown);
      shown.sort(Comparator.comparingLong(Bucket::statements).reversed()
          .thenComparing(Bucket::start));
      shown = new ArrayList<>(shown.subList(0, SLICES));
      shown.sort(Comparator.comparing(Bucket::start));
      note = ", the " + SLICES + " busiest of " + count(t.buckets().size()) + " shown";
    }
    out.append("\nTime distribution (per ").append(width(t.bucketSeconds())).append(note)
        .append(")\n");
    var table = new TextTable("start", "statements", "total ms", "p95 ms", "errors",
        "temp files", "temp size", "checkpoints", "connections", "");
    for (var b : shown) {
      table.row(b.start().toString(), count(b.statements()), num(b.totalTimeMs()),
          num(b.p95Ms()), count(b.errors()), count(b.tempFiles()), bytes(b.tempFileBytes()),
          count(b.checkpoints()), count(b.connections()), "");
    }
    table.appendTo(out, "  ");
    if (t.peak() != null) {
      out.append("  peak: ").append(t.peak().start()).append(", ")
          .append(count(t.peak().statements())).append(" statements, ")
          .append(num(t.peak().totalTimeMs())).append(" ms\n");
    }
  }

  private static String width(long seconds) {
    if (seconds == 60) {
      return "minute";
    }
    if (seconds == 3600) {
      return "hour";
    }
    return seconds % 3600 == 0 ? (seconds / 3600) + " hours" : seconds + " s";
  }

  private static void histogram(StringBuilder out, LogReport log) {
    var bins = log.durationHistogram();
    if (bins.isEmpty()) {
      return;
    }
    long total = bins.stream().mapToLong(LogReport.HistogramBin::count).sum();
    out.append("\nStatement durations\n");
    var table = new TextTable("duration", "statements", "share", "");
    Double previous = null;
    for (var b : bins) {
      String label = b.upToMs() == null
          ? "> " + ms(previous)
          : (previous == null ? "0" : ms(previous)) + " - " + ms(b.upToMs());
      table.row(label, count(b.count()), percent(b.count(), total), "");
      previous = b.upToMs();
    }
    table.appendTo(out, "  ");
  }

  private static String ms(Double v) {
    return v >= 1000 ? (long) (v / 1000) + " s" : (long) v.doubleValue() + " ms";
  }

  private static String percent(long part, long total) {
    return total == 0 ? "-" : num(100.0 * part / total) + "%";
  }

  private static void queryTypes(StringBuilder out, LogReport log) {
    if (log.queryTypes().isEmpty()) {
      return;
    }
    long total = log.queryTypes().stream().mapToLong(LogReport.QueryType::count).sum();
    out.append("\nQuery types\n");
    var table = new TextTable("type", "count", "share", "total ms", "");
    for (var q : log.queryTypes()) {
      table.row(q.type(), count(q.count()), percent(q.count(), total), num(q.totalTimeMs()), "");
    }
    table.appendTo(out, "  ");
  }

  private static void errors(StringBuilder out, String title, List<ErrorGroup> groups) {
    if (groups.isEmpty()) {
      return;
    }
    long total = groups.stream().mapToLong(ErrorGroup::count).sum();
    out.append('\n').append(title).append(": ").append(count(total)).append('\n');
    var table = new TextTable("count", "sqlstate", "severity", "first seen", "last seen",
        "pattern");
    for (var e : top(groups)) {
      table.row(count(e.count()), dash(e.sqlState()), dash(e.severity()), time(e.firstSeen()),
          time(e.lastSeen()), line(e.pattern(), QUERY_WIDTH));
    }
    table.appendTo(out, "  ");
    more(out, groups.size());
    out.append("  examples:\n");
    for (var e : top(groups)) {
      out.append("    ").append(line(e.pattern(), 40)).append(": ")
          .append(line(e.example(), 120)).append('\n');
    }
  }

  private static void lockWaits(StringBuilder out, LogReport log) {
    if (log.lockWaits().isEmpty()) {
      return;
    }
    out.append("\nLock waits\n");
    var table = new TextTable("waits", "total ms", "max ms", "lock", "fingerprint", "query");
    for (var w : top(log.lockWaits())) {
      table.row(count(w.count()), num(w.totalWaitMs()), num(w.maxWaitMs()), line(w.lockType(),
          40), dash(w.fingerprint()), line(w.query(), QUERY_WIDTH));
    }
    table.appendTo(out, "  ");
    more(out, log.lockWaits().size());
  }

  private static void deadlocks(StringBuilder out, LogReport log) {
    if (log.deadlocks().isEmpty()) {
      return;
    }
    out.append("\nDeadlocks: ").append(count(log.deadlocks().size() + log.deadlocksNotListed()))
        .append('\n');
    for (var d : top(log.deadlocks())) {
      out.append("  ").append(time(d.at())).append('\n');
      for (var s : d.statements()) {
        out.append("    - ").append(line(s, 120)).append('\n');
      }
    }
    more(out, log.deadlocks().size() + log.deadlocksNotListed());
  }

  private static void tempFiles(StringBuilder out, LogReport log) {
    if (log.tempFiles().isEmpty()) {
      return;
    }
    out.append("\nTemporary files\n");
    var table = new TextTable("files", "total", "max", "fingerprint", "query");
    for (var f : top(log.tempFiles())) {
      table.row(count(f.count()), bytes(f.totalBytes()), bytes(f.maxBytes()),
          dash(f.fingerprint()), line(f.query(), QUERY_WIDTH));
    }
    table.appendTo(out, "  ");
    more(out, log.tempFiles().size());
  }

  private static void checkpoints(StringBuilder out, LogReport log) {
    var c = log.checkpoints();
    if (c == null) {
      return;
    }
    out.append("\nCheckpoints: ").append(count(c.count()))
        .append(c.restartpoints() > 0 ? " (and " + count(c.restartpoints()) + " restartpoints)"
            : "")
        .append('\n');
    out.append("  buffers written ").append(count(c.buffersWritten()))
        .append(", write ").append(num(c.writeMs())).append(" ms, sync ")
        .append(num(c.syncMs())).append(" ms")
        .append(Double.isNaN(c.avgDistanceKb()) ? ""
            : ", mean distance " + num(c.avgDistanceKb()) + " kB")
        .append('\n');
    out.append("  \"checkpoints are occurring too frequently\": ").append(count(c.tooFrequent()))
        .append('\n');
    if (!c.byReason().isEmpty()) {
      out.append("  started by: ").append(joined(c.byReason())).append('\n');
    }
  }

  private static void autovacuum(StringBuilder out, LogReport log) {
    if (log.autovacuum().isEmpty()) {
      return;
    }
    out.append("\nAutovacuum and autoanalyze\n");
    var table = new TextTable("vacuums", "analyzes", "total ms", "tuples removed",
        "pages removed", "table");
    for (var t : top(log.autovacuum())) {
      table.row(count(t.vacuums()), count(t.analyzes()), num(t.totalMs()),
          count(t.tuplesRemoved()), count(t.pagesRemoved()), line(t.table(), QUERY_WIDTH));
    }
    table.appendTo(out, "  ");
    more(out, log.autovacuum().size());
  }

  private static void sessions(StringBuilder out, LogReport log) {
    var s = log.sessions();
    if (s == null) {
      return;
    }
    out.append("\nSessions: ").append(count(s.connections())).append(" connections, ")
        .append(count(s.disconnections())).append(" disconnections, peak ")
        .append(count(s.peakConcurrent())).append(" concurrent")
        .append(s.peakAt() == null ? "" : " at " + s.peakAt())
        .append(", mean session ").append(num(s.meanDurationMs())).append(" ms\n");
    sessionLine(out, "by database", s.byDatabase());
    sessionLine(out, "by user", s.byUser());
    sessionLine(out, "by host", s.byHost());
    sessionLine(out, "by application", s.byApplication());
  }

  private static void sessionLine(StringBuilder out, String label, Map<String, Long> counts) {
    if (!counts.isEmpty()) {
      out.append("  ").append(label).append(": ").append(joined(counts)).append('\n');
    }
  }

  /**
   * The top queries as the JSON has them: where they ran, who ran them, their percentiles and one
   * real execution with its parameters.
   */
  static void queryDetails(StringBuilder out, List<QueryStats> queries) {
    if (queries.isEmpty()) {
      return;
    }
    out.append("\nTop queries in detail\n");
    int i = 1;
    for (var q : queries) {
      out.append("  ").append(i++).append(". ").append(q.fingerprint()).append("  ")
          .append(count(q.calls())).append(" calls, ").append(num(q.totalTimeMs()))
          .append(" ms: ").append(line(q.query(), QUERY_WIDTH)).append('\n');
      out.append("     ms: min ").append(num(q.minTimeMs())).append(", p50 ")
          .append(num(q.p50TimeMs())).append(", p95 ").append(num(q.p95TimeMs()))
          .append(", p99 ").append(num(q.p99TimeMs())).append(", max ")
          .append(num(q.maxTimeMs())).append('\n');
      if (q.firstSeen() != null) {
        out.append("     seen: ").append(q.firstSeen()).append(" .. ").append(q.lastSeen())
            .append('\n');
      }
      field(out, "databases", q.databases());
      field(out, "users", q.users());
      field(out, "applications", q.applications());
      if (q.example() != null) {
        out.append("     example: ").append(line(q.example(), 300)).append('\n');
      }
    }
  }

  private static void field(StringBuilder out, String label, Map<String, Long> counts) {
    if (counts != null && !counts.isEmpty()) {
      out.append("     ").append(label).append(": ").append(joined(counts)).append('\n');
    }
  }

  private static String joined(Map<String, Long> counts) {
    var sb = new StringBuilder();
    int n = 0;
    for (var e : counts.entrySet()) {
      if (n++ == 10) {
        sb.append(", ... (").append(counts.size() - 10).append(" more)");
        break;
      }
      sb.append(n == 1 ? "" : ", ").append(line(e.getKey(), 60)).append(" (")
          .append(count(e.getValue())).append(')');
    }
    return sb.toString();
  }

  private static <T> List<T> top(List<T> list) {
    return list.size() <= ROWS ? list : list.subList(0, ROWS);
  }

  private static void more(StringBuilder out, long size) {
    if (size > ROWS) {
      out.append("  ... ").append(count(size - ROWS)).append(" more in the JSON report\n");
    }
  }

  /** One line of logged text: control characters and layout folded, cut at {@code width}. */
  static String line(String text, int width) {
    if (text == null) {
      return "-";
    }
    return TextReport.truncate(text.replaceAll("[\\p{Cntrl}\\x{80}-\\x{9F}]", " "), width);
  }

  private static String dash(String s) {
    return s == null ? "-" : line(s, 60);
  }

  private static String time(Instant t) {
    return t == null ? "-" : t.toString();
  }
}
