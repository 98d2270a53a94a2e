package io.pgdba.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.TimeBucket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTML rendering: one self-contained page (no network access needed to open it) that embeds
 * the JSON report as data and renders it with an inlined script, the uPlot chart library (from
 * npm at build time) and a style sheet. The data is never pasted into markup: the page reads it
 * with {@code JSON.parse} and builds the DOM with {@code textContent}, so logged text (which is
 * attacker-controlled) can only ever show as text.
 *
 * <p>Beside the JSON report's keys the data carries an {@code html} object: per-query extras the
 * JSON contract does not list (parameters, auto_explain plan, time series of the top {@value
 * #SERIES_QUERIES} queries) and, when the log gave no {@code log.timeline}, a timeline summed
 * from the per-query slices, and the {@code schema} the workload touches (with a target).
 */
public final class HtmlReport {

  /** Queries whose own time series is embedded: enough for any drill-down a DBA does first. */
  static final int SERIES_QUERIES = 200;

  /** Points of the summed timeline, at most: a chart wider than this shows nothing more. */
  static final int TIMELINE_POINTS = 120;

  private static final String ASSETS = "/io/pgdba/report/html/";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private HtmlReport() {}

  /** Writes the page; {@code options.top()} 0 lists every query, as in the JSON report. */
  public static void write(AnalysisReport report, ReportOptions options, Writer out) {
    try {
      out.write(render(report, options));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String render(AnalysisReport report, ReportOptions options) {
    return page(data(report, options));
  }

  /** The page around a JSON report tree (the operator keeps the tree, not the workload). */
  public static String page(ObjectNode data) {
    String json;
    try {
      json = MAPPER.writeValueAsString(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var html = new StringBuilder(json.length() + 128 * 1024);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        // Nothing may load from elsewhere: a report opened from a mail must not phone home.
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
        .append(" script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
        .append("<title>pgdba report</title>\n<style>\n")
        .append(asset("dist/uPlot.min.css"))
        .append('\n')
        .append(asset("app.css"))
        .append("</style>\n</head>\n<body>\n")
        .append("<noscript>This report needs JavaScript; the same data is in"
            + " <code>pgdba analyze --output json</code>.</noscript>\n")
        .append("<script id=\"pgdba-data\" type=\"application/json\">")
        .append(embed(json))
        .append("</script>\n<script>\n")
        .append(asset("dist/uPlot.iife.min.js"))
        .append("\n</script>\n<script>\n")
        .append(asset("app.js"))
        .append("\n</script>\n</body>\n</html>\n");
    return html.toString();
  }

  /**
   * JSON made safe inside a {@code <script>} element: {@code <}, {@code >} and {@code &} only
   * occur inside JSON strings, where their {@code \}{@code u} escapes mean the same, so no
   * {@code </script>} or {@code <!--} can end or confuse the element; U+2028 and U+2029 are
   * escaped for older parsers that treat them as line ends.
   */
  static String embed(String json) {
    var out = new StringBuilder(json.length() + 64);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        case '&' -> out.append("\\u0026");
        case '\u2028' -> out.append("\\u2028");
        case '\u2029' -> out.append("\\u2029");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** The JSON report tree plus the {@code html} extras. */
  public static ObjectNode data(AnalysisReport report, ReportOptions options) {
    var root = JsonReport.toTree(report, options);
    var extras = root.putObject("html");
    var queries = report.workload().queries();
    var byFingerprint = new HashMap<String, QueryStats>(queries.size() * 2);
    queries.forEach(q -> byFingerprint.put(q.fingerprint(), q));
    var withSeries = new java.util.HashSet<String>();
    report.workload().topByTotalTime(SERIES_QUERIES).forEach(q -> withSeries.add(q.fingerprint()));
    var perQuery = extras.putObject("queries");
    for (var node : root.withArray("queries")) {
      var q = byFingerprint.get(node.path("fingerprint").asText());
      if (q == null) {
        continue;
      }
      boolean series = withSeries.contains(q.fingerprint());
      boolean parameters = q.exampleParameters() != null && !q.exampleParameters().isEmpty();
      if (!series && !parameters && q.examplePlan() == null) {
        continue;
      }
      var n = perQuery.putObject(q.fingerprint());
      if (parameters) {
        var p = n.putArray("exampleParameters");
        q.exampleParameters().forEach(p::add);
      }
      if (q.examplePlan() != null) {
        n.put("examplePlan", q.examplePlan());
      }
      if (series && q.buckets() != null && !q.buckets().isEmpty()) {
        n.set("series", series(q.buckets()));
      }
    }
    addPlans(root, report);
    extras.set("timeline", timeline(queries));
    if (report.schema() != null) {
      extras.set("schema", MAPPER.valueToTree(report.schema()));
    }
    return root;
  }

  /**
   * The plans before and after each recommendation, beside its costs: kept out of the JSON
   * contract (they are large and for eyes only), added to the page's copy of the tree.
   */
  private static void addPlans(ObjectNode root, AnalysisReport report) {
    if (report.advice() == null) {
      return;
    }
    var recs = report.advice().recommendations();
    var nodes = root.withArray("recommendations");
    for (int i = 0; i < recs.size() && i < nodes.size(); i++) {
      var affected = recs.get(i).affectedQueries();
      var affectedNodes = nodes.get(i).withArray("affectedQueries");
      for (int j = 0; affected != null && j < affected.size() && j < affectedNodes.size(); j++) {
        var a = affected.get(j);
        var n = (ObjectNode) affectedNodes.get(j);
        if (a.planBefore() != null) {
          n.put("planBefore", a.planBefore());
        }
        if (a.planAfter() != null) {
          n.put("planAfter", a.planAfter());
        }
      }
    }
  }

  /** {@code [[epoch seconds...], [calls...], [ms...]]}: uPlot's own column layout, compact. */
  private static ArrayNode series(List<TimeBucket> buckets) {
    var a = NODES.arrayNode();
    var t = a.addArray();
    var calls = a.addArray();
    var ms = a.addArray();
    for (var b : buckets) {
      t.add(b.start().getEpochSecond());
      calls.add(b.calls());
      ms.add(Math.round(b.totalTimeMs() * 1000) / 1000.0);
    }
    return a;
  }

  /**
   * Statements and time of all queries per slice, summed from the per-query slices. A query's
   * slices are the base width times a power of two, aligned on the epoch, so a slice of the base
   * width times a larger power of two holds each of them whole: the sum is exact, not smeared.
   */
  static ObjectNode timeline(List<QueryStats> queries) {
    long base = Long.MAX_VALUE;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (var q : queries) {
      var b = q.buckets();
      if (b == null) {
        continue;
      }
      for (int i = 0; i < b.size(); i++) {
        long s = b.get(i).start().toEpochMilli();
        first = Math.min(first, s);
        last = Math.max(last, s);
        if (i > 0) {
          long d = s - b.get(i - 1).start().toEpochMilli();
          if (d > 0) {
            base = Math.min(base, d);
          }
        }
      }
    }
    var n = NODES.objectNode();
    if (first == Long.MAX_VALUE) {
      n.put("bucketSeconds", 0);
      n.putArray("buckets");
      return n;
    }
    if (base == Long.MAX_VALUE) {
      base = 60_000;
    }
    long width = base;
    while ((last - first) / width + 1 > TIMELINE_POINTS) {
      width *= 2;
    }
    var slots = new TreeMap<Long, double[]>();
    for (var q : queries) {
      if (q.buckets() == null) {
        continue;
      }
      for (var b : q.buckets()) {
        long slot = Math.floorDiv(b.start().toEpochMilli(), width) * width;
        var s = slots.computeIfAbsent(slot, k -> new double[2]);
        s[0] += b.calls();
        s[1] += b.totalTimeMs();
      }
    }
    n.put("bucketSeconds", width / 1000.0);
    var buckets = n.putArray("buckets");
    for (Map.Entry<Long, double[]> e : slots.entrySet()) {
      var o = buckets.addObject();
      o.put("start", java.time.Instant.ofEpochMilli(e.getKey()).toString());
      o.put("statements", (long) e.getValue()[0]);
      o.put("totalTimeMs", Math.round(e.getValue()[1] * 1000) / 1000.0);
    }
    return n;
  }

  private static String asset(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(ASSETS + name)) {
      if (in == null) {
        throw new IllegalStateException("HTML report asset missing from the jar: " + ASSETS + name
            + " (the build copies it from npm; run mvn package)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
