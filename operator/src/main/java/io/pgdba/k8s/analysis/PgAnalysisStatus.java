package io.pgdba.k8s.analysis;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pgdba.k8s.conditions.Condition;
import java.util.List;
import java.util.Map;

/**
 * What the last run found, kept small (bounded lists, truncated texts) whatever the workload: the
 * details are in the IndexRecommendations and in the engine's reports, not here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PgAnalysisStatus(
    @JsonPropertyDescription("The metadata.generation the status reflects.")
        Long observedGeneration,
    @JsonPropertyDescription("TargetReachable, LogsRead, Analyzed and Ready.")
        List<Condition> conditions,
    @JsonPropertyDescription("When the last successful run finished (RFC 3339).")
        String lastRunTime,
    @JsonPropertyDescription("When the next periodic run is due (RFC 3339), if scheduled.")
        String nextRunTime,
    @JsonPropertyDescription("Failed runs in a row; drives the retry backoff.")
        Integer consecutiveFailures,
    @JsonPropertyDescription("Figures of the last successful run.") Summary summary,
    @JsonPropertyDescription("IndexRecommendations of this analysis by phase.")
        RecommendationCounts recommendations,
    @JsonPropertyDescription(
            "Per pod and container, the log timestamp up to which lines were read: the next run"
                + " asks for lines after it only, so no line is counted twice.")
        List<PodLogPosition> pods,
    @JsonPropertyDescription(
            "Findings of the last successful run (table, query, configuration advice): counts by"
                + " category and severity, the most severe few, and which are critical.")
        FindingSummary findings,
    @JsonPropertyDescription(
            "Where the operator serves the last successful run's HTML report on its"
                + " metrics/health port (kubectl port-forward to it): /reports/<namespace>/<name>.")
        String reportPath) {

  /** The status without a report path (kept for callers that have none). */
  public PgAnalysisStatus(Long observedGeneration, List<Condition> conditions,
      String lastRunTime, String nextRunTime, Integer consecutiveFailures, Summary summary,
      RecommendationCounts recommendations, List<PodLogPosition> pods,
      FindingSummary findings) {
    this(observedGeneration, conditions, lastRunTime, nextRunTime, consecutiveFailures, summary,
        recommendations, pods, findings, null);
  }

  /** The status without findings (kept for callers that have none). */
  public PgAnalysisStatus(Long observedGeneration, List<Condition> conditions,
      String lastRunTime, String nextRunTime, Integer consecutiveFailures, Summary summary,
      RecommendationCounts recommendations, List<PodLogPosition> pods) {
    this(observedGeneration, conditions, lastRunTime, nextRunTime, consecutiveFailures, summary,
        recommendations, pods, null, null);
  }

  /** Bounded figures of one run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Summary(
      @JsonPropertyDescription("Log lines read in the run.") Long linesRead,
      @JsonPropertyDescription("Lines that belonged to no log record.") Long unparsedLines,
      @JsonPropertyDescription("Executed statements found.") Long statements,
      @JsonPropertyDescription("Distinct normalized queries.") Long distinctQueries,
      @JsonPropertyDescription("The slowest queries by mean time (at most 10).")
          List<SlowQuery> topSlowQueries,
      @JsonPropertyDescription("Warnings of the engine (at most 10, one line each).")
          List<String> warnings,
      @JsonPropertyDescription(
              "The configuration changes proposed by the last run, ready to commit to Git;"
                  + " pgdba never changes the Cluster itself.")
          Configuration configuration) {}

  /** The configuration advisor's changes, as a CloudNativePG patch and postgresql.conf lines. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Configuration(
      @JsonPropertyDescription(
              "Parameter to value, to merge into the Cluster's spec.postgresql.parameters.")
          Map<String, String> parameters,
      @JsonPropertyDescription("Parameters that take effect only after a restart.")
          List<String> restartNeeded,
      @JsonPropertyDescription("The same changes as postgresql.conf lines, for other servers.")
          String postgresqlConf) {}

  /** One slow query; the text is truncated. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SlowQuery(
      @JsonPropertyDescription("Fingerprint of the normalized query.") String fingerprint,
      @JsonPropertyDescription("The normalized query, truncated to 300 characters.")
          String query,
      @JsonPropertyDescription("Executions seen.") Long calls,
      @JsonPropertyDescription("Mean duration in ms.") Double meanMs,
      @JsonPropertyDescription("95th percentile duration in ms.") Double p95Ms) {}

  /** Counts of the analysis' recommendations. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RecommendationCounts(
      @JsonPropertyDescription("All recommendations of this analysis.") Integer total,
      @JsonPropertyDescription("Waiting for approval.") Integer proposed,
      @JsonPropertyDescription("Approved, waiting for the maintenance window or building.")
          Integer approved,
      @JsonPropertyDescription("Built and valid.") Integer applied,
      @JsonPropertyDescription("Build failed.") Integer failed,
      @JsonPropertyDescription("Rolled back.") Integer rolledBack,
      @JsonPropertyDescription("No longer recommended.") Integer obsolete) {}

  /** How far a pod's container log has been read. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PodLogPosition(
      @JsonPropertyDescription("Pod name.") String pod,
      @JsonPropertyDescription("Container name.") String container,
      @JsonPropertyDescription(
              "Container ID when last read; a different one means the container restarted and"
                  + " the previous container's log is read first.")
          String containerId,
      @JsonPropertyDescription("Timestamp (RFC 3339, ns) of the last line read.")
          String readUntil) {}

  /** Findings of one run, bounded whatever their number. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FindingSummary(
      @JsonPropertyDescription("All findings of the last run.") Integer total,
      @JsonPropertyDescription("Findings by category and severity (non-zero ones only).")
          List<FindingCount> counts,
      @JsonPropertyDescription("The most severe findings (at most 5), titles truncated.")
          List<TopFinding> top,
      @JsonPropertyDescription(
              "kind and object of the critical findings (at most 20): a critical finding not"
                  + " listed in the previous status raises a Warning Event.")
          List<String> critical) {}

  /** How many findings of one category have one severity. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FindingCount(
      @JsonPropertyDescription("table, query, config or log.") String category,
      @JsonPropertyDescription("info, warning or critical.") String severity,
      @JsonPropertyDescription("Number of findings.") Integer count) {}

  /** One finding, in short. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TopFinding(
      @JsonPropertyDescription("Stable machine name, e.g. table.bloat.") String kind,
      @JsonPropertyDescription("info, warning or critical.") String severity,
      @JsonPropertyDescription("What it is about (schema.table, a parameter, a query id).")
          String object,
      @JsonPropertyDescription("One line, truncated to 200 characters.") String title) {}
}
