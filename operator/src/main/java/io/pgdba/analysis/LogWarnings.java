package io.pgdba.analysis;

import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadOptions;
import java.util.ArrayList;
import java.util.List;

/** The notes a user should read about the logs: unreadable lines, empty input, folded queries. */
final class LogWarnings {

  private LogWarnings() {}

  static List<String> of(List<LogReadResult> results, Workload workload, WorkloadOptions options) {
    var warnings = new ArrayList<String>();
    long lines = 0;
    for (var r : results) {
      // a pgBouncer log has no statements to find, nor Redshift's connection and user logs
      lines += r.pgbouncer() == null && r.contents() == null ? r.linesRead() : 0;
      if (r.contents() != null) {
        warnings.add(r.source() + ": " + r.contents() + "; "
            + (r.linesRead() - r.unparsedLines()) + " lines read");
      }
      if (r.linesRead() == 0) {
        warnings.add(r.source() + ": empty, nothing to analyze");
      } else if (r.unparsedLines() > 0) {
        warnings.add(
            r.source() + ": " + r.unparsedLines() + " of " + r.linesRead()
                + " lines could not be read; first: "
                + (r.firstUnparsed() == null ? "unknown" : r.firstUnparsed()));
      }
      if (r.truncatedLines() > 0) {
        warnings.add(r.source() + ": " + r.truncatedLines()
            + " lines longer than 1 MB were cut to their first megabyte");
      }
    }
    var totals = workload.totals();
    if (lines > 0 && totals.statements() == 0) {
      // The usual cause is a server that logs statements without durations, or not at all.
      warnings.add(
          "no statement with a duration found: set log_min_duration_statement (0 logs every"
              + " statement) or log_statement + log_duration on the server");
    }
    if (totals.foldedQueries() > 0) {
      warnings.add(
          totals.foldedQueries() + " distinct queries beyond the cap of "
              + options.maxFingerprints() + " were folded into '"
              + QueryStats.OTHER_FINGERPRINT + "' (see --max-fingerprints)");
    }
    return warnings;
  }

  /**
   * {@code duration: X ms} lines with no statement before them in their session are counted
   * rather than dropped in silence: {@code log_duration} without {@code log_statement} logs only
   * those, and the parse and bind phases of the extended protocol write them too.
   */
  static List<String> unpairedDurations(long unpaired, Workload workload) {
    if (unpaired == 0) {
      return List.of();
    }
    String why = workload.totals().statements() == 0
        ? " (log_duration without log_statement: set log_min_duration_statement to see the"
            + " statements)"
        : " (parse/bind phases, or statements logged before the log started)";
    return List.of(unpaired + " duration lines had no statement to belong to" + why
        + "; they are in no query's figures");
  }
}
