package io.pgdba.history;

import java.time.Instant;
import java.util.List;

/**
 * A stored run's context, without its figures.
 *
 * @param periodStart the first logged timestamp, or null
 * @param serverVersion the target's version when the run was recorded, or null
 * @param settingsHash the hash of the target's settings, or null
 */
public record RunInfo(
    long id,
    Instant recordedAt,
    Instant periodStart,
    String serverVersion,
    String settingsHash,
    List<String> applied) {

  public RunInfo {
    applied = applied == null ? List.of() : List.copyOf(applied);
  }
}
