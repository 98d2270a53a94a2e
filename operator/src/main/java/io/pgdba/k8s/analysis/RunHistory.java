package io.pgdba.k8s.analysis;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Finding;
import io.pgdba.history.History;
import io.pgdba.history.HistoryException;
import io.pgdba.history.HistoryOptions;
import io.pgdba.history.HistoryStore;
import io.pgdba.history.RegressionFindings;
import io.pgdba.history.RunContext;
import io.pgdba.history.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps each successful run of a PgAnalysis in the operator's history store and adds the
 * comparison to its report: {@code history}, {@code regressions} and, so that status, Events
 * and metrics show them like any advice, one finding per regression. Without a store it changes
 * nothing.
 */
public interface RunHistory {

  /**
   * The report with its history, or with a warning when the store failed: a history that cannot
   * be written must not cost the analysis its advice.
   */
  AnalysisReport record(String analysis, PgAnalysisSpec.History spec, AnalysisReport report);

  RunHistory NONE = (analysis, spec, report) -> report;

  /** History in {@code store}, at the times {@code clock} gives. */
  static RunHistory in(HistoryStore store, Clock clock) {
    return (analysis, spec, report) -> {
      var run = new RunContext(analysis, Instant.now(clock),
          report.workload().totals().firstTimestamp(), report.workload().totals().lastTimestamp(),
          report.sources().isEmpty() ? "pg_stat_statements" : "logs", null, null, List.of());
      try {
        var options = options(spec);
        if (options.saveBaseline() != null
            && store.baseline(analysis, options.saveBaseline()).isPresent()) {
          // the spec names a baseline to keep, not one to renew on every run
          options = options.with(options.baseline(), null, options.targets(),
              options.retention(), options.minChangePercent());
        }
        var history = History.recordAndCompare(store, run, report.workload(), options);
        var findings = new ArrayList<Finding>(report.findings());
        findings.addAll(RegressionFindings.of(history));
        return new AnalysisReport(report.sources(), report.workload(), report.advice(),
            report.warnings(), findings, history, report.schema());
      } catch (HistoryException e) {
        var warnings = new ArrayList<>(report.warnings());
        warnings.add(e.getMessage());
        return new AnalysisReport(report.sources(), report.workload(), report.advice(),
            List.copyOf(warnings), report.findings(), null, report.schema());
      }
    };
  }

  /** The spec's history fields as options; a bad field names itself. */
  static HistoryOptions options(PgAnalysisSpec.History spec) {
    var defaults = HistoryOptions.defaults();
    if (spec == null) {
      return defaults;
    }
    var targets = new ArrayList<Target>();
    var written = spec.targets() == null ? List.<String>of() : spec.targets();
    for (int i = 0; i < written.size(); i++) {
      try {
        targets.add(Target.parse(written.get(i)));
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException("history.targets[" + i + "]", e.getMessage());
      }
    }
    double minChange = spec.minChangePercent() == null
        ? defaults.minChangePercent() : spec.minChangePercent();
    if (minChange < 0 || Double.isNaN(minChange)) {
      throw new InvalidSpecException("history.minChangePercent", "must be >= 0");
    }
    return defaults.with(spec.baseline(), spec.saveBaseline(), targets, defaults.retention(),
        minChange);
  }
}
