package io.pgdba.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogReadResult;
import io.pgdba.log.PgBouncerSummary;
import io.pgdba.log.PgBouncerSummary.Figure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pgBouncer section, JSON object {@code pgbouncer} and a text block, present only when a
 * pgBouncer log was among the sources: the summaries of all its files merged into one.
 */
final class PgBouncerSection {

  /** Names listed per map in the text report; the JSON has them all. */
  private static final int TEXT_TOP = 10;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PgBouncerSection() {}

  static PgBouncerSummary of(AnalysisReport report) {
    return PgBouncerSummary.merge(report.sources().stream()
        .map(LogReadResult::pgbouncer).filter(Objects::nonNull).toList());
  }

  /** Adds {@code pgbouncer} to {@code root} when there is one. */
  static void addTo(ObjectNode root, AnalysisReport report) {
    var s = of(report);
    if (s == null) {
      return;
    }
    var n = root.putObject("pgbouncer");
    n.put("lines", s.lines());
    n.put("firstSeen", time(s.firstSeen()));
    n.put("lastSeen", time(s.lastSeen()));
    n.put("loginAttempts", s.loginAttempts());
    n.put("serverConnections", s.serverConnections());
    var sessions = n.putObject("sessions");
    sessions.put("closed", s.sessions());
    sessions.put("meanSeconds", round(s.meanSessionSeconds()));
    sessions.put("maxSeconds", s.maxSessionSeconds());
    sessions.put("peakClients", s.peakClients());
    sessions.put("peakClientsAt", time(s.peakClientsAt()));
    counts(n.putObject("byDatabase"), s.byDatabase());
    counts(n.putObject("byUser"), s.byUser());
    counts(n.putObject("byHost"), s.byHost());
    var closings = n.putArray("closings");
    for (var c : s.closings()) {
      closings.addObject().put("side", c.side()).put("reason", c.reason())
          .put("count", c.count());
    }
    var errors = n.putArray("errors");
    for (var e : s.errors()) {
      var o = errors.addObject();
      o.put("severity", e.severity());
      o.put("pattern", e.pattern());
      o.put("count", e.count());
      o.put("firstSeen", time(e.firstSeen()));
      o.put("lastSeen", time(e.lastSeen()));
      o.put("example", e.example());
    }
    if (s.stats() != null) {
      var st = n.putObject("stats");
      st.put("samples", s.stats().samples());
      st.set("xactsPerSecond", figure(s.stats().xactsPerSecond()));
      st.set("queriesPerSecond", figure(s.stats().queriesPerSecond()));
      st.set("bytesInPerSecond", figure(s.stats().bytesInPerSecond()));
      st.set("bytesOutPerSecond", figure(s.stats().bytesOutPerSecond()));
      st.set("xactMicros", figure(s.stats().xactMicros()));
      st.set("queryMicros", figure(s.stats().queryMicros()));
      st.set("waitMicros", figure(s.stats().waitMicros()));
    }
  }

  /** The text block, after the server's sections. */
  static void appendText(StringBuilder out, AnalysisReport report) {
    var s = of(report);
    if (s == null) {
      return;
    }
    out.append("\npgBouncer: ").append(TextReport.count(s.lines())).append(" lines")
        .append(s.firstSeen() == null ? "" : ", " + s.firstSeen() + " to " + s.lastSeen())
        .append('\n');
    out.append("  login attempts: ").append(TextReport.count(s.loginAttempts()))
        .append(", server connections opened: ").append(TextReport.count(s.serverConnections()))
        .append('\n');
    if (s.sessions() > 0) {
      out.append("  client sessions closed: ").append(TextReport.count(s.sessions()))
          .append(", mean ").append(TextReport.num(s.meanSessionSeconds())).append(" s, max ")
          .append(TextReport.count(s.maxSessionSeconds())).append(" s, peak clients ")
          .append(TextReport.count(s.peakClients()))
          .append(s.peakClientsAt() == null ? "" : " at " + s.peakClientsAt()).append('\n');
    }
    top(out, "by database", s.byDatabase());
    top(out, "by user", s.byUser());
    top(out, "by host", s.byHost());
    if (!s.closings().isEmpty()) {
      out.append("  closed because:\n");
      for (var c : s.closings().subList(0, Math.min(TEXT_TOP, s.closings().size()))) {
        out.append("    ").append(pad(TextReport.count(c.count()))).append("  ").append(c.side())
            .append(": ").append(clean(c.reason())).append('\n');
      }
    }
    out.append("  errors and warnings: ").append(s.errors().size()).append(" kinds\n");
    for (var e : s.errors().subList(0, Math.min(TEXT_TOP, s.errors().size()))) {
      out.append("    ").append(pad(TextReport.count(e.count()))).append("  ").append(e.severity())
          .append(' ').append(clean(e.pattern())).append('\n');
    }
    var st = s.stats();
    if (st != null) {
      out.append("  stats lines: ").append(TextReport.count(st.samples())).append('\n');
      stat(out, "transactions/s", st.xactsPerSecond(), "");
      stat(out, "queries/s", st.queriesPerSecond(), "");
      stat(out, "bytes in/s", st.bytesInPerSecond(), "");
      stat(out, "bytes out/s", st.bytesOutPerSecond(), "");
      stat(out, "transaction time", st.xactMicros(), " us");
      stat(out, "query time", st.queryMicros(), " us");
      stat(out, "wait time", st.waitMicros(), " us");
    }
  }

  private static void stat(StringBuilder out, String label, Figure f, String unit) {
    if (f.samples() == 0) {
      return;
    }
    out.append("    ").append(String.format("%-17s", label)).append(" mean ")
        .append(TextReport.num(f.mean())).append(unit).append(", max ")
        .append(TextReport.count(f.max())).append(unit)
        .append(f.maxAt() == null ? "" : " at " + f.maxAt()).append('\n');
  }

  private static void top(StringBuilder out, String label, Map<String, Long> counts) {
    if (counts.isEmpty()) {
      return;
    }
    List<Map.Entry<String, Long>> list = new ArrayList<>(counts.entrySet());
    list.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    var b = new StringBuilder();
    for (var e : list.subList(0, Math.min(TEXT_TOP, list.size()))) {
      b.append(b.isEmpty() ? "" : ", ").append(clean(e.getKey())).append(' ')
          .append(TextReport.count(e.getValue()));
    }
    if (list.size() > TEXT_TOP) {
      b.append(", ").append(list.size() - TEXT_TOP).append(" more");
    }
    out.append("  logins ").append(label).append(": ").append(b).append('\n');
  }

  /** Names and messages come from clients: no control character reaches a terminal. */
  private static String clean(String s) {
    return s.replaceAll("\\p{Cntrl}", "?");
  }

  private static String pad(String s) {
    return String.format("%8s", s);
  }

  private static ObjectNode figure(Figure f) {
    var o = NODES.objectNode();
    o.put("mean", round(f.mean()));
    o.put("max", f.max());
    o.put("maxAt", time(f.maxAt()));
    return o;
  }

  private static void counts(ObjectNode n, Map<String, Long> m) {
    m.forEach(n::put);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
