package io.pgdba.k8s.analysis;

import io.pgdba.finding.Finding;
import io.pgdba.finding.Findings;
import io.pgdba.finding.Severity;
import io.pgdba.k8s.analysis.PgAnalysisStatus.FindingCount;
import io.pgdba.k8s.analysis.PgAnalysisStatus.FindingSummary;
import io.pgdba.k8s.analysis.PgAnalysisStatus.TopFinding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The findings part of a PgAnalysis status, and which critical findings are new against the
 * previous status: pure functions of the run's findings, whichever advisor made them.
 */
final class FindingStatus {

  static final int TOP = 5;
  static final int MAX_CRITICAL = 20;
  static final int MAX_TITLE = 200;
  static final int MAX_KEY = 300;

  private FindingStatus() {}

  static FindingSummary of(List<Finding> findings) {
    var sorted = Findings.sorted(findings);
    var counts = new ArrayList<FindingCount>();
    Findings.counts(sorted).forEach((category, bySeverity) ->
        bySeverity.forEach((severity, n) -> {
          if (n > 0) {
            counts.add(new FindingCount(category.jsonName(), severity.jsonName(), n.intValue()));
          }
        }));
    var top = sorted.stream().limit(TOP)
        .map(f -> new TopFinding(f.kind(), f.severity().jsonName(),
            truncate(f.object(), MAX_TITLE), truncate(f.title(), MAX_TITLE)))
        .toList();
    var critical = sorted.stream().filter(f -> f.severity() == Severity.CRITICAL)
        .map(FindingStatus::key).distinct().limit(MAX_CRITICAL).toList();
    return new FindingSummary(sorted.size(), counts, top, critical);
  }

  /** The critical findings of this run whose key the previous status did not list. */
  static List<Finding> newCritical(FindingSummary previous, List<Finding> findings) {
    var known = new HashSet<String>(previous == null || previous.critical() == null
        ? List.of() : previous.critical());
    return Findings.sorted(findings).stream()
        .filter(f -> f.severity() == Severity.CRITICAL && !known.contains(key(f)))
        .toList();
  }

  /** {@code kind object}: what identifies a finding from one run to the next. */
  static String key(Finding f) {
    return truncate(f.kind() + " " + f.object(), MAX_KEY);
  }

  static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }
}
