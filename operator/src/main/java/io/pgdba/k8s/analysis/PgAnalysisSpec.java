package io.pgdba.k8s.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;
import java.util.Map;

/** What to analyze and how often; written by the user (or Git), never by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PgAnalysisSpec(
    @Required @JsonPropertyDescription("The PostgreSQL database to analyze and advise on.")
        Target target,
    @Required @JsonPropertyDescription("Where the PostgreSQL logs come from.") Logs logs,
    @JsonPropertyDescription("When to run: once (default) or every interval.") Schedule schedule,
    @JsonPropertyDescription("Limits of the analysis and of the index advisor.")
        Thresholds thresholds,
    @JsonPropertyDescription("How recommendations get applied; Manual approval by default.")
        ApplyPolicy apply,
    @JsonPropertyDescription(
            "How each run is compared with the runs before it, when the operator keeps a history"
                + " (its --history store): baseline, targets per query, minimum change.")
        History history) {

  /** A spec without history settings. */
  public PgAnalysisSpec(Target target, Logs logs, Schedule schedule, Thresholds thresholds,
      ApplyPolicy apply) {
    this(target, logs, schedule, thresholds, apply, null);
  }

  /** Comparing runs with their history; all optional. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record History(
      @JsonPropertyDescription(
              "Name of a baseline to compare each run with; kept by saveBaseline.")
          String baseline,
      @JsonPropertyDescription(
              "Keep the next run as the baseline of this name, once: a baseline of that name"
                  + " already kept stays (the CLI's --save-baseline renews it).")
          String saveBaseline,
      @JsonPropertyDescription(
              "Limits per query, each SELECTOR:METRIC<=MS: SELECTOR a query fingerprint or"
                  + " ~regex on its text, METRIC mean, p95, total or calls; e.g."
                  + " '~FROM orders:p95<=50'.")
          List<String> targets,
      @Min(0)
          @JsonPropertyDescription(
              "Changes smaller than this percent are never reported (default 20).")
          Double minChangePercent,
      @Min(1)
          @JsonPropertyDescription(
              "Runs after an index was applied before its effect on the affected queries is"
                  + " measured and shown in the IndexRecommendation's status.measuredEffect"
                  + " (default 2).")
          Integer runsAfterApply,
      @JsonPropertyDescription(
              "Undo an applied index whose queries got measurably slower, or that no query"
                  + " uses; absent: applied indexes are only measured.")
          RollbackPolicy rollbackPolicy) {

    /** Without the follow-up of applied indexes. */
    public History(String baseline, String saveBaseline, List<String> targets,
        Double minChangePercent) {
      this(baseline, saveBaseline, targets, minChangePercent, null, null);
    }
  }

  /** Propose: the RollbackProposed condition and an Event; Auto: the rollback itself. */
  public enum RollbackMode {
    Propose,
    Auto
  }

  /** When an applied index is to be rolled back, and who decides. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RollbackPolicy(
      @JsonPropertyDescription(
              "Propose (default): set the IndexRecommendation's RollbackProposed condition and"
                  + " raise an Event; a human or Git sets spec.rollback: true. Auto: roll back"
                  + " without approval, in apply.maintenanceWindow if any.")
          RollbackMode mode,
      @JsonPropertyDescription(
              "Roll back when the affected queries got measurably slower after the apply"
                  + " (default true).")
          Boolean whenSlower,
      @Min(1)
          @JsonPropertyDescription(
              "Roll back an index no query scanned (pg_stat_user_indexes.idx_scan still 0) in"
                  + " this many runs after the apply; absent: an unused index is kept.")
          Integer unusedRuns) {}

  /** The target database. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Target(
      @Required @JsonPropertyDescription("Host name or service of the database server.")
          String host,
      @Min(1) @Max(65535) @JsonPropertyDescription("Port, 5432 by default.") Integer port,
      @Required @JsonPropertyDescription("Database name.") String database,
      @Pattern("^(disable|allow|prefer|require|verify-ca|verify-full)$")
          @JsonPropertyDescription(
              "libpq sslmode: disable, allow, prefer (default), require, verify-ca, verify-full.")
          String sslMode,
      @Required
          @JsonPropertyDescription(
              "Secret with the user and password of a read-only role (pg_read_all_stats and "
                  + "SELECT on the analyzed tables).")
          SecretCredentials credentialsSecret,
      @JsonPropertyDescription(
              "Secret of a role allowed to create and drop indexes on the analyzed tables;"
                  + " without it nothing can be applied.")
          SecretCredentials ddlCredentialsSecret) {}

  /** A Secret in the resource's namespace, read by reference each time it is needed. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SecretCredentials(
      @Required @JsonPropertyDescription("Name of the Secret in this namespace.") String name,
      @JsonPropertyDescription("Key of the user name, 'username' by default (CloudNativePG).")
          String userKey,
      @JsonPropertyDescription("Key of the password, 'password' by default.")
          String passwordKey) {

    @JsonIgnore
    public String userKeyOrDefault() {
      return userKey == null || userKey.isBlank() ? "username" : userKey;
    }

    @JsonIgnore
    public String passwordKeyOrDefault() {
      return passwordKey == null || passwordKey.isBlank() ? "password" : passwordKey;
    }
  }

  /** The log source: pods selected by labels, or a log uploaded into a ConfigMap. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Logs(
      @JsonPropertyDescription(
              "Labels of the PostgreSQL pods whose logs are read through the Kubernetes API,"
                  + " e.g. cnpg.io/cluster: mydb.")
          Map<String, String> podSelector,
      @JsonPropertyDescription(
              "Container of the selected pods that writes the PostgreSQL log; the first one"
                  + " when omitted.")
          String container,
      @JsonPropertyDescription("A ConfigMap holding an uploaded log file, instead of pods.")
          ConfigMapLogRef configMapRef,
      @Pattern(
              "^(auto|stderr|csvlog|jsonlog|cnpg|pgbouncer|syslog|syslog2|logplex|cloudsql|azure"
                  + "|redshift)$")
          @JsonPropertyDescription(
              "Log format: auto (default, detected), stderr, csvlog, jsonlog, cnpg or pgbouncer"
                  + " for pods; an uploaded configMapRef log may also be syslog, syslog2,"
                  + " logplex, cloudsql, azure or redshift.")
          String format,
      @JsonPropertyDescription(
              "log_line_prefix of stderr logs; detected when omitted (see"
                  + " logLinePrefixFromTarget).")
          String logLinePrefix,
      @JsonPropertyDescription(
              "Read log_line_prefix from the target's settings (SHOW log_line_prefix) when"
                  + " logLinePrefix is omitted.")
          Boolean logLinePrefixFromTarget) {}

  /** A key of a ConfigMap holding log text (gzip allowed in binaryData). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ConfigMapLogRef(
      @Required @JsonPropertyDescription("Name of the ConfigMap in this namespace.") String name,
      @Required @JsonPropertyDescription("Key in data or binaryData holding the log.")
          String key) {}

  /** Run once, or periodically. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Schedule(
      @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
          @JsonPropertyDescription(
              "Interval between runs, e.g. 1h or 30m; each run reads only the log lines written"
                  + " since the previous one. Omitted: run once per spec change.")
          String every) {}

  /** Limits; omitted fields take the engine's defaults. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Thresholds(
      @Min(0) @JsonPropertyDescription("Queries with a mean time of at least this are slow (ms).")
          Double slowQueryMs,
      @Min(1) @JsonPropertyDescription("Ignore queries seen fewer times than this.")
          Long minCalls,
      @Min(0) @Max(100)
          @JsonPropertyDescription("Recommend no index saving less than this percent of cost.")
          Double minImprovementPercent,
      @Min(0) @JsonPropertyDescription("New indexes per table at most.")
          Integer maxIndexesPerTable,
      @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$")
          @JsonPropertyDescription(
              "Total size of new indexes at most, as a quantity (e.g. 512Mi); no budget when"
                  + " omitted.")
          String storageBudget) {}

  /** Who decides when an index is built. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApplyPolicy(
      @JsonPropertyDescription(
              "Manual (default): a recommendation is built once a human sets approved: true."
                  + " Auto: every recommendation is built inside the maintenance window.")
          ApplyMode mode,
      @JsonPropertyDescription("When indexes may be built; any time when omitted.")
          MaintenanceWindow maintenanceWindow,
      @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
          @JsonPropertyDescription(
              "lock_timeout of the index DDL (default 5s): the build gives up instead of queueing"
                  + " behind a long lock and blocking the table's writers.")
          String lockTimeout,
      @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
          @JsonPropertyDescription(
              "How long a build may wait for older transactions to end (default 1h). A"
                  + " concurrent build waits for every transaction that could still see the"
                  + " table without the index; that blocks nobody, so it is not bounded by"
                  + " lockTimeout.")
          String buildTimeout) {

    public ApplyPolicy(ApplyMode mode, MaintenanceWindow maintenanceWindow, String lockTimeout) {
      this(mode, maintenanceWindow, lockTimeout, null);
    }
  }

  /** Apply modes. */
  public enum ApplyMode {
    Manual,
    Auto
  }

  /** A daily window. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MaintenanceWindow(
      @Required
          @Pattern("^([01][0-9]|2[0-3]):[0-5][0-9]$")
          @JsonPropertyDescription("Start time of day, HH:MM.")
          String start,
      @Required
          @Pattern("^([0-9]+h)?([0-9]+m)?$")
          @JsonPropertyDescription("Length of the window, e.g. 2h or 90m.")
          String duration,
      @JsonPropertyDescription("IANA time zone of start, UTC by default.") String timeZone,
      @JsonPropertyDescription(
              "Days of the week (Mon, Tue, ...) the window opens; every day when omitted.")
          List<String> days) {}
}
