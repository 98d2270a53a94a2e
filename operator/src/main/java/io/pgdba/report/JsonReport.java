package io.pgdba.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Finding;
import io.pgdba.history.HistoryReport;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.WorkloadTotals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON rendering of an analysis: a stable contract that the operator and scripts read. Keys
 * come in a fixed order and maps are sorted by key, so the same analysis always gives the same
 * bytes. Times are milliseconds rounded to the microsecond, timestamps ISO-8601 in UTC.
 *
 * <p>Top level: {@code summary}, {@code sources[]}, {@code queries[]} (by total time, descending),
 * {@code recommendations[]} and {@code skippedQueries[]} (only when index advice was asked for),
 * {@code findings[]} (the table, query and configuration advisors', most severe first), {@code
 * log} (the log report sections, see {@link LogReportJson}), with {@code --history} {@code
 * history}, {@code trends[]} and {@code regressions[]}, then {@code warnings[]}.
 */
public final class JsonReport {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonReport() {}

  /**
   * Writes the report, pretty-printed, followed by a newline. It is streamed: one query's node at
   * a time goes through the generator, so millions of fingerprints never exist as a tree (several
   * times the size of the workload itself). The bytes are exactly those of {@link #toTree}.
   */
  public static void write(AnalysisReport report, ReportOptions options, Writer out) {
    try (var g = MAPPER.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("summary");
      MAPPER.writeTree(g, summary(report));
      g.writeArrayFieldStart("sources");
      for (var s : report.sources()) {
        MAPPER.writeTree(g, source(s));
      }
      g.writeEndArray();
      g.writeArrayFieldStart("queries");
      for (var q : ranked(report, options)) {
        writeQuery(g, q, options.slowMs());
      }
      g.writeEndArray();
      if (report.advice() != null) {
        var advice = NODES.objectNode();
        addAdvice(advice, report.advice());
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) advice::fields) {
          g.writeFieldName(field.getKey());
          MAPPER.writeTree(g, field.getValue());
        }
      }
      g.writeArrayFieldStart("findings");
      for (var f : report.findings()) {
        MAPPER.writeTree(g, finding(f));
      }
      g.writeEndArray();
      // bounded sections (history, configuration): written from their tree, as in toTree
      var after = NODES.objectNode();
      addAfterFindings(after, report);
      for (var field : (Iterable<Map.Entry<String, JsonNode>>) after::fields) {
        g.writeFieldName(field.getKey());
        MAPPER.writeTree(g, field.getValue());
      }
      g.writeArrayFieldStart("warnings");
      for (var w : report.warnings()) {
        g.writeString(w);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.flush();
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<QueryStats> ranked(AnalysisReport report, ReportOptions options) {
    return report.workload().topByTotalTime(
        options.top() == 0 ? Integer.MAX_VALUE : options.top());
  }

  public static String render(AnalysisReport report, ReportOptions options) {
    try {
      return MAPPER.writeValueAsString(toTree(report, options)) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The document as a tree, for callers that embed it (the operator) or inspect it (tests). */
  public static ObjectNode toTree(AnalysisReport report, ReportOptions options) {
    var root = NODES.objectNode();
    root.set("summary", summary(report));
    var sources = root.putArray("sources");
    report.sources().forEach(s -> sources.add(source(s)));
    var queries = root.putArray("queries");
    ranked(report, options).forEach(q -> queries.add(query(q, options.slowMs())));
    if (report.advice() != null) {
      addAdvice(root, report.advice());
    }
    var findings = root.putArray("findings");
    report.findings().forEach(f -> findings.add(finding(f)));
    addAfterFindings(root, report);
    var warnings = root.putArray("warnings");
    report.warnings().forEach(warnings::add);
    return root;
  }

  private static ObjectNode summary(AnalysisReport report) {
    var s = Summary.of(report);
    WorkloadTotals t = report.workload().totals();
    var n = NODES.objectNode();
    n.put("format", s.format());
    n.put("linesRead", s.linesRead());
    n.put("unparsedLines", s.unparsedLines());
    n.put("firstUnparsed", s.firstUnparsed());
    n.put("statements", t.statements());
    n.put("distinctQueries", t.distinctQueries());
    n.set("totalTimeMs", ms(t.totalTimeMs()));
    n.set("firstTimestamp", time(t.firstTimestamp()));
    n.set("lastTimestamp", time(t.lastTimestamp()));
    n.set("parse", phase(t.parseCount(), t.parseTimeMs()));
    n.set("bind", phase(t.bindCount(), t.bindTimeMs()));
    n.put("errors", t.errors());
    n.put("checkpoints", t.checkpoints());
    n.put("autovacuums", t.autovacuums());
    n.put("autoanalyzes", t.autoanalyzes());
    n.put("tempFiles", t.tempFiles());
    n.put("tempFileBytes", t.tempFileBytes());
    n.put("lockWaits", t.lockWaits());
    n.put("deadlocks", t.deadlocks());
    n.put("connections", t.connections());
    n.put("disconnections", t.disconnections());
    n.put("foldedQueries", t.foldedQueries());
    return n;
  }

  private static ObjectNode phase(long count, double totalMs) {
    var n = NODES.objectNode();
    n.put("count", count);
    n.set("totalTimeMs", ms(totalMs));
    return n;
  }

  private static ObjectNode source(LogReadResult r) {
    var n = NODES.objectNode();
    n.put("source", r.source());
    n.put("format", Summary.name(r.format()));
    n.put("logLinePrefix", r.logLinePrefix());
    n.put("linesRead", r.linesRead());
    n.put("unparsedLines", r.unparsedLines());
    n.put("firstUnparsed", r.firstUnparsed());
    n.put("bytesRead", r.bytesRead());
    n.put("truncatedLines", r.truncatedLines());
    return n;
  }

  /**
   * A query's node for {@link #toTree} (the HTML report reads the tree), read back from what
   * {@link #writeQuery} writes: the fields of a query are written in one place, so the tree and
   * the streamed report cannot drift apart.
   */
  private static ObjectNode query(QueryStats q, double slowMs) {
    try (var tokens = new TokenBuffer(MAPPER, false)) {
      writeQuery(tokens, q, slowMs);
      return MAPPER.readTree(tokens.asParser());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A query, written straight to the generator, without a tree, a serializer look-up and a flush
   * per query: the queries are nearly all of the document, written at the very end of a run by
   * one thread while the other core idles, mostly by code not yet compiled.
   */
  private static void writeQuery(JsonGenerator g, QueryStats q, double slowMs)
      throws IOException {
    g.writeStartObject();
    writeString(g, "fingerprint", q.fingerprint());
    writeString(g, "query", q.query());
    writeString(g, "example", q.example());
    g.writeNumberField("calls", q.calls());
    writeMs(g, "totalTimeMs", q.totalTimeMs());
    writeMs(g, "meanTimeMs", q.meanTimeMs());
    writeMs(g, "minTimeMs", q.minTimeMs());
    writeMs(g, "p50TimeMs", q.p50TimeMs());
    writeMs(g, "p95TimeMs", q.p95TimeMs());
    writeMs(g, "p99TimeMs", q.p99TimeMs());
    writeMs(g, "maxTimeMs", q.maxTimeMs());
    writeTime(g, "firstSeen", q.firstSeen());
    writeTime(g, "lastSeen", q.lastSeen());
    writeCounts(g, "databases", q.databases());
    writeCounts(g, "users", q.users());
    writeCounts(g, "applications", q.applications());
    g.writeBooleanField("slow", q.meanTimeMs() >= slowMs);
    g.writeEndObject();
  }

  private static void writeString(JsonGenerator g, String field, String value)
      throws IOException {
    g.writeFieldName(field);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeString(value);
    }
  }

  /** {@link #ms}'s node, written. */
  private static void writeMs(JsonGenerator g, String field, double value) throws IOException {
    g.writeFieldName(field);
    Double ms = round(value, 1000);
    if (ms == null) {
      g.writeNull();
    } else {
      g.writeNumber(ms.doubleValue());
    }
  }

  /** {@link #time}'s node, written. */
  private static void writeTime(JsonGenerator g, String field, Instant t) throws IOException {
    writeString(g, field, t == null ? null : t.toString());
  }

  /**
   * Counts by name, sorted by name so that the output does not depend on hash order (a null
   * name counts as ""); a map of one name, the common case, needs no sorting.
   */
  private static void writeCounts(JsonGenerator g, String field, Map<String, Long> byName)
      throws IOException {
    g.writeFieldName(field);
    g.writeStartObject();
    var only = byName != null && byName.size() == 1 ? byName.entrySet().iterator().next() : null;
    if (only != null && only.getValue() != null) {
      writeCount(g, only.getKey() == null ? "" : only.getKey(), only.getValue());
    } else if (byName != null) {
      var sorted = new TreeMap<String, Long>();
      byName.forEach((k, v) -> sorted.merge(k == null ? "" : k, v, Long::sum));
      for (var e : sorted.entrySet()) {
        writeCount(g, e.getKey(), e.getValue());
      }
    }
    g.writeEndObject();
  }

  private static void writeCount(JsonGenerator g, String name, Long count) throws IOException {
    g.writeFieldName(name);
    if (count == null) {
      g.writeNull();
    } else {
      g.writeNumber(count.longValue());
    }
  }

  private static void addAdvice(ObjectNode root, IndexAdvice advice) {
    var recs = root.putArray("recommendations");
    advice.recommendations().forEach(r -> recs.add(recommendation(r)));
    var skipped = root.putArray("skippedQueries");
    for (var s : advice.skipped()) {
      var n = skipped.addObject();
      n.put("fingerprint", s.fingerprint());
      n.put("reason", s.reason());
    }
  }

  private static ObjectNode recommendation(Recommendation r) {
    var n = NODES.objectNode();
    n.put("kind", r.kind() == null ? null : r.kind().name());
    n.put("schema", r.schema());
    n.put("table", r.table());
    n.put("indexName", r.indexName());
    n.set("columns", strings(r.columns()));
    n.set("includeColumns", strings(r.includeColumns()));
    n.put("method", r.method());
    n.put("where", r.where());
    n.put("ddl", r.ddl());
    n.put("rollbackDdl", r.rollbackDdl());
    n.put("estimatedSizeBytes", r.estimatedSizeBytes());
    n.set("estimatedImprovementPercent", rounded(r.estimatedImprovementPercent(), 100));
    n.put("estimateMethod", r.estimateMethod() == null ? null : r.estimateMethod().name());
    var affected = n.putArray("affectedQueries");
    for (var a : r.affectedQueries() == null ? List.<Recommendation.AffectedQuery>of()
        : r.affectedQueries()) {
      var q = affected.addObject();
      q.put("fingerprint", a.fingerprint());
      q.put("calls", a.calls());
      q.set("costBefore", rounded(a.costBefore(), 100));
      q.set("costAfter", rounded(a.costAfter(), 100));
    }
    n.put("writeOverhead", r.writeOverhead());
    n.put("reason", r.reason());
    n.put("guidance", r.guidance());
    return n;
  }

  /** The sections between {@code findings} and {@code warnings}, the same in both renderings. */
  private static void addAfterFindings(ObjectNode root, AnalysisReport report) {
    if (report.workload() != null) {
      LogReportJson.add(root, report.workload().log());
    }
    PgBouncerSection.addTo(root, report);
    if (report.history() != null) {
      addHistory(root, report.history());
    }
    addConfiguration(root, report.findings());
  }

  /** {@code history} (where the run was stored), {@code trends[]} and {@code regressions[]}. */
  private static void addHistory(ObjectNode root, HistoryReport h) {
    var n = root.putObject("history");
    n.put("analysis", h.analysis());
    n.put("runId", h.runId());
    n.put("priorRuns", h.priorRuns());
    n.put("baseline", h.baseline());
    n.put("runsDeleted", h.runsDeleted());
    var trends = root.putArray("trends");
    for (var t : h.trends()) {
      var o = trends.addObject();
      o.put("fingerprint", t.fingerprint());
      o.put("query", t.query());
      o.put("metric", t.metric().jsonName());
      o.put("direction", t.direction());
      o.set("before", ms(t.before()));
      o.set("after", ms(t.after()));
      o.set("changePercent", rounded(t.changePercent(), 100));
      o.set("since", time(t.since()));
      o.put("runs", t.runs());
    }
    var regressions = root.putArray("regressions");
    for (var r : h.regressions()) {
      var o = regressions.addObject();
      o.put("kind", r.kind());
      o.put("fingerprint", r.fingerprint());
      o.put("query", r.query());
      o.put("metric", r.metric().jsonName());
      o.set("before", r.before() == null ? NODES.nullNode() : ms(r.before()));
      o.set("after", ms(r.after()));
      o.set("changePercent",
          r.changePercent() == null ? NODES.nullNode() : rounded(r.changePercent(), 100));
      o.set("since", time(r.since()));
      var evidence = o.putObject("evidence");
      r.evidence().forEach((k, v) -> evidence.set(k, evidenceValue(v)));
    }
  }

  /** The one rendering of a finding, whichever advisor made it (the findings model). */
  public static ObjectNode finding(Finding f) {
    var n = NODES.objectNode();
    n.put("category", f.category().jsonName());
    n.put("kind", f.kind());
    n.put("severity", f.severity().jsonName());
    n.put("object", f.object());
    n.put("title", f.title());
    var evidence = n.putObject("evidence");
    f.evidence().forEach((k, v) -> evidence.set(k, evidenceValue(v)));
    n.put("advice", f.advice());
    n.put("sql", f.sql());
    n.put("rollbackSql", f.rollbackSql());
    return n;
  }

  private static JsonNode evidenceValue(Object v) {
    if (v instanceof Double d) {
      return rounded(d, 1000);
    }
    if (v instanceof Float d) {
      return rounded(d, 1000);
    }
    return v == null ? NODES.nullNode() : MAPPER.valueToTree(v);
  }

  private static ArrayNode strings(List<String> values) {
    var a = NODES.arrayNode();
    if (values != null) {
      values.forEach(a::add);
    }
    return a;
  }

  private static JsonNode ms(double value) {
    return rounded(value, 1000);
  }

  private static JsonNode rounded(double value, int scale) {
    Double r = round(value, scale);
    return r == null ? NODES.nullNode() : NODES.numberNode(r.doubleValue());
  }

  /** Rounds away float noise (0.1 + 0.2) so that reports diff cleanly; NaN becomes null. */
  private static Double round(double value, int scale) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    return Math.round(value * scale) / (double) scale;
  }

  private static JsonNode time(Instant t) {
    return t == null ? NODES.nullNode() : NODES.textNode(t.toString());
  }

  /**
   * The configuration findings as something to commit (script, CloudNativePG patch,
   * postgresql.conf), only when there are some.
   */
  private static void addConfiguration(ObjectNode root, List<Finding> findings) {
    var parameters = ConfigReport.parameters(findings);
    if (parameters.isEmpty()) {
      return;
    }
    var n = root.putObject("configuration");
    var p = n.putObject("parameters");
    parameters.forEach(p::put);
    n.set("restartNeeded", strings(ConfigReport.restartNeeded(findings)));
    n.put("script", ConfigReport.script(findings));
    n.put("cloudNativePgPatch", ConfigReport.cloudNativePgPatch(findings));
    n.put("postgresqlConf", ConfigReport.postgresqlConf(findings));
  }
}
