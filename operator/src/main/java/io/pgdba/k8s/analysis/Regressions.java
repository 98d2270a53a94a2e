package io.pgdba.k8s.analysis;

import io.pgdba.history.HistoryReport;
import io.pgdba.history.Regression;
import java.util.Locale;
import java.util.Optional;

/** The {@code Regressed} condition of a PgAnalysis, from its last run's history comparison. */
final class Regressions {

  /** Regressions named in the message; the report and status findings list them all. */
  static final int NAMED = 3;

  record Value(String status, String reason, String message) {}

  private Regressions() {}

  /** Absent without history (the condition would say nothing), else True or False. */
  static Optional<Value> condition(HistoryReport history) {
    if (history == null) {
      return Optional.empty();
    }
    var regressions = history.regressions();
    if (regressions.isEmpty()) {
      return Optional.of(new Value("False", "NoRegression",
          "compared with " + history.priorRuns() + " earlier runs"
              + (history.baseline() == null ? "" : " and baseline " + history.baseline())));
    }
    var named = new StringBuilder();
    regressions.stream().limit(NAMED).forEach(r ->
        named.append(named.length() == 0 ? "" : "; ").append(describe(r)));
    if (regressions.size() > NAMED) {
      named.append("; ").append(regressions.size() - NAMED).append(" more");
    }
    return Optional.of(new Value("True", "QueriesRegressed",
        regressions.size() + " regressions: " + named));
  }

  private static String describe(Regression r) {
    var sb = new StringBuilder(r.kind()).append(' ').append(r.fingerprint());
    if (r.changePercent() != null) {
      sb.append(' ').append(r.metric().jsonName())
          .append(String.format(Locale.ROOT, " %+.0f%%", r.changePercent()));
    }
    return sb.toString();
  }
}
