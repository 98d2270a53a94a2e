package io.pgdba.history;

import java.time.Duration;
import java.util.List;

/**
 * How a run is compared with its history.
 *
 * @param window how far back the series reach (and regressions look for their level)
 * @param minChangePercent a change smaller than this is never reported, however significant:
 *     a 3 % slower query with a million calls is real but not worth a DBA's time
 * @param threshold how many standard errors (robust, see {@link LevelChange}) make a change
 *     significant
 * @param minCalls a query with fewer calls in the run is not judged: its mean is one or two
 *     executions
 * @param newQueryTop a query never seen before that ranks within this many by total time is
 *     reported
 * @param baseline the name of a baseline to compare with, or null
 * @param saveBaseline a name under which to keep this run as a baseline, or null
 * @param targets limits per query
 * @param retention runs older than this are deleted after recording, null keeps everything
 */
public record HistoryOptions(
    Duration window,
    double minChangePercent,
    double threshold,
    long minCalls,
    int newQueryTop,
    String baseline,
    String saveBaseline,
    List<Target> targets,
    Duration retention) {

  public HistoryOptions {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  public static HistoryOptions defaults() {
    return new HistoryOptions(Duration.ofDays(30), 20, 4, 5, 10, null, null, List.of(),
        Duration.ofDays(400));
  }

  public HistoryOptions with(String baseline, String saveBaseline, List<Target> targets,
      Duration retention, double minChangePercent) {
    return new HistoryOptions(window, minChangePercent, threshold, minCalls, newQueryTop,
        baseline, saveBaseline, targets, retention);
  }
}
