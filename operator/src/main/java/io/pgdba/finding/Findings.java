package io.pgdba.finding;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Ordering and counting of findings, shared by every surface so that they agree. */
public final class Findings {

  /** Most severe first, then by category, kind and object: a stable order for GitOps diffs. */
  public static final Comparator<Finding> REPORT_ORDER =
      Comparator.comparing(Finding::severity, Comparator.reverseOrder())
          .thenComparing(Finding::category)
          .thenComparing(Finding::kind)
          .thenComparing(Finding::object);

  private Findings() {}

  public static List<Finding> sorted(List<Finding> findings) {
    return findings.stream().sorted(REPORT_ORDER).toList();
  }

  /** Counts by category, then severity; every category and severity present, zero or not. */
  public static Map<Category, Map<Severity, Long>> counts(List<Finding> findings) {
    var counts = new EnumMap<Category, Map<Severity, Long>>(Category.class);
    for (var c : Category.values()) {
      var bySeverity = new EnumMap<Severity, Long>(Severity.class);
      for (var s : Severity.values()) {
        bySeverity.put(s, 0L);
      }
      counts.put(c, bySeverity);
    }
    findings.forEach(f -> counts.get(f.category()).merge(f.severity(), 1L, Long::sum));
    return counts;
  }
}
