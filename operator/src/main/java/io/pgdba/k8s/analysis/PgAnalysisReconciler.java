package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.pgdba.k8s.OperatorListener;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import io.pgdba.k8s.analysis.PgAnalysisStatus.RecommendationCounts;
import io.pgdba.k8s.analysis.PgAnalysisStatus.SlowQuery;
import io.pgdba.k8s.analysis.PgAnalysisStatus.Summary;
import io.pgdba.k8s.analysis.TargetCredentials.MissingSecretException;
import io.pgdba.k8s.conditions.Condition;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.events.EventRecorder;
import io.pgdba.k8s.jobs.BackgroundJobs;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.k8s.recommendation.RecommendationWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a PgAnalysis: checks the spec and the Secret, runs the analysis on the bounded
 * background pool (never on the reconcile thread), and when the run is done writes a small status,
 * the IndexRecommendations and Events, and asks to come back on {@code schedule.every}.
 */
@ControllerConfiguration(
    name = "pganalysis",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES),
    // Called on Delete events too (no finalizer needed): the metrics forget a deleted analysis.
    triggerReconcilerOnAllEvents = true)
@GradualRetry(
    maxAttempts = 10,
    initialInterval = 2000,
    intervalMultiplier = 2,
    maxInterval = 300_000)
public class PgAnalysisReconciler implements Reconciler<PgAnalysis> {

  private static final Logger LOG = LoggerFactory.getLogger(PgAnalysisReconciler.class);

  static final String READY = "Ready";
  static final String REGRESSED = "Regressed";
  static final int TOP_SLOW = 10;
  static final int MAX_WARNINGS = 10;
  static final int MAX_CRITICAL_EVENTS = 5;
  static final Duration MIN_BACKOFF = Duration.ofSeconds(15);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(30);

  private final KubernetesClient client;
  private final AnalysisEngine engine;
  private final BackgroundJobs<RunResult> jobs;
  private final Clock clock;
  private final EventRecorder events;
  private final RecommendationWriter writer;
  private final TargetCredentials credentials;
  private final OperatorListener listener;
  private final RunHistory history;
  private final SimpleInboundEventSource<PgAnalysis> runFinished =
      new SimpleInboundEventSource<>("analysis-runs");

  public PgAnalysisReconciler(KubernetesClient client, AnalysisEngine engine,
      BackgroundJobs<RunResult> jobs, Clock clock) {
    this(client, engine, jobs, clock, OperatorListener.NONE);
  }

  public PgAnalysisReconciler(KubernetesClient client, AnalysisEngine engine,
      BackgroundJobs<RunResult> jobs, Clock clock, OperatorListener listener) {
    this(client, engine, jobs, clock, listener, RunHistory.NONE);
  }

  public PgAnalysisReconciler(KubernetesClient client, AnalysisEngine engine,
      BackgroundJobs<RunResult> jobs, Clock clock, OperatorListener listener,
      RunHistory history) {
    this.history = history;
    this.listener = listener;
    this.client = client;
    this.engine = engine;
    this.jobs = jobs;
    this.clock = clock;
    this.events = new EventRecorder(client, clock);
    this.writer = new RecommendationWriter(client, clock);
    this.credentials = new TargetCredentials(client);
  }

