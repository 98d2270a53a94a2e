package io.pgdba.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgdba.workload.LogReport;
import io.pgdba.workload.LogReport.Bucket;
import io.pgdba.workload.LogReport.ErrorGroup;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The {@code log} object of the JSON report (the contract the HTML report reads): {@code
 * timeline} (with its {@code peak}), {@code durationHistogram}, {@code queryTypes}, {@code
 * errors}, {@code cancellations}, {@code lockWaits}, {@code deadlocks}, {@code tempFiles}, {@code
 * checkpoints}, {@code autovacuum} and {@code sessions}, each only when the log had such events.
 * Times in milliseconds rounded to the microsecond, timestamps ISO-8601 UTC; maps keep the
 * report's order (largest first), which is deterministic.
 */
final class LogReportJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private LogReportJson() {}

  /** Adds {@code log} to {@code root} when there is anything to say. */
  static void add(ObjectNode root, LogReport log) {
    if (log == null || log.isEmpty() && log.durationHistogram().isEmpty()) {
      return;
    }
    root.set("log", node(log));
  }

  static ObjectNode node(LogReport log) {
    var n = NODES.objectNode();
    if (log.timeline() != null) {
      var t = n.putObject("timeline");
      t.put("bucketSeconds", log.timeline().bucketSeconds());
      var buckets = t.putArray("buckets");
      log.timeline().buckets().forEach(b -> buckets.add(bucket(b)));
      if (log.timeline().peak() != null) {
        var p = t.putObject("peak");
        var b = log.timeline().peak();
        p.set("start", time(b.start()));
        p.put("statements", b.statements());
        p.set("totalTimeMs", ms(b.totalTimeMs()));
      }
    }
    if (!log.durationHistogram().isEmpty()) {
      var h = n.putArray("durationHistogram");
      for (var bin : log.durationHistogram()) {
        var o = h.addObject();
        o.set("upToMs", bin.upToMs() == null ? NODES.nullNode() : ms(bin.upToMs()));
        o.put("count", bin.count());
      }
    }
    if (!log.queryTypes().isEmpty()) {
      var a = n.putArray("queryTypes");
      for (var q : log.queryTypes()) {
        var o = a.addObject();
        o.put("type", q.type());
        o.put("count", q.count());
        o.set("totalTimeMs", ms(q.totalTimeMs()));
      }
    }
    errors(n, "errors", log.errors());
    errors(n, "cancellations", log.cancellations());
    if (!log.lockWaits().isEmpty()) {
      var a = n.putArray("lockWaits");
      for (var w : log.lockWaits()) {
        var o = a.addObject();
        o.put("fingerprint", w.fingerprint());
        o.put("query", w.query());
        o.put("lockType", w.lockType());
        o.put("count", w.count());
        o.set("totalWaitMs", ms(w.totalWaitMs()));
        o.set("maxWaitMs", ms(w.maxWaitMs()));
      }
    }
    if (!log.deadlocks().isEmpty()) {
      var a = n.putArray("deadlocks");
      for (var d : log.deadlocks()) {
        var o = a.addObject();
        o.set("at", time(d.at()));
        var s = o.putArray("statements");
        d.statements().forEach(s::add);
      }
    }
    if (!log.tempFiles().isEmpty()) {
      var a = n.putArray("tempFiles");
      for (var f : log.tempFiles()) {
        var o = a.addObject();
        o.put("fingerprint", f.fingerprint());
        o.put("query", f.query());
        o.put("count", f.count());
        o.put("totalBytes", f.totalBytes());
        o.put("maxBytes", f.maxBytes());
      }
    }
    if (log.checkpoints() != null) {
      var c = log.checkpoints();
      var o = n.putObject("checkpoints");
      o.put("count", c.count());
      o.put("restartpoints", c.restartpoints());
      o.put("buffersWritten", c.buffersWritten());
      o.set("writeMs", ms(c.writeMs()));
      o.set("syncMs", ms(c.syncMs()));
      o.set("avgDistanceKb", ms(c.avgDistanceKb()));
      o.put("tooFrequent", c.tooFrequent());
      o.set("byReason", counts(c.byReason()));
    }
    if (!log.autovacuum().isEmpty()) {
      var a = n.putArray("autovacuum");
      for (var t : log.autovacuum()) {
        var o = a.addObject();
        o.put("table", t.table());
        o.put("vacuums", t.vacuums());
        o.put("analyzes", t.analyzes());
        o.set("totalMs", ms(t.totalMs()));
        o.put("tuplesRemoved", t.tuplesRemoved());
        o.put("pagesRemoved", t.pagesRemoved());
      }
    }
    if (log.sessions() != null) {
      var s = log.sessions();
      var o = n.putObject("sessions");
      o.put("connections", s.connections());
      o.put("disconnections", s.disconnections());
      o.put("peakConcurrent", s.peakConcurrent());
      o.set("peakAt", time(s.peakAt()));
      o.set("meanDurationMs", ms(s.meanDurationMs()));
      o.set("byDatabase", counts(s.byDatabase()));
      o.set("byUser", counts(s.byUser()));
      o.set("byHost", counts(s.byHost()));
      o.set("byApplication", counts(s.byApplication()));
    }
    return n;
  }

  private static ObjectNode bucket(Bucket b) {
    var o = NODES.objectNode();
    o.set("start", time(b.start()));
    o.put("statements", b.statements());
    o.set("totalTimeMs", ms(b.totalTimeMs()));
    o.set("p95Ms", ms(b.p95Ms()));
    o.put("errors", b.errors());
    o.put("tempFiles", b.tempFiles());
    o.put("tempFileBytes", b.tempFileBytes());
    o.put("checkpoints", b.checkpoints());
    o.put("connections", b.connections());
    return o;
  }

  private static void errors(ObjectNode n, String name, List<ErrorGroup> groups) {
    if (groups.isEmpty()) {
      return;
    }
    var a = n.putArray(name);
    for (var e : groups) {
      var o = a.addObject();
      o.put("sqlState", e.sqlState());
      o.put("severity", e.severity());
      o.put("pattern", e.pattern());
      o.put("count", e.count());
      o.set("firstSeen", time(e.firstSeen()));
      o.set("lastSeen", time(e.lastSeen()));
      o.put("example", e.example());
    }
  }

  private static ObjectNode counts(Map<String, Long> byName) {
    var o = NODES.objectNode();
    byName.forEach(o::put);
    return o;
  }

  private static JsonNode ms(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return NODES.nullNode();
    }
    return NODES.numberNode(Math.round(value * 1000) / 1000.0);
  }

  private static JsonNode time(Instant t) {
    return t == null ? NODES.nullNode() : NODES.textNode(t.toString());
  }
}
