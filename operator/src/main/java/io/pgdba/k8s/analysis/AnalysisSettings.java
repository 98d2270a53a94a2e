package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.api.model.Quantity;
import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ApplyMode;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReaderOptions;
import java.time.Duration;

/**
 * A PgAnalysis spec checked and turned into engine options. Anything a retry cannot fix throws
 * {@link InvalidSpecException} naming the field.
 */
public record AnalysisSettings(
    LogReaderOptions logOptions,
    boolean prefixFromTarget,
    AdvisorOptions advisorOptions,
    double slowMs,
    Duration every,
    ApplyMode applyMode,
    Duration lockTimeout,
    Duration buildTimeout) {

  static final double DEFAULT_SLOW_MS = 100;

  /** What a container writes to stdout; the other formats are exports, read from a ConfigMap. */
  static final java.util.Set<LogFormat> POD_FORMATS =
      java.util.EnumSet.of(
          LogFormat.STDERR, LogFormat.CSVLOG, LogFormat.JSONLOG, LogFormat.CNPG,
          LogFormat.PGBOUNCER);

  public static AnalysisSettings of(PgAnalysisSpec spec) {
    if (spec == null) {
      throw new InvalidSpecException("", "the spec is missing");
    }
    var target = spec.target();
    if (target == null || blank(target.host()) || blank(target.database())) {
      throw new InvalidSpecException("target", "host and database are required");
    }
    if (target.credentialsSecret() == null || blank(target.credentialsSecret().name())) {
      throw new InvalidSpecException("target.credentialsSecret.name", "is required");
    }
    var logs = spec.logs();
    if (logs == null) {
      throw new InvalidSpecException("logs", "is required");
    }
    boolean pods = logs.podSelector() != null && !logs.podSelector().isEmpty();
    boolean configMap = logs.configMapRef() != null;
    if (pods == configMap) {
      throw new InvalidSpecException(
          "logs", "set exactly one of podSelector and configMapRef");
    }
    LogFormat format;
    try {
      format = LogFormat.parseOrAuto(logs.format());
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException("logs.format", e.getMessage());
    }
    if (pods && format != null && !POD_FORMATS.contains(format)) {
      // a container's stdout is never wrapped by syslog, a PaaS drain or a cloud export: such a
      // log is an export the user uploads, and reading pods with its parser would find nothing
      throw new InvalidSpecException(
          "logs.format",
          "'" + logs.format() + "' is not written by a pod (pods: auto, stderr, csvlog, jsonlog,"
              + " cnpg or pgbouncer); upload such a log in logs.configMapRef");
    }
    RunHistory.options(spec.history());
    var defaults = AdvisorOptions.defaults();
    var t = spec.thresholds();
    long budget = 0;
    if (t != null && t.storageBudget() != null) {
      try {
        budget = Quantity.getAmountInBytes(new Quantity(t.storageBudget())).longValueExact();
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new InvalidSpecException(
            "thresholds.storageBudget", "'" + t.storageBudget() + "' is not a quantity like 1Gi");
      }
    }
    var advisor =
        new AdvisorOptions(
            t == null || t.minImprovementPercent() == null
                ? defaults.minImprovementPercent() : t.minImprovementPercent(),
            t == null || t.minCalls() == null ? defaults.minCalls() : t.minCalls(),
            t == null || t.maxIndexesPerTable() == null
                ? defaults.maxIndexesPerTable() : t.maxIndexesPerTable(),
            budget,
            defaults.useHypopg());
    Duration every =
        spec.schedule() == null || blank(spec.schedule().every())
            ? null : Durations.parse("schedule.every", spec.schedule().every());
    var apply = spec.apply();
    ApplyMode mode = apply == null || apply.mode() == null ? ApplyMode.Manual : apply.mode();
    Duration lockTimeout =
        apply == null || blank(apply.lockTimeout())
            ? Duration.ofSeconds(5) : Durations.parse("apply.lockTimeout", apply.lockTimeout());
    Duration buildTimeout =
        apply == null || blank(apply.buildTimeout())
            ? io.pgdba.apply.IndexApplier.DEFAULT_BUILD_TIMEOUT
            : Durations.parse("apply.buildTimeout", apply.buildTimeout());
    if (apply != null && apply.maintenanceWindow() != null) {
      // validated here so that a bad window shows on the analysis, not only on each recommendation
      new io.pgdba.k8s.recommendation.MaintenanceWindows(apply.maintenanceWindow());
    }
    return new AnalysisSettings(
        new LogReaderOptions(format, blank(logs.logLinePrefix()) ? null : logs.logLinePrefix()),
        blank(logs.logLinePrefix()) && Boolean.TRUE.equals(logs.logLinePrefixFromTarget()),
        advisor,
        t == null || t.slowQueryMs() == null ? DEFAULT_SLOW_MS : t.slowQueryMs(),
        every,
        mode,
        lockTimeout,
        buildTimeout);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
