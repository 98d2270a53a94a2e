package io.pgdba.history;

import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records a run in the store and compares it with the runs before it. */
public final class History {

  private History() {}

  /**
   * Compares {@code workload} with the history of {@code run.analysis()} (before recording, so
   * the run is not its own reference), records it, keeps a baseline if asked and applies the
   * retention.
   */
  public static HistoryReport recordAndCompare(HistoryStore store, RunContext run,
      Workload workload, HistoryOptions options) throws HistoryException {
    Instant now = run.recordedAt();
    var past = store.series(run.analysis(), now.minus(options.window()), now);
    int priorRuns = distinctRuns(past);
    Map<String, List<QueryPoint>> baseline = null;
    if (options.baseline() != null) {
      var named = store.baseline(run.analysis(), options.baseline()).orElseThrow(
          () -> new HistoryException("no baseline named '" + options.baseline() + "' for "
              + run.analysis() + " (keep one with --save-baseline NAME)"));
      baseline = store.series(run.analysis(), named.from(), named.to().plusNanos(1000));
    }
    var temp = TempFiles.of(run, workload);
    var current = new LinkedHashMap<String, QueryPoint>();
    var texts = new LinkedHashMap<String, String>();
    for (var q : workload.topByTotalTime(HistoryStore.MAX_QUERIES_PER_RUN)) {
      if (!QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint()) && q.calls() > 0) {
        current.put(q.fingerprint(), point(q, now, temp));
        texts.put(q.fingerprint(), q.query());
      }
    }
    var comparison = HistoryAnalyzer.compare(current, texts, past, priorRuns, baseline, options);
    var changes = ServerChanges.of(store.runs(run.analysis(), now.minus(options.window()), now),
        run);
    var regressions = comparison.regressions().stream()
        .map(r -> changes.isEmpty() ? r : withEvidence(r, changes)).toList();
    long runId = store.record(run, workload);
    if (options.saveBaseline() != null) {
      store.saveBaseline(new Baseline(run.analysis(), options.saveBaseline(), now, now));
    }
    int deleted = options.retention() == null ? 0
        : store.deleteRunsBefore(now.minus(options.retention()));
    return new HistoryReport(run.analysis(), runId, priorRuns, options.baseline(),
        comparison.trends(), regressions, deleted);
  }

  private static Regression withEvidence(Regression r, Map<String, Object> more) {
    var evidence = new LinkedHashMap<>(r.evidence());
    evidence.putAll(more);
    return new Regression(r.kind(), r.fingerprint(), r.query(), r.metric(), r.before(),
        r.after(), r.changePercent(), r.since(), evidence);
  }

  static QueryPoint point(QueryStats q, Instant at) {
    return point(q, at, null);
  }

  static QueryPoint point(QueryStats q, Instant at, TempFiles temp) {
    var files = temp == null ? null : temp.of(q.fingerprint());
    return new QueryPoint(-1, at, q.calls(), q.totalTimeMs(), q.meanTimeMs(), q.p95TimeMs(),
        Spread.estimate(q), PlanShape.of(q.examplePlan()), files == null ? null : files[0],
        files == null ? null : files[1]);
  }

  private static int distinctRuns(Map<String, List<QueryPoint>> series) {
    var runs = new HashSet<Long>();
    series.values().forEach(points -> points.forEach(p -> runs.add(p.runId())));
    return runs.size();
  }
}
