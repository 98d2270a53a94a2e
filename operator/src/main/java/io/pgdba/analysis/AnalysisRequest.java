package io.pgdba.analysis;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.WorkloadOptions;
import java.util.List;
import java.util.Map;

/**
 * One analysis to run: logs to read and, optionally, a target database to advise on.
 *
 * @param logs log sources; empty means "take the workload from pg_stat_statements of the target"
 * @param target the database to read the catalog from and advise on, null for log analysis only
 * @param slowMs queries whose mean time reaches this are reported as slow
 * @param advisorSettings settings for the finding advisors by name ({@code memory}, {@code cpus},
 *     {@code storage}, ...), see {@link io.pgdba.finding.AdvisorContext}
 */
public record AnalysisRequest(
    List<LogSource> logs,
    LogReaderOptions logOptions,
    WorkloadOptions workloadOptions,
    ConnectionSettings target,
    AdvisorOptions advisorOptions,
    double slowMs,
    Map<String, String> advisorSettings) {

  public AnalysisRequest {
    advisorSettings = advisorSettings == null ? Map.of() : Map.copyOf(advisorSettings);
  }

  public AnalysisRequest(
      List<LogSource> logs,
      LogReaderOptions logOptions,
      WorkloadOptions workloadOptions,
      ConnectionSettings target,
      AdvisorOptions advisorOptions,
      double slowMs) {
    this(logs, logOptions, workloadOptions, target, advisorOptions, slowMs, Map.of());
  }
}
