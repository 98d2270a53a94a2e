package io.pgdba.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What changed on the server within the runs a comparison rests on: a new version or new
 * settings explain many a regression, so its evidence says so.
 */
final class ServerChanges {

  private ServerChanges() {}

  /**
   * Evidence entries ({@code serverChanged}, {@code settingsChanged}) for the last change of
   * version and of settings among {@code earlier} (oldest first) and {@code run}; empty when
   * nothing changed or nothing is known.
   */
  static Map<String, Object> of(List<RunInfo> earlier, RunContext run) {
    var notes = new LinkedHashMap<String, Object>();
    var runs = new ArrayList<>(earlier);
    runs.add(new RunInfo(-1, run.recordedAt(), run.periodStart(), run.serverVersion(),
        run.settingsHash(), run.applied()));
    lastChange(runs, RunInfo::serverVersion).ifPresent(i -> notes.put("serverChanged",
        "the server changed from " + runs.get(i[0]).serverVersion() + " to "
            + runs.get(i[1]).serverVersion() + between(runs, i)));
    lastChange(runs, RunInfo::settingsHash).ifPresent(i -> notes.put("settingsChanged",
        "the server's settings changed" + between(runs, i)));
    return notes;
  }

  private static String between(List<RunInfo> runs, int[] i) {
    return " between the runs of " + at(runs.get(i[0]).recordedAt()) + " and "
        + at(runs.get(i[1]).recordedAt());
  }

  private static String at(Instant t) {
    return t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** Indexes of the two known values, latest first, that differ; runs without one are skipped. */
  private static java.util.Optional<int[]> lastChange(List<RunInfo> runs,
      Function<RunInfo, String> value) {
    int later = -1;
    for (int i = runs.size() - 1; i >= 0; i--) {
      var v = value.apply(runs.get(i));
      if (v == null) {
        continue;
      }
      if (later >= 0 && !Objects.equals(v, value.apply(runs.get(later)))) {
        return java.util.Optional.of(new int[] {i, later});
      }
      later = i;
    }
    return java.util.Optional.empty();
  }
}
