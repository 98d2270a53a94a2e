package io.pgdba.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compares one run with its history: trends, regressions, the baseline and the targets. Pure:
 * the store gives the series, this decides.
 */
final class HistoryAnalyzer {

  private static final List<Metric> LEVEL_METRICS = List.of(Metric.MEAN, Metric.P95);

  /** Below this a run's temp files are noise (a few sorts of a work_mem of 4 MB). */
  static final long MIN_TEMP_BYTES = 16L * 1024 * 1024;

  /** Temp bytes per call at least this many times the largest earlier run's. */
  static final double TEMP_GROWTH_FACTOR = 2;

  private HistoryAnalyzer() {}

  /**
   * @param current this run's points by fingerprint, costliest first
   * @param texts normalized texts by fingerprint
   * @param history earlier points by fingerprint, oldest first
   * @param priorRuns runs in the window before this one
   * @param baseline the baseline's points by fingerprint, or null
   */
  static Comparison compare(Map<String, QueryPoint> current, Map<String, String> texts,
      Map<String, List<QueryPoint>> history, int priorRuns, Map<String, List<QueryPoint>> baseline,
      HistoryOptions options) {
    var trends = new ArrayList<Trend>();
    var regressions = new ArrayList<Regression>();
    int rank = 0;
    for (var e : current.entrySet()) {
      rank++;
      var fp = e.getKey();
      var point = e.getValue();
      var query = texts.get(fp);
      var past = history.getOrDefault(fp, List.of());
      for (var target : options.targets()) {
        if (target.matches(fp, query) && point.value(target.metric()) > target.limit()) {
          var evidence = new LinkedHashMap<String, Object>();
          evidence.put("target", target.toString());
          evidence.put("calls", point.calls());
          regressions.add(new Regression("target-exceeded", fp, query, target.metric(),
              target.limit(), point.value(target.metric()),
              percent(target.limit(), point.value(target.metric())), point.at(), evidence));
        }
      }
      if (past.isEmpty()) {
        if (priorRuns > 0 && rank <= options.newQueryTop()) {
          var evidence = new LinkedHashMap<String, Object>();
          evidence.put("rankByTotalTime", rank);
          evidence.put("calls", point.calls());
          evidence.put("priorRuns", priorRuns);
          regressions.add(new Regression("new-query", fp, query, Metric.TOTAL, null,
              point.totalMs(), null, point.at(), evidence));
        }
        continue;
      }
      planChange(fp, query, point, past).ifPresent(regressions::add);
      tempFilesGrew(fp, query, point, past).ifPresent(regressions::add);
      if (point.calls() < options.minCalls()) {
        continue;
      }
      for (var metric : LEVEL_METRICS) {
        level("level", fp, query, point, past, metric, options).ifPresent(regressions::add);
        if (baseline != null && baseline.containsKey(fp)) {
          level("baseline-deviation", fp, query, point, baseline.get(fp), metric, options)
              .ifPresent(regressions::add);
        }
      }
      var series = new ArrayList<>(past);
      series.add(point);
      var split = ChangePoint.strongest(series, Metric.MEAN);
      if (split != null && Math.abs(split.score()) >= options.threshold()) {
        double change = percent(split.before(), split.after());
        if (Math.abs(change) >= options.minChangePercent()) {
          trends.add(new Trend(fp, query, Metric.MEAN, change > 0 ? "slower" : "faster",
              split.before(), split.after(), change, series.get(split.index()).at(),
              series.size()));
        }
      }
    }
    trends.sort(Comparator.comparingDouble((Trend t) -> -Math.abs(t.changePercent()))
        .thenComparing(Trend::fingerprint));
    return new Comparison(trends, regressions);
  }

  record Comparison(List<Trend> trends, List<Regression> regressions) {}

  private static Optional<Regression> level(String kind, String fp, String query,
      QueryPoint point, List<QueryPoint> reference, Metric metric, HistoryOptions options) {
    var result = LevelChange.of(reference, point, metric);
    if (result == null || result.score() < options.threshold()) {
      return Optional.empty();
    }
    double change = percent(result.reference(), point.value(metric));
    if (change < options.minChangePercent()) {
      return Optional.empty();
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("score", round(result.score()));
    evidence.put("method", result.method());
    evidence.put("referenceRuns", result.points());
    evidence.put("calls", point.calls());
    return Optional.of(new Regression(kind, fp, query, metric, result.reference(),
        point.value(metric), change, point.at(), evidence));
  }

  private static Optional<Regression> planChange(String fp, String query,
      QueryPoint point, List<QueryPoint> past) {
    if (point.planShape() == null) {
      return Optional.empty();
    }
    for (int i = past.size() - 1; i >= 0; i--) {
      var shape = past.get(i).planShape();
      if (shape != null) {
        if (shape.equals(point.planShape())) {
          return Optional.empty();
        }
        var evidence = new LinkedHashMap<String, Object>();
        evidence.put("planBefore", shape);
        evidence.put("planAfter", point.planShape());
        evidence.put("lastSeenBefore", past.get(i).at().toString());
        return Optional.of(new Regression("plan-changed", fp, query, Metric.MEAN,
            past.get(i).meanMs(), point.meanMs(), percent(past.get(i).meanMs(), point.meanMs()),
            point.at(), evidence));
      }
    }
    return Optional.empty();
  }

  /**
   * A query whose statements spill to temporary files much more per call than in any earlier
   * run with known figures: a sort or hash outgrew work_mem, usually before its time shows it.
   */
  static Optional<Regression> tempFilesGrew(String fp, String query, QueryPoint point,
      List<QueryPoint> past) {
    if (point.tempBytes() == null || point.tempBytes() < MIN_TEMP_BYTES || point.calls() <= 0) {
      return Optional.empty();
    }
    double before = -1;
    int runs = 0;
    for (var p : past) {
      double perCall = p.tempBytesPerCall();
      if (!Double.isNaN(perCall)) {
        before = Math.max(before, perCall);
        runs++;
      }
    }
    double after = point.tempBytesPerCall();
    if (runs == 0 || after < TEMP_GROWTH_FACTOR * before || after == before) {
      return Optional.empty();
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("tempFiles", point.tempFiles());
    evidence.put("tempBytes", point.tempBytes());
    evidence.put("calls", point.calls());
    evidence.put("referenceRuns", runs);
    return Optional.of(new Regression("temp-files", fp, query, Metric.TEMP_BYTES_PER_CALL,
        round(before), round(after), before == 0 ? null : percent(before, after), point.at(),
        evidence));
  }

  static double percent(double before, double after) {
    return before == 0 ? 0 : round((after - before) / before * 100);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
