package io.pgdba.history;

import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * Regressions as findings, so that the operator's status, Events and metrics show them as they
 * show every other advice (category {@code history}, kind {@code history.<regression kind>}).
 */
public final class RegressionFindings {

  /** A level at least this many times its history's is critical, not a warning. */
  static final double CRITICAL_FACTOR = 3;

  private RegressionFindings() {}

  public static List<Finding> of(HistoryReport history) {
    if (history == null) {
      return List.of();
    }
    return history.regressions().stream().map(RegressionFindings::finding).toList();
  }

  static Finding finding(Regression r) {
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("metric", r.metric().jsonName());
    if (r.before() != null) {
      evidence.put("before", r.before());
    }
    evidence.put("after", r.after());
    if (r.changePercent() != null) {
      evidence.put("changePercent", r.changePercent());
    }
    evidence.put("since", r.since().toString());
    evidence.putAll(r.evidence());
    boolean critical = r.before() != null && r.before() > 0
        && r.after() >= CRITICAL_FACTOR * r.before() && !r.kind().equals("target-exceeded")
        && !r.kind().equals("temp-files");
    return Finding.of(Category.HISTORY, "history." + r.kind(),
        critical ? Severity.CRITICAL : Severity.WARNING, r.fingerprint(), title(r), evidence,
        advice(r));
  }

  private static String title(Regression r) {
    return switch (r.kind()) {
      case "new-query" -> "a new query already ranks among the costliest";
      case "plan-changed" -> "the plan changed: " + r.evidence().get("planAfter");
      case "temp-files" -> String.format(Locale.ROOT,
          "temporary files grew: %s per call -> %s per call (%d files, %s in this run)",
          bytes(r.before()), bytes(r.after()), (Long) r.evidence().get("tempFiles"),
          bytes(((Long) r.evidence().get("tempBytes")).doubleValue()));
      case "target-exceeded" -> String.format(Locale.ROOT, "%s %.2f ms is above its target %.2f",
          r.metric().jsonName(), r.after(), r.before());
      default -> String.format(Locale.ROOT, "%s %.2f ms -> %.2f ms (%+.0f %%)%s",
          r.metric().jsonName(), r.before(), r.after(), r.changePercent(),
          r.kind().equals("baseline-deviation") ? " against the baseline" : "");
    };
  }

  private static String bytes(double b) {
    if (b >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", b / (1024 * 1024));
    }
    return String.format(Locale.ROOT, "%.0f kB", b / 1024);
  }

  private static String advice(Regression r) {
    return switch (r.kind()) {
      case "plan-changed" -> "Compare the plans (auto_explain); a changed plan after ANALYZE or a"
          + " data change is often fixed by fresher statistics or an index the new plan misses.";
      case "new-query" -> "Check that the release that brought it meant it, and its plan.";
      case "temp-files" -> "Its sorts or hashes outgrew work_mem: EXPLAIN (ANALYZE, BUFFERS) it"
          + " on a copy, then an index that gives the order, fewer rows (a filter), or more"
          + " work_mem for its role only (ALTER ROLE ... SET work_mem), never globally.";
      default -> "Look at what changed since then: data growth, a release, statistics,"
          + " settings; EXPLAIN the example and compare with the index advice.";
    };
  }
}