  @Override
  public List<EventSource<?, PgAnalysis>> prepareEventSources(
      EventSourceContext<PgAnalysis> context) {
    // Recommendations changing phase update the counts in this status.
    var recommendations = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(IndexRecommendation.class, PgAnalysis.class)
            .withNamespacesInheritedFromController()
            .build(),
        context);
    return List.of(runFinished, recommendations);
  }

  @Override
  public UpdateControl<PgAnalysis> reconcile(PgAnalysis resource, Context<PgAnalysis> context) {
    String key = key(resource);
    if (context.isPrimaryResourceDeleted()) {
      jobs.take(key);
      listener.analysisDeleted(resource);
      return UpdateControl.noUpdate();
    }
    if (resource.isMarkedForDeletion()) {
      // someone else's finalizer holds it: nothing to run for a resource on its way out
      return UpdateControl.noUpdate();
    }
    long generation = generation(resource);
    var old = resource.getStatus();
    var finished = jobs.take(key);
    if (finished.isPresent()) {
      var outcome = finished.get();
      RunResult result = outcome.value() != null ? outcome.value()
          : RunResult.failed(generation, Instant.now(clock), AnalysisRun.ANALYZED,
              "EngineError", String.valueOf(outcome.failure()));
      if (result.generation() == generation) {
        return finish(resource, context, result);
      }
    }
    if (jobs.isRunning(key)) {
      return UpdateControl.<PgAnalysis>noUpdate().rescheduleAfter(Duration.ofMinutes(5));
    }
    AnalysisSettings settings;
    try {
      settings = AnalysisSettings.of(resource.getSpec());
    } catch (InvalidSpecException e) {
      // a retry cannot fix a field: wait for the next spec change
      var conditions = conditions(old, generation)
          .set(READY, false, "InvalidSpec", e.getMessage());
      if (old == null || !Objects.equals(old.observedGeneration(), generation)) {
        events.warning(resource, "InvalidSpec", e.getMessage());
      }
      return patch(resource, context, withConditions(old, generation, conditions, null, null));
    }
    Instant now = Instant.now(clock);
    if (!due(old, generation, now)) {
      var refreshed = withCounts(old, counts(context));
      UpdateControl<PgAnalysis> control;
      if (Objects.equals(refreshed, old)) {
        // nothing to write, but a restarted operator's metrics still learn the counts
        listener.recommendations(resource,
            context.getSecondaryResources(IndexRecommendation.class));
        control = UpdateControl.noUpdate();
      } else {
        control = patch(resource, context, refreshed);
      }
      return rescheduleAtNextRun(control, old, now);
    }
    var target = resource.getSpec().target();
    io.pgdba.catalog.ConnectionSettings settingsForTarget;
    try {
      settingsForTarget =
          credentials.resolve(namespace(resource), target, target.credentialsSecret());
    } catch (MissingSecretException e) {
      return failed(resource, context, old, generation, AnalysisRun.TARGET_REACHABLE,
          "SecretNotFound", e.getMessage(), Duration.ZERO);
    }
    // A periodic run goes on from where the last one stopped; a changed spec is a new analysis
    // of the whole log still available.
    var previous = old != null && Objects.equals(old.observedGeneration(), generation)
        ? old.pods() : null;
    var run = new AnalysisRun(client, engine, clock, namespace(resource),
        resource.getMetadata().getName(), generation, resource.getSpec(), settings,
        settingsForTarget, previous, history);
    var id = ResourceID.fromResource(resource);
    if (!jobs.submit(key, run, k -> runFinished.propagateEvent(id))) {
      LOG.info("analysis pool full, {} waits", key);
      return UpdateControl.<PgAnalysis>noUpdate().rescheduleAfter(Duration.ofSeconds(30));
    }
    var conditions = conditions(old, generation).keep(AnalysisRun.TARGET_REACHABLE)
        .keep(AnalysisRun.LOGS_READ).keep(AnalysisRun.ANALYZED).keep(READY);
    if (conditions.get(READY).isEmpty()) {
      conditions.set(READY, Condition.UNKNOWN, "Running", "the first analysis is running");
    }
    // nextRunTime = now marks the run as due until it finishes: a restart in between runs it again.
    var running = withConditions(old, generation, conditions, null, null);
    running = new PgAnalysisStatus(running.observedGeneration(), running.conditions(),
        running.lastRunTime(), now.truncatedTo(ChronoUnit.SECONDS).toString(),
        running.consecutiveFailures(), running.summary(), running.recommendations(),
        running.pods(), running.findings(), running.reportPath());
    return patch(resource, context, running).rescheduleAfter(Duration.ofMinutes(5));
  }

  @Override
  public ErrorStatusUpdateControl<PgAnalysis> updateErrorStatus(
      PgAnalysis resource, Context<PgAnalysis> context, Exception e) {
    long generation = generation(resource);
    var old = resource.getStatus();
    var conditions = conditions(old, generation).keep(AnalysisRun.TARGET_REACHABLE)
        .keep(AnalysisRun.LOGS_READ).keep(AnalysisRun.ANALYZED)
        .set(READY, false, "ReconcileError",
            e.getClass().getSimpleName() + ": " + AnalysisRun.firstLine(e.getMessage()));
    patch(resource, context, withConditions(old, generation, conditions, null, null));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private UpdateControl<PgAnalysis> finish(
      PgAnalysis resource, Context<PgAnalysis> context, RunResult result) {
    var old = resource.getStatus();
    long generation = generation(resource);
    if (!result.succeeded()) {
      return failed(resource, context, old, generation, result.failedCondition(),
          result.reason(), result.message(),
          Duration.between(result.startedAt(), result.finishedAt()));
    }
    var report = result.report();
    var advice = report.advice() == null ? List.<io.pgdba.advisor.index.Recommendation>of()
        : report.advice().recommendations();
    // A periodic run that saw no statement has no evidence either way: the advice stands.
    boolean quiet = report.workload() == null || report.workload().totals().statements() == 0;
    var sync = quiet && old != null && old.lastRunTime() != null
        ? new RecommendationWriter.SyncResult(List.of(), List.of(), List.of())
        : writer.sync(resource, advice, report.workload());
    var conditions = conditions(old, generation)
        .set(AnalysisRun.TARGET_REACHABLE, true, "Connected", "connected to the target")
        .set(AnalysisRun.LOGS_READ, result.logsComplete(), result.logsReason(),
            result.logsMessage())
        .set(AnalysisRun.ANALYZED, true, "Analyzed",
            advice.size() + " recommendations, " + sync.created().size() + " new, "
                + sync.obsoleted().size() + " obsolete")
        .set(READY, true, "AnalysisSucceeded", "the last run succeeded");
    var regressed = Regressions.condition(report.history());
    regressed.ifPresent(c -> conditions.set(REGRESSED, c.status(), c.reason(), c.message()));
    Instant now = result.finishedAt().truncatedTo(ChronoUnit.SECONDS);
    var every = AnalysisSettings.of(resource.getSpec()).every();
    var findings = report.findings();
    var status = new PgAnalysisStatus(
        generation, conditions.toList(), now.toString(),
        every == null ? null : now.plus(every).toString(),
        0, summary(result), counts(context), bounded(result.positions()),
        FindingStatus.of(findings), io.pgdba.report.ReportShelf.path(
            resource.getMetadata().getNamespace(), resource.getMetadata().getName()));
    var newCritical = FindingStatus.newCritical(old == null ? null : old.findings(), findings);
    // then act, once, from the values above
    events.normal(resource, "AnalysisSucceeded",
        "read " + result.linesRead() + " log lines; " + advice.size() + " recommendations ("
            + sync.created().size() + " new, " + sync.obsoleted().size() + " obsolete); "
            + findings.size() + " findings");
    criticalEvents(resource, newCritical);
    regressed.filter(c -> c.status().equals(Condition.TRUE))
        .ifPresent(c -> events.warning(resource, c.reason(), c.message()));
    if (report.history() != null) {
      // the applied indexes' reconciler measures their effect from the run just recorded
      writer.historyRecorded(RunFacts.applied(client.resources(IndexRecommendation.class)
          .inNamespace(namespace(resource)).list().getItems(), resource.getMetadata().getName()),
          report.history().runId());
    }
    // the report goes on the shelf before the status names its path: a reader of reportPath
    // must never fetch it before it is there
    listener.analysisSucceeded(resource, result,
        Duration.between(result.startedAt(), result.finishedAt()));
    var control = patch(resource, context, status);
    return every == null ? control : control.rescheduleAfter(every);
  }

  private UpdateControl<PgAnalysis> failed(PgAnalysis resource, Context<PgAnalysis> context,
      PgAnalysisStatus old, long generation, String condition, String reason, String message,
      Duration took) {
    var conditions = conditions(old, generation);
    // Conditions before the failing one held, those after it could not be evaluated.
    switch (condition) {
      case AnalysisRun.TARGET_REACHABLE -> conditions.set(condition, false, reason, message)
          .keep(AnalysisRun.LOGS_READ).keep(AnalysisRun.ANALYZED);
      case AnalysisRun.LOGS_READ -> conditions
          .set(AnalysisRun.TARGET_REACHABLE, true, "Connected", "connected to the target")
          .set(condition, false, reason, message).keep(AnalysisRun.ANALYZED);
      default -> conditions
          .set(AnalysisRun.TARGET_REACHABLE, true, "Connected", "connected to the target")
          .keep(AnalysisRun.LOGS_READ)
          .set(condition, false, reason, message);
    }
    conditions.set(READY, false, reason, message);
    int failures = (old == null || old.consecutiveFailures() == null
        ? 0 : old.consecutiveFailures()) + 1;
    Duration backoff = backoff(failures);
    Instant next = Instant.now(clock).plus(backoff).truncatedTo(ChronoUnit.SECONDS);
    var status = new PgAnalysisStatus(generation, conditions.toList(),
        old == null ? null : old.lastRunTime(), next.toString(), failures,
        old == null ? null : old.summary(), counts(context), old == null ? null : old.pods(),
        old == null ? null : old.findings(), old == null ? null : old.reportPath());
    if (failures == 1 || old == null || !Objects.equals(old.observedGeneration(), generation)) {
      events.warning(resource, reason, message);
    }
    listener.analysisFailed(resource, condition, reason, took);
    return patch(resource, context, status).rescheduleAfter(backoff);
  }

  /** One Warning Event per critical finding the previous status did not list (at most 5). */
  private void criticalEvents(PgAnalysis resource, List<io.pgdba.finding.Finding> critical) {
    critical.stream().limit(MAX_CRITICAL_EVENTS).forEach(f -> events.warning(resource,
        "CriticalFinding", f.kind() + " on " + f.object() + ": " + f.title()));
    if (critical.size() > MAX_CRITICAL_EVENTS) {
      events.warning(resource, "CriticalFinding", (critical.size() - MAX_CRITICAL_EVENTS)
          + " more new critical findings; see status.findings and the report");
    }
  }

  static Duration backoff(int failures) {
    long seconds = MIN_BACKOFF.getSeconds() << Math.min(failures - 1, 16);
    return seconds > MAX_BACKOFF.getSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
  }

  /** A run is due for a new generation, at nextRunTime (schedule or backoff), or never ran. */
  static boolean due(PgAnalysisStatus old, long generation, Instant now) {
    if (old == null || !Objects.equals(old.observedGeneration(), generation)) {
      return true;
    }
    if (old.lastRunTime() == null && old.nextRunTime() == null) {
      return true;
    }
    return old.nextRunTime() != null && !now.isBefore(Instant.parse(old.nextRunTime()));
  }

  private UpdateControl<PgAnalysis> rescheduleAtNextRun(
      UpdateControl<PgAnalysis> control, PgAnalysisStatus old, Instant now) {
    if (old.nextRunTime() == null) {
      return control;
    }
    var wait = Duration.between(now, Instant.parse(old.nextRunTime()));
    return control.rescheduleAfter(wait.isNegative() ? Duration.ZERO : wait.plusSeconds(1));
  }

  static Summary summary(RunResult result) {
    var report = result.report();
    var workload = report.workload();
    long unparsed = report.sources() == null ? 0
        : report.sources().stream().mapToLong(s -> s.unparsedLines()).sum();
    List<SlowQuery> top = workload == null ? List.of()
        : workload.topByMeanTime(TOP_SLOW).stream()
            .map(q -> new SlowQuery(q.fingerprint(), truncate(q.query(), 300), q.calls(),
                round(q.meanTimeMs()), round(q.p95TimeMs())))
            .toList();
    var warnings = report.warnings() == null ? List.<String>of()
        : report.warnings().stream().limit(MAX_WARNINGS).map(w -> truncate(w, 300)).toList();
    return new Summary(result.linesRead(), unparsed,
        workload == null ? 0 : workload.totals().statements(),
        workload == null ? 0 : workload.totals().distinctQueries(), top, warnings,
        configuration(report.findings()));
  }

  /** Null when nothing is to change, so that the status stays small and quiet. */
  private static PgAnalysisStatus.Configuration configuration(
      List<io.pgdba.finding.Finding> findings) {
    var parameters = io.pgdba.report.ConfigReport.parameters(findings);
    return parameters.isEmpty() ? null : new PgAnalysisStatus.Configuration(parameters,
        io.pgdba.report.ConfigReport.restartNeeded(findings),
        io.pgdba.report.ConfigReport.postgresqlConf(findings));
  }

  private static RecommendationCounts counts(Context<PgAnalysis> context) {
    var recs = context.getSecondaryResources(IndexRecommendation.class);
    int[] byPhase = new int[Phase.values().length];
    for (var r : recs) {
      var phase = r.getStatus() == null || r.getStatus().phase() == null
          ? Phase.Proposed : r.getStatus().phase();
      byPhase[phase.ordinal()]++;
    }
    return new RecommendationCounts(recs.size(), byPhase[Phase.Proposed.ordinal()],
        byPhase[Phase.Approved.ordinal()] + byPhase[Phase.Applying.ordinal()],
        byPhase[Phase.Applied.ordinal()], byPhase[Phase.Failed.ordinal()],
        byPhase[Phase.RolledBack.ordinal()] + byPhase[Phase.RollingBack.ordinal()],
        byPhase[Phase.Obsolete.ordinal()]);
  }

  static List<PodLogPosition> bounded(List<PodLogPosition> positions) {
    return positions == null ? null
        : positions.stream().limit(PodLogCollector.MAX_PODS).toList();
  }

  private static PgAnalysisStatus withCounts(PgAnalysisStatus s, RecommendationCounts counts) {
    return new PgAnalysisStatus(s.observedGeneration(), s.conditions(), s.lastRunTime(),
        s.nextRunTime(), s.consecutiveFailures(), s.summary(), counts, s.pods(), s.findings(),
        s.reportPath());
  }

  private PgAnalysisStatus withConditions(PgAnalysisStatus old, long generation,
      Conditions conditions, Summary summary, RecommendationCounts counts) {
    return new PgAnalysisStatus(generation, conditions.toList(),
        old == null ? null : old.lastRunTime(), old == null ? null : old.nextRunTime(),
        old == null ? null : old.consecutiveFailures(),
        summary != null ? summary : old == null ? null : old.summary(),
        counts != null ? counts : old == null ? null : old.recommendations(),
        old == null ? null : old.pods(), old == null ? null : old.findings(),
        old == null ? null : old.reportPath());
  }

  private Conditions conditions(PgAnalysisStatus old, long generation) {
    return new Conditions(old == null ? null : old.conditions(), generation, clock);
  }

  /**
   * Writes the whole status (PUT with optimistic locking, retried on conflict) and caches the
   * answer, so the next reconcile sees it even before the informer does: a job finishing quickly
   * must not find the status it just replaced.
   */
  private UpdateControl<PgAnalysis> patch(
      PgAnalysis resource, Context<PgAnalysis> context, PgAnalysisStatus status) {
    resource.setStatus(status);
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, context, r -> {
      r.setStatus(status);
      return r;
    });
    listener.recommendations(resource,
        context.getSecondaryResources(IndexRecommendation.class));
    return UpdateControl.noUpdate();
  }

  private static String key(PgAnalysis r) {
    return namespace(r) + "/" + r.getMetadata().getName();
  }

  private static String namespace(PgAnalysis r) {
    return r.getMetadata().getNamespace();
  }

  private static long generation(PgAnalysis r) {
    return r.getMetadata().getGeneration() == null ? 0 : r.getMetadata().getGeneration();
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
  }

  private static Double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
