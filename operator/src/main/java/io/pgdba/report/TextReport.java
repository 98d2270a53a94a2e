package io.pgdba.report;

import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.workload.QueryStats;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;

/**
 * The human rendering of an analysis: totals, the top queries by total time, by mean time and by
 * calls, the slow queries, what could not be read, and the index advice with its DDL.
 */
public final class TextReport {

  /** Longer queries are cut: the JSON report and the example carry the full text. */
  static final int QUERY_WIDTH = 90;
  /** Queries shown with their databases, users, applications, percentiles and example. */
  static final int DETAILED_QUERIES = 10;

  private TextReport() {}

  public static String render(AnalysisReport report, ReportOptions options) {
    var out = new StringBuilder();
    totals(out, report);
    int top = options.top() == 0 ? Integer.MAX_VALUE : options.top();
    var workload = report.workload();
    ranking(out, "Top queries by total time", workload.topByTotalTime(top));
    ranking(out, "Top queries by mean time", workload.topByMeanTime(top));
    ranking(out, "Top queries by calls", workload.topByCalls(top));
    var slow = workload.slow(options.slowMs());
    ranking(
        out,
        "Slow queries (mean >= " + num(options.slowMs()) + " ms): " + slow.size(),
        slow.subList(0, Math.min(top, slow.size())));
    LogReportText.queryDetails(out, workload.topByTotalTime(Math.min(top, DETAILED_QUERIES)));
    LogReportText.append(out, workload.log());
    unread(out, report);
    advice(out, report);
    findings(out, report);
    history(out, report);
    PgBouncerSection.appendText(out, report);
    return out.toString();
  }

  private static void totals(StringBuilder out, AnalysisReport report) {
    var s = Summary.of(report);
    var t = report.workload().totals();
    out.append("Log analysis\n");
    var table = new TextTable("", "");
    table.row("sources", report.sources().size() + " (" + orDash(s.format()) + ")");
    table.row("lines read", count(s.linesRead()) + " (" + count(s.unparsedLines()) + " unparsed)");
    table.row("period", orDash(t.firstTimestamp()) + " .. " + orDash(t.lastTimestamp()));
    table.row(
        "statements",
        count(t.statements()) + " in " + count(t.distinctQueries()) + " distinct queries, "
            + num(t.totalTimeMs()) + " ms"
            + (t.foldedQueries() > 0 ? " (" + count(t.foldedQueries()) + " folded)" : ""));
    table.row("parse / bind",
        count(t.parseCount()) + " / " + num(t.parseTimeMs()) + " ms, "
            + count(t.bindCount()) + " / " + num(t.bindTimeMs()) + " ms");
    table.row("errors", count(t.errors()));
    table.row(
        "server",
        count(t.checkpoints()) + " checkpoints, " + count(t.autovacuums()) + " autovacuums, "
            + count(t.autoanalyzes()) + " autoanalyzes");
    table.row("temp files", count(t.tempFiles()) + " (" + bytes(t.tempFileBytes()) + ")");
    table.row("locks", count(t.lockWaits()) + " waits, " + count(t.deadlocks()) + " deadlocks");
    table.row(
        "sessions",
        count(t.connections()) + " connections, " + count(t.disconnections())
            + " disconnections");
    rowsOnly(out, table);
  }

  /** A two-column key/value table without the header line. */
  private static void rowsOnly(StringBuilder out, TextTable table) {
    var sb = new StringBuilder();
    table.appendTo(sb, "  ");
    out.append(sb.substring(sb.indexOf("\n") + 1));
  }

  private static void ranking(StringBuilder out, String title, List<QueryStats> queries) {
    out.append('\n').append(title).append('\n');
    if (queries.isEmpty()) {
      out.append("  none\n");
      return;
    }
    var table = new TextTable(
        "#", "calls", "total ms", "mean ms", "p95 ms", "max ms", "fingerprint", "query");
    int i = 1;
    for (var q : queries) {
      table.row(
          String.valueOf(i++),
          count(q.calls()),
          num(q.totalTimeMs()),
          num(q.meanTimeMs()),
          num(q.p95TimeMs()),
          num(q.maxTimeMs()),
          q.fingerprint(),
          truncate(q.query(), QUERY_WIDTH));
    }
    table.appendTo(out, "  ");
  }

  private static void unread(StringBuilder out, AnalysisReport report) {
    var table = new TextTable("source", "lines", "unparsed", "first unparsed line");
    for (var s : report.sources()) {
      if (s.unparsedLines() > 0 || s.linesRead() == 0) {
        table.row(
            s.source(),
            count(s.linesRead()),
            count(s.unparsedLines()),
            s.linesRead() == 0 ? "(empty)" : truncate(orDash(s.firstUnparsed()), 120));
      }
    }
    out.append("\nWhat could not be read\n");
    if (table.isEmpty()) {
      out.append("  nothing: every line was understood\n");
    } else {
      table.appendTo(out, "  ");
    }
    if (!report.warnings().isEmpty()) {
      out.append("\nWarnings\n");
      report.warnings().forEach(w -> out.append("  - ").append(w).append('\n'));
    }
  }

  private static void advice(StringBuilder out, AnalysisReport report) {
    if (report.advice() == null) {
      return;
    }
    var recs = report.advice().recommendations();
    out.append("\nIndex recommendations: ").append(recs.size()).append('\n');
    int i = 1;
    for (var r : recs) {
      out.append("  ").append(i++).append(". ").append(headline(r)).append('\n');
      appendField(out, "why", r.reason());
      appendField(out, "write cost", r.writeOverhead());
      appendField(out, "guidance", r.guidance());
      appendField(out, "apply", r.ddl());
      appendField(out, "rollback", r.rollbackDdl());
    }
    var skipped = report.advice().skipped();
    if (!skipped.isEmpty()) {
      // Every query left without an index says why: a silent miss looks like an oversight.
      out.append("\nQueries without an index: ").append(skipped.size()).append('\n');
      for (var s : skipped) {
        // A reason may quote the logged text (a parser's token): no control character passes.
        out.append("  ").append(s.fingerprint()).append("  ")
            .append(s.reason().replaceAll("\\p{Cntrl}+", " ")).append('\n');
      }
    }
  }

