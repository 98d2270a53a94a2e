package io.pgdba.k8s.analysis;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Finding;
import io.pgdba.history.History;
import io.pgdba.history.HistoryException;
import io.pgdba.history.HistoryOptions;
import io.pgdba.history.HistoryStore;
import io.pgdba.history.IndexFollowUp;
import io.pgdba.history.RegressionFindings;
import io.pgdba.history.RunContext;
import io.pgdba.history.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

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
  AnalysisReport record(String analysis, PgAnalysisSpec.History spec, AnalysisReport report,
      RunFacts facts);

  /**
   * What the runs of {@code analysis} since {@code appliedAt} say about the index {@code index}
   * applied for {@code fingerprints}; empty without a store, or when it cannot be read.
   */
  default Optional<IndexFollowUp> followUp(String analysis, Collection<String> fingerprints,
      Instant appliedAt, String index, int runsNeeded) {
    return Optional.empty();
  }

  /** Runs after an apply before its effect is measured, unless the spec says. */
  int RUNS_AFTER_APPLY = 2;

  RunHistory NONE = (analysis, spec, report, facts) -> report;

  /** History in {@code store}, at the times {@code clock} gives. */
  static RunHistory in(HistoryStore store, Clock clock) {
    return new RunHistory() {
      @Override
      public AnalysisReport record(String analysis, PgAnalysisSpec.History spec,
          AnalysisReport report, RunFacts facts) {
        return recordIn(store, clock, analysis, spec, report, facts);
      }

      @Override
      public Optional<IndexFollowUp> followUp(String analysis, Collection<String> fingerprints,
          Instant appliedAt, String index, int runsNeeded) {
        try {
          return Optional.of(IndexFollowUp.of(store, analysis, fingerprints, appliedAt, index,
              runsNeeded, HistoryOptions.defaults().window()));
        } catch (HistoryException e) {
          LoggerFactory.getLogger(RunHistory.class).warn("{}: {}", analysis, e.getMessage());
          return Optional.empty();
        }
      }
    };
  }

  private static AnalysisReport recordIn(HistoryStore store, Clock clock, String analysis,
      PgAnalysisSpec.History spec, AnalysisReport report, RunFacts facts) {
    {
      var run = new RunContext(analysis, Instant.now(clock),
          report.workload().totals().firstTimestamp(), report.workload().totals().lastTimestamp(),
          report.sources().isEmpty() ? "pg_stat_statements" : "logs", facts.serverVersion(),
          facts.settingsHash(), facts.applied(), facts.indexScans());
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
    }
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
    var policy = spec.rollbackPolicy();
    if (policy != null && policy.unusedRuns() != null && policy.unusedRuns() < 1) {
      throw new InvalidSpecException("history.rollbackPolicy.unusedRuns", "must be >= 1");
    }
    if (spec.runsAfterApply() != null && spec.runsAfterApply() < 1) {
      throw new InvalidSpecException("history.runsAfterApply", "must be >= 1");
    }
    return defaults.with(spec.baseline(), spec.saveBaseline(), targets, defaults.retention(),
        minChange);
  }
}
