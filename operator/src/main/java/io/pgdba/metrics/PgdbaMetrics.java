package io.pgdba.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Category;
import io.pgdba.finding.Findings;
import io.pgdba.finding.Severity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * pgdba's own meters, with names a dashboard can rely on. The reconcilers call the
 * intention-revealing methods below; nothing else registers a {@code pgdba_*} meter.
 *
 * <p>Label cardinality is bounded by what the cluster holds, never by the workload: labels are
 * namespace, analysis and recommendation names (Kubernetes objects, few), phases, kinds and
 * results (fixed sets), and the ids of at most {@link #topQueries()} queries per analysis, which
 * are replaced on every run. SQL text, pods, hosts and users are never labels.
 */
public final class PgdbaMetrics {

  /** Results of an index build or rollback, the values of the {@code result} label. */
  public static final String SUCCESS = "success";

  public static final String FAILED = "failed";

  /** How many queries per analysis are exported when the caller does not say. */
  public static final int DEFAULT_TOP_QUERIES = 10;

  private static final String NS = "namespace";
  private static final String ANALYSIS = "analysis";
  private static final int MAX_LABEL = 63;

  private final MeterRegistry registry;
  private final int topQueries;
  private final Clock clock;

  private final GaugeGroup failing;
  private final GaugeGroup lastSuccess;
  private final GaugeGroup distinctQueries;
  private final GaugeGroup slowQueries;
  private final GaugeGroup reachable;
  private final GaugeGroup recommendations;
  private final GaugeGroup recommendationPhase;
  private final GaugeGroup estimated;
  private final GaugeGroup observed;
  private final GaugeGroup queryCalls;
  private final GaugeGroup queryTotal;
  private final GaugeGroup queryMean;
  private final GaugeGroup findings;
  private final GaugeGroup effectRatio;
  private final List<GaugeGroup> groups = new ArrayList<>();

  public PgdbaMetrics(MeterRegistry registry, int topQueries, Clock clock) {
    if (topQueries < 0) {
      throw new IllegalArgumentException("topQueries must be >= 0, got " + topQueries);
    }
    this.registry = registry;
    this.topQueries = topQueries;
    this.clock = clock;
    failing =
        group("pgdba.analysis.failing", "1 when the last run of the analysis failed", null);
    lastSuccess =
        group(
            "pgdba.analysis.last.success.timestamp",
            "Unix time of the last successful run of the analysis",
            "seconds");
    distinctQueries =
        group("pgdba.analysis.distinct.queries", "Distinct queries (fingerprints) seen", null);
    slowQueries =
        group(
            "pgdba.analysis.slow.queries",
            "Distinct queries whose mean time reaches the slow-query threshold",
            null);
    reachable =
        group("pgdba.target.reachable", "1 when the target database answered, 0 if not", null);
    recommendations =
        group(
            "pgdba.recommendations",
            "IndexRecommendations of the analysis by phase and kind",
            null);
    recommendationPhase =
        group(
            "pgdba.recommendation.phase",
            "1 for the current phase of an IndexRecommendation",
            null);
    estimated =
        group(
            "pgdba.recommendation.estimated.improvement",
            "Estimated cost saved on the affected queries",
            "percent");
    observed =
        group(
            "pgdba.recommendation.observed.improvement",
            "Cost saved on the affected queries as measured after apply",
            "percent");
    queryCalls = group("pgdba.query.calls", "Calls of a top query in the last run", null);
    queryTotal =
        group("pgdba.query.total.time", "Total time of a top query in the last run", "seconds");
    queryMean =
        group("pgdba.query.mean.time", "Mean time of a top query in the last run", "seconds");
    findings =
        group(
            "pgdba.findings",
            "Findings of the last run by category (table, query, config, log) and severity",
            null);
    effectRatio =
        group(
            "pgdba.index.observed.effect.ratio",
            "Mean time of an applied index's queries after the apply over before, from the"
                + " history (below 1: faster)",
            null);
    // Zero counters up front: "no build failed" must read 0 in a query, not "no data".
    for (var result : List.of(SUCCESS, FAILED)) {
      indexBuilds(result);
      indexRollbacks(result);
    }
  }

  public PgdbaMetrics(MeterRegistry registry) {
    this(registry, DEFAULT_TOP_QUERIES, Clock.systemUTC());
  }

  /**
   * A Prometheus registry with the JVM and process meters bound, for {@link MetricsServer} and
   * for JOSDK's {@code MicrometerMetrics} (pass it {@code registry()}).
   */
  public static PrometheusMeterRegistry newPrometheusRegistry() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two processor meters break Prometheus naming rules (a "_count" gauge, a "_ns" unit), and
    // promtool's lint is part of our contract with the dashboard: leave them out.
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id -> id.getName().equals("system.cpu.count")
                    || id.getName().equals("process.cpu.time")))
        .meterFilter(
            new MeterFilter() {
              // JOSDK registers its meters without a description; a scrape without HELP lines
              // fails promtool's lint and leaves dashboard authors guessing.
              @Override
              public Meter.Id map(Meter.Id id) {
                if (id.getDescription() != null && !id.getDescription().isBlank()) {
                  return id;
                }
                return new Meter.Id(
                    id.getName(),
                    Tags.of(id.getTags()),
                    id.getBaseUnit(),
                    "Meter " + id.getName() + " (no description given by its library)",
                    id.getType());
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public int topQueries() {
    return topQueries;
  }

  /** Convenience for the reconciler: the figures of {@code report} (see AnalysisSummary.of). */
  public void analysisFinished(
      String namespace, String analysis, AnalysisReport report, double slowMs, long durationMs) {
    analysisFinished(
        namespace, analysis, AnalysisSummary.of(report, slowMs, topQueries, durationMs));
    findingCounts(namespace, analysis, Findings.counts(report.findings()));
  }

  /**
   * Replaces the analysis' finding counts: one series per category and severity, zeros
   * included, so that "no critical finding" reads 0 rather than "no data".
   */
  public void findingCounts(
      String namespace, String analysis, Map<Category, Map<Severity, Long>> counts) {
    var values = new HashMap<Tags, Double>();
    counts.forEach((category, bySeverity) -> bySeverity.forEach((severity, n) ->
        values.put(analysisTags(namespace, analysis)
            .and("category", category.jsonName(), "severity", severity.jsonName()),
            n.doubleValue())));
    findings.replace(scope(namespace, analysis), values);
  }

  /**
   * A run succeeded: counts it, adds the lines and statements it read, and replaces the
   * analysis' top queries. The target answered, so it is marked reachable.
   */
  public void analysisFinished(String namespace, String analysis, AnalysisSummary summary) {
    var tags = analysisTags(namespace, analysis);
    runs(tags, SUCCESS).increment();
    duration(tags).record(Duration.ofMillis(Math.max(0, summary.durationMs())));
    counter("pgdba.log.lines.read", "Log lines read", tags).increment(summary.linesRead());
    counter("pgdba.log.lines.unparsed", "Log lines that belong to no log record", tags)
        .increment(summary.unparsedLines());
    counter("pgdba.statements", "Executed statements found in the logs", tags)
        .increment(summary.statements());
    distinctQueries.set(tags, summary.distinctQueries());
    slowQueries.set(tags, summary.slowQueries());
    failing.set(tags, 0);
    lastSuccess.set(tags, clock.millis() / 1000.0);

    var calls = new HashMap<Tags, Double>();
    var total = new HashMap<Tags, Double>();
    var mean = new HashMap<Tags, Double>();
    summary.topQueries().stream()
        .limit(topQueries)
        .forEach(
            q -> {
              var queryTags = tags.and("query_id", label(q.queryId()));
              calls.put(queryTags, (double) q.calls());
              total.put(queryTags, q.totalTimeMs() / 1000.0);
              mean.put(queryTags, q.meanTimeMs() / 1000.0);
            });
    var scope = scope(namespace, analysis);
    queryCalls.replace(scope, calls);
    queryTotal.replace(scope, total);
    queryMean.replace(scope, mean);
  }

  /**
   * A run failed.
   *
   * @param reason a CamelCase reason from a fixed set (the condition reason, e.g.
   *     {@code TargetUnreachable}); never a message, which could be unbounded or carry secrets
   */
  public void analysisFailed(String namespace, String analysis, String reason, long durationMs) {
    var tags = analysisTags(namespace, analysis);
    runs(tags, FAILED).increment();
    duration(tags).record(Duration.ofMillis(Math.max(0, durationMs)));
    var reasonTags = tags.and("reason", label(reason));
    counter("pgdba.analysis.failures", "Failed analysis runs by reason", reasonTags).increment();
    failing.set(tags, 1);
  }

  /** Whether the analysis' target database answered the last connection attempt. */
  public void targetReachable(String namespace, String analysis, boolean isReachable) {
    reachable.set(analysisTags(namespace, analysis), isReachable ? 1 : 0);
  }

  /** Replaces the analysis' recommendation counts (phases absent from {@code counts} vanish). */
  public void recommendationCounts(
      String namespace, String analysis, List<RecommendationCount> counts) {
    var values = new HashMap<Tags, Double>();
    for (var c : counts) {
      var tags =
          analysisTags(namespace, analysis).and("phase", label(c.phase()), "kind", label(c.kind()));
      values.merge(tags, (double) c.count(), Double::sum);
    }
    recommendations.replace(scope(namespace, analysis), values);
  }

  /** The current state of one IndexRecommendation; the series of its old phase disappear. */
  public void recommendationState(RecommendationState state) {
    var scope = recommendationScope(state.namespace(), state.name());
    var base =
        analysisTags(state.namespace(), state.analysis())
            .and("recommendation", label(state.name()));
    var phaseTags =
        base.and("table", label(state.table()), "kind", label(state.kind()))
            .and("phase", label(state.phase()));
    recommendationPhase.replace(scope, Map.of(phaseTags, 1.0));
    estimated.replace(scope, Map.of(base, state.estimatedImprovementPercent()));
    observed.replace(
        scope,
        Double.isNaN(state.observedImprovementPercent())
            ? Map.of()
            : Map.of(base, state.observedImprovementPercent()));
  }

  /**
   * The measured effect of an applied recommendation: after / before of its queries' mean time
   * (NaN: not measured, the series goes).
   */
  public void observedEffectRatio(String namespace, String analysis, String name, double ratio) {
    var scope = recommendationScope(namespace, name);
    effectRatio.replace(scope, Double.isNaN(ratio) ? Map.of()
        : Map.of(analysisTags(namespace, analysis).and("recommendation", label(name)), ratio));
  }

  /** The IndexRecommendation is gone: its series go too. */
  public void recommendationDeleted(String namespace, String name) {
    var scope = recommendationScope(namespace, name);
    effectRatio.removeIf(scope);
    recommendationPhase.removeIf(scope);
    estimated.removeIf(scope);
    observed.removeIf(scope);
  }

  /**
   * An index build ended.
   *
   * @param result {@link #SUCCESS} or {@link #FAILED}
   */
  public void indexBuilt(String result, long durationMs) {
    indexBuilds(result).increment();
    Timer.builder("pgdba.index.build.duration")
        .description("Time to build an index (CREATE INDEX CONCURRENTLY and its checks)")
        .tag("result", label(result))
        .serviceLevelObjectives(
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(10),
            Duration.ofHours(1))
        .register(registry)
        .record(Duration.ofMillis(Math.max(0, durationMs)));
  }

  /**
   * A rollback (the recommendation's rollback DDL) ended.
   *
   * @param result {@link #SUCCESS} or {@link #FAILED}
   */
  public void indexRolledBack(String result, long durationMs) {
    indexRollbacks(result).increment();
  }

  /** The PgAnalysis is gone: every series labelled with it disappears. */
  public void analysisDeleted(String namespace, String analysis) {
    var scope = scope(namespace, analysis);
    groups.forEach(g -> g.removeIf(scope));
    List<Meter> stale =
        registry.getMeters().stream()
            .filter(m -> m.getId().getName().startsWith("pgdba."))
            .filter(m -> scope.test(Tags.of(m.getId().getTags())))
            .toList();
    stale.forEach(registry::remove);
  }

  private GaugeGroup group(String name, String description, String baseUnit) {
    var group = new GaugeGroup(registry, name, description, baseUnit);
    groups.add(group);
    return group;
  }

  private Counter runs(Tags tags, String result) {
    return counter("pgdba.analysis.runs", "Analysis runs by result", tags.and("result", result));
  }

  private Timer duration(Tags tags) {
    // A few fixed buckets: enough for "how long does a run take", cheap per analysis.
    return Timer.builder("pgdba.analysis.duration")
        .description("Time of one analysis run, from reading logs to writing advice")
        .tags(tags)
        .serviceLevelObjectives(
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30))
        .register(registry);
  }

  private Counter indexBuilds(String result) {
    return counter(
        "pgdba.index.builds", "Index builds by result", Tags.of("result", label(result)));
  }

  private Counter indexRollbacks(String result) {
    return counter(
        "pgdba.index.rollbacks", "Index rollbacks by result", Tags.of("result", label(result)));
  }

  private Counter counter(String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  private static Tags analysisTags(String namespace, String analysis) {
    return Tags.of(NS, label(namespace), ANALYSIS, label(analysis));
  }

  private static Predicate<Tags> scope(String namespace, String analysis) {
    return GaugeGroup.having(NS, label(namespace), ANALYSIS, label(analysis));
  }

  private static Predicate<Tags> recommendationScope(
      String namespace, String name) {
    return GaugeGroup.having(NS, label(namespace), "recommendation", label(name));
  }

  /**
   * A label value as given, but never null and never longer than a Kubernetes name: a caller
   * passing a message by mistake must not blow up the series count or the scrape size.
   */
  static String label(String value) {
    if (value == null || value.isEmpty()) {
      return "unknown";
    }
    return value.length() <= MAX_LABEL ? value : value.substring(0, MAX_LABEL);
  }
}
