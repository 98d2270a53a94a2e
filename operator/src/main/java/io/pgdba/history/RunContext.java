package io.pgdba.history;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one analysis run was: the context its figures are stored with.
 *
 * @param analysis the name the runs of one analysis share (a PgAnalysis's namespace/name, or the
 *     CLI's {@code --history-name}); history never mixes two names
 * @param recordedAt when the run ended; the time its points stand at in series
 * @param periodStart the first logged timestamp, or null (pg_stat_statements)
 * @param source {@code logs} or {@code pg_stat_statements}
 * @param serverVersion the target's version, or null without a target
 * @param settingsHash a hash of the target's settings, so that a change of configuration shows
 * @param applied names of the indexes applied on pgdba's advice before this run
 * @param indexScans of those, the scans each had had ({@code pg_stat_user_indexes.idx_scan})
 *     when the run was recorded, where the target said
 */
public record RunContext(
    String analysis,
    Instant recordedAt,
    Instant periodStart,
    Instant periodEnd,
    String source,
    String serverVersion,
    String settingsHash,
    List<String> applied,
    Map<String, Long> indexScans) {

  public RunContext {
    applied = applied == null ? List.of() : List.copyOf(applied);
    indexScans = indexScans == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new TreeMap<>(indexScans));
  }

  /** Without index usage (no target to ask). */
  public RunContext(String analysis, Instant recordedAt, Instant periodStart, Instant periodEnd,
      String source, String serverVersion, String settingsHash, List<String> applied) {
    this(analysis, recordedAt, periodStart, periodEnd, source, serverVersion, settingsHash,
        applied, Map.of());
  }
}
