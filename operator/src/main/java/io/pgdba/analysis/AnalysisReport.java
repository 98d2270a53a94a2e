package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Findings;
import io.pgdba.history.HistoryReport;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.Workload;
import java.util.List;

/**
 * Everything one analysis found; the CLI renders it, the operator writes it into resources.
 *
 * @param sources what reading each log source gave, in input order (empty for pg_stat_statements)
 * @param advice index advice, null when no target database was given
 * @param warnings things the user should know (first unparsed line, no HypoPG, ...), one line each
 * @param findings the table, query and configuration advisors' findings, most severe first (empty
 *     without a target database)
 * @param history what comparing this run with the stored history gave, null without history
 * @param schema the tables the workload touches and their foreign keys, null without a target
 */
public record AnalysisReport(
    List<LogReadResult> sources,
    Workload workload,
    IndexAdvice advice,
    List<String> warnings,
    List<Finding> findings,
    HistoryReport history,
    SchemaMap schema) {

  public AnalysisReport {
    findings = findings == null ? List.of() : Findings.sorted(findings);
  }

  public AnalysisReport(List<LogReadResult> sources, Workload workload, IndexAdvice advice,
      List<String> warnings, List<Finding> findings, HistoryReport history) {
    this(sources, workload, advice, warnings, findings, history, null);
  }

  public AnalysisReport(List<LogReadResult> sources, Workload workload, IndexAdvice advice,
      List<String> warnings, List<Finding> findings) {
    this(sources, workload, advice, warnings, findings, null, null);
  }

  /** A report without findings (log analysis only, or a target step that gave none). */
  public AnalysisReport(
      List<LogReadResult> sources, Workload workload, IndexAdvice advice, List<String> warnings) {
    this(sources, workload, advice, warnings, List.of(), null, null);
  }

  public AnalysisReport withHistory(HistoryReport history) {
    return new AnalysisReport(sources, workload, advice, warnings, findings, history, schema);
  }
}
