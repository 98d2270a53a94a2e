package io.pgdba.report;

import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import java.util.List;

/**
 * The SQL rendering: the DDL of the index advice as a script to review and run with psql, then,
 * commented out, the rollback that undoes it: running the file does what its header says and
 * nothing more. One statement per line, each preceded by a comment that says why; the advisor's
 * DDL already quotes identifiers, it is written out unchanged.
 */
public final class SqlReport {

  private SqlReport() {}

  public static String render(AnalysisReport report) {
    var out = new StringBuilder();
    out.append("-- pgdba index recommendations\n");
    if (report.advice() == null) {
      out.append("-- no index advice: give a target database (--db) to get some\n");
      return out.toString();
    }
    List<Recommendation> recs = report.advice().recommendations();
    if (recs.isEmpty()) {
      out.append("-- no index would pay for itself on this workload\n");
      return out.toString();
    }
    long creates = recs.stream().filter(r -> r.kind() != Recommendation.Kind.DropIndex).count();
    long drops = recs.size() - creates;
    out.append("--\n-- Running this file with psql (psql -f FILE, without --single-transaction:")
        .append(" CONCURRENTLY\n-- cannot run in a transaction block) creates ").append(creates)
        .append(" index(es) and drops ").append(drops).append(", the statements of \"apply\".\n")
        .append("-- The rollback section at the end is commented out, so running the file")
        .append(" never undoes\n-- what it just did: to roll back, run those lines without")
        .append(" their leading \"-- \".\n");
    out.append("\n-- ==== apply ====\n");
    int i = 1;
    for (var r : recs) {
      out.append("\n-- ").append(i++).append(". ").append(oneLine(describe(r))).append('\n');
      if (r.reason() != null) {
        out.append("-- why: ").append(oneLine(r.reason())).append('\n');
      }
      if (r.guidance() != null) {
        out.append("-- guidance: ").append(oneLine(r.guidance())).append('\n');
      }
      out.append(statement(r.ddl())).append('\n');
    }
    // Undo in reverse order, as one would unwind a migration.
    out.append("\n-- ==== rollback (commented out: not run with the file) ====\n");
    for (int k = recs.size() - 1; k >= 0; k--) {
      var r = recs.get(k);
      out.append("\n-- undoes ").append(k + 1).append(". ").append(oneLine(describe(r)))
          .append('\n');
      out.append(commentedOut(statement(r.rollbackDdl()))).append('\n');
    }
    return out.toString();
  }

  private static String describe(Recommendation r) {
    var kind = r.kind() == Recommendation.Kind.DropIndex ? "drop " : "create ";
    return kind + r.indexName() + " on " + r.schema() + "." + r.table() + ", "
        + TextReport.num(r.estimatedImprovementPercent()) + "% less cost"
        + (r.estimateMethod() == null ? "" : " (" + r.estimateMethod().name() + ")");
  }

  /** A comment must stay on its line, or the rest of the text would run as SQL. */
  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n]+", " ");
  }

  /**
   * A statement as a comment line. A line break inside it (a quoted name may hold one) would end
   * the comment and run the rest, so such a statement is left out, with the reason.
   */
  private static String commentedOut(String statement) {
    if (statement.indexOf('\n') >= 0 || statement.indexOf('\r') >= 0) {
      return "-- (a name in this statement holds a line break, so it cannot be written as a"
          + " comment: take it from the JSON report's rollbackDdl)";
    }
    return "-- " + statement;
  }

  private static String statement(String ddl) {
    if (ddl == null || ddl.isBlank()) {
      return "-- (no statement given)";
    }
    var s = ddl.strip();
    return s.endsWith(";") ? s : s + ";";
  }
}
