package io.pgdba.history;

import io.pgdba.workload.Workload;
import java.util.HashMap;
import java.util.Map;

/**
 * A run's temporary files by query, from the log report's groups (the STATEMENT line's query of
 * each {@code temporary file} line). Only logs say this: a pg_stat_statements run has none.
 */
final class TempFiles {

  private final Map<String, long[]> byFingerprint;

  private TempFiles(Map<String, long[]> byFingerprint) {
    this.byFingerprint = byFingerprint;
  }

  /**
   * The run's temp files, or null when its source does not log them (pg_stat_statements) or the
   * workload comes without the log's report.
   */
  static TempFiles of(RunContext run, Workload workload) {
    if (!"logs".equals(run.source()) || workload.log() == null) {
      return null;
    }
    var map = new HashMap<String, long[]>();
    for (var g : workload.log().tempFiles()) {
      if (g.fingerprint() != null) {
        map.merge(g.fingerprint(), new long[] {g.count(), g.totalBytes()},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return new TempFiles(map);
  }

  /**
   * {@code {files, bytes}} of a query; zero when a logged run has no temp file line for it (a
   * run without log_temp_files reads as zeros, which never look like growth).
   */
  long[] of(String fingerprint) {
    return byFingerprint.getOrDefault(fingerprint, new long[] {0, 0});
  }
}