  /** Most severe first; each with its evidence, advice and SQL, whichever advisor made it. */
  private static void findings(StringBuilder out, AnalysisReport report) {
    var findings = report.findings();
    if (findings.isEmpty()) {
      return;
    }
    var bySeverity = new EnumMap<Severity, Long>(Severity.class);
    findings.forEach(f -> bySeverity.merge(f.severity(), 1L, Long::sum));
    out.append("\nFindings: ").append(findings.size()).append(" (")
        .append(count(bySeverity.getOrDefault(Severity.CRITICAL, 0L))).append(" critical, ")
        .append(count(bySeverity.getOrDefault(Severity.WARNING, 0L))).append(" warning, ")
        .append(count(bySeverity.getOrDefault(Severity.INFO, 0L))).append(" info)\n");
    int i = 1;
    for (Finding f : findings) {
      out.append("  ").append(i++).append(". [").append(f.severity().jsonName()).append("] ")
          .append(f.kind()).append(" on ").append(f.object()).append(": ")
          .append(f.title()).append('\n');
      if (!f.evidence().isEmpty()) {
        var evidence = new StringBuilder();
        f.evidence().forEach((k, v) -> evidence.append(evidence.length() == 0 ? "" : ", ")
            .append(k).append(' ').append(evidenceText(v)));
        appendField(out, "evidence", evidence.toString());
      }
      appendField(out, "advice", f.advice());
      appendField(out, "sql", f.sql());
      appendField(out, "rollback", f.rollbackSql());
    }
  }

  /** Regressions first (what to look at), then the trends of the whole window. */
  private static void history(StringBuilder out, AnalysisReport report) {
    var h = report.history();
    if (h == null) {
      return;
    }
    out.append("\nHistory: run ").append(h.runId()).append(" of ").append(h.analysis())
        .append(", compared with ").append(count(h.priorRuns())).append(" earlier runs")
        .append(h.baseline() == null ? "" : " and baseline " + h.baseline())
        .append(h.runsDeleted() > 0 ? "; " + count(h.runsDeleted()) + " old runs deleted" : "")
        .append('\n');
    out.append("  Regressions: ").append(h.regressions().size()).append('\n');
    for (var r : h.regressions()) {
      out.append("    - ").append(r.kind()).append(' ').append(r.fingerprint()).append(": ")
          .append(r.metric().jsonName()).append(' ')
          .append(r.before() == null ? "new" : num(r.before()) + " -> ")
          .append(r.before() == null ? " " : "").append(num(r.after()))
          .append(r.changePercent() == null ? "" : " (" + signed(r.changePercent()) + "%)")
          .append("  ").append(truncate(r.query(), 60)).append('\n');
    }
    out.append("  Trends: ").append(h.trends().size()).append('\n');
    for (var t : h.trends()) {
      out.append("    - ").append(t.direction()).append(' ').append(t.fingerprint())
          .append(": mean ").append(num(t.before())).append(" -> ").append(num(t.after()))
          .append(" ms (").append(signed(t.changePercent())).append("%) since ")
          .append(t.since()).append("  ").append(truncate(t.query(), 60)).append('\n');
    }
  }

  private static String signed(double percent) {
    return (percent > 0 ? "+" : "") + num(percent);
  }

  private static String evidenceText(Object v) {
    if (v instanceof Double d) {
      return num(d);
    }
    if (v instanceof Long || v instanceof Integer) {
      return count(((Number) v).longValue());
    }
    return String.valueOf(v);
  }

  private static String headline(Recommendation r) {
    var what = r.kind() == Recommendation.Kind.DropIndex ? "drop " : "create ";
    var sb = new StringBuilder(what).append(r.indexName()).append(" on ")
        .append(r.schema()).append('.').append(r.table());
    if (r.columns() != null && !r.columns().isEmpty()) {
      sb.append(" (").append(String.join(", ", r.columns())).append(')');
    }
    sb.append(": ").append(num(r.estimatedImprovementPercent())).append("% less cost");
    if (r.estimateMethod() != null) {
      sb.append(" (").append(r.estimateMethod().name()).append(')');
    }
    if (r.estimatedSizeBytes() > 0) {
      sb.append(", about ").append(bytes(r.estimatedSizeBytes()));
    }
    return sb.toString();
  }

  private static void appendField(StringBuilder out, String label, String value) {
    if (value != null && !value.isBlank()) {
      out.append("     ").append(label).append(": ")
          .append(value.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ")).append('\n');
    }
  }

  /** One line, at most {@code width} characters: layout whitespace is folded first. */
  static String truncate(String text, int width) {
    if (text == null) {
      return "-";
    }
    var flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= width ? flat : flat.substring(0, width - 3) + "...";
  }

  static String num(double value) {
    return String.format(Locale.ROOT, "%,.2f", value);
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String bytes(long value) {
    if (value < 1024) {
      return value + " B";
    }
    var units = "KMGTPE";
    int u = (int) (Math.log(value) / Math.log(1024));
    u = Math.min(u, units.length());
    return String.format(Locale.ROOT, "%.1f %siB", value / Math.pow(1024, u), units.charAt(u - 1));
  }

  private static String orDash(Object value) {
    if (value instanceof Instant t) {
      return t.toString();
    }
    return value == null ? "-" : value.toString();
  }
}
