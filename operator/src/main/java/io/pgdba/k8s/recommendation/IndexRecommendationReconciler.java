package io.pgdba.k8s.recommendation;

import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import io.pgdba.apply.ApplyOutcome;
import io.pgdba.apply.BuildWait;
import io.pgdba.apply.IndexApplier;
import io.pgdba.k8s.OperatorListener;
import io.pgdba.k8s.analysis.AnalysisSettings;
import io.pgdba.k8s.analysis.InvalidSpecException;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ApplyMode;
import io.pgdba.k8s.analysis.PgAnalysisSpec.RollbackMode;
import io.pgdba.k8s.analysis.RunHistory;
import io.pgdba.k8s.analysis.TargetCredentials;
import io.pgdba.k8s.analysis.TargetCredentials.MissingSecretException;
import io.pgdba.k8s.conditions.Conditions;
import io.pgdba.k8s.events.EventRecorder;
import io.pgdba.k8s.jobs.BackgroundJobs;
import io.pgdba.k8s.recommendation.ApplyJob.Action;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.Effect;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.MeasuredEffect;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.ObservedEffect;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.QueryCheck;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.WaitReason;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus.WaitingFor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Reconciles an IndexRecommendation: when it is approved (or the analysis applies automatically)
 * and the maintenance window is open, builds the index on the background pool with the DDL
 * credentials; on {@code rollback: true} undoes it. Every step reads the catalog first, so a
 * restart in the middle neither builds twice nor leaves an invalid index. Deleting the resource
 * never touches the database (no finalizer).
 */
@ControllerConfiguration(
    name = "indexrecommendation",
    // The obsolete annotation is metadata, not spec: changes of it must wake the reconciler too.
    // Own status writes then also come back, and find nothing to change.
    generationAwareEventProcessing = false,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES),
    // Called on Delete events too (no finalizer needed): the metrics forget it.
    triggerReconcilerOnAllEvents = true)
@GradualRetry(
    maxAttempts = 10,
    initialInterval = 2000,
    intervalMultiplier = 2,
    maxInterval = 300_000)
public class IndexRecommendationReconciler implements Reconciler<IndexRecommendation> {

  static final String READY = "Ready";
  static final String APPLIED = "Applied";
  static final String INVALID_LEFT = "InvalidIndexLeft";
  static final String ROLLBACK_PROPOSED = "RollbackProposed";
  static final String BY_POLICY = "history.rollbackPolicy";
  static final Duration RETRY = Duration.ofMinutes(1);
  /** An invalid leftover slows every write on the table: look again soon. */
  static final Duration CLEANUP_RETRY = Duration.ofSeconds(10);
  /** Builds that find the table's lock taken are retried this many times, then Failed. */
  static final int MAX_LOCK_RETRIES = 5;
  /** First delay after a lock timeout; it doubles with each retry, up to LOCK_RETRY_MAX. */
  static final Duration LOCK_RETRY_FIRST = Duration.ofSeconds(15);
  static final Duration LOCK_RETRY_MAX = Duration.ofMinutes(10);
  /** How often a recommendation queued behind another build on its table looks again. */
  static final Duration OTHER_BUILD_RETRY = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final BackgroundJobs<ApplyJob.Result> jobs;
  private final Clock clock;
  private final EventRecorder events;
  private final TargetCredentials credentials;
  private final OperatorListener listener;
  private final RunHistory history;
  private final SimpleInboundEventSource<IndexRecommendation> jobFinished =
      new SimpleInboundEventSource<>("apply-jobs");
  /** What each running build waits for now (absent: not waiting), by recommendation key. */
  private final Map<String, BuildWait> waits = new ConcurrentHashMap<>();
  /**
   * Which recommendation holds each table (target and table) for its DDL: two approvals on one
   * table would otherwise queue on each other's lock, or wait for each other's snapshots.
   */
  private final Map<String, String> tableBuilds = new ConcurrentHashMap<>();

  public IndexRecommendationReconciler(KubernetesClient client,
      BackgroundJobs<ApplyJob.Result> jobs, Clock clock) {
    this(client, jobs, clock, OperatorListener.NONE);
  }

  public IndexRecommendationReconciler(KubernetesClient client,
      BackgroundJobs<ApplyJob.Result> jobs, Clock clock, OperatorListener listener) {
    this(client, jobs, clock, listener, RunHistory.NONE);
  }

  /** With the operator's history, which measures applied indexes and drives the rollback policy. */
  public IndexRecommendationReconciler(KubernetesClient client,
      BackgroundJobs<ApplyJob.Result> jobs, Clock clock, OperatorListener listener,
      RunHistory history) {
    this.history = history;
    this.listener = listener;
    this.client = client;
    this.jobs = jobs;
    this.clock = clock;
    this.events = new EventRecorder(client, clock);
    this.credentials = new TargetCredentials(client);
  }

  /** A pool for the reconciler's jobs (the type of its results is internal). */
  public static BackgroundJobs<ApplyJob.Result> pool(int threads) {
    return new BackgroundJobs<>("pgdba-apply", threads, 1000);
  }

  @Override
  public List<EventSource<?, IndexRecommendation>> prepareEventSources(
      EventSourceContext<IndexRecommendation> context) {
    return List.of(jobFinished);
  }

  @Override
  public UpdateControl<IndexRecommendation> reconcile(
      IndexRecommendation rec, Context<IndexRecommendation> context) {
    if (context.isPrimaryResourceDeleted()) {
      listener.recommendationDeleted(rec);
      return UpdateControl.noUpdate();
    }
    if (rec.isMarkedForDeletion()) {
      // someone else's finalizer holds it: deleting never drops an index, so nothing to do
      return UpdateControl.noUpdate();
    }
    var state = new State(rec, clock, listener);
    var finished = jobs.take(state.key);
    if (finished.isPresent()) {
      var outcome = finished.get();
      if (outcome.value() != null) {
        return finish(rec, context, state, outcome.value());
      }
      state.phase = Phase.Failed;
      state.failureReason = String.valueOf(outcome.failure());
      state.conditions.set(READY, false, "InternalError", state.failureReason);
      return state.patch(rec, context);
    }
    if (jobs.isRunning(state.key)) {
      if (state.phase != Phase.Applying && state.phase != Phase.RollingBack) {
        return UpdateControl.<IndexRecommendation>noUpdate()
            .rescheduleAfter(Duration.ofMinutes(5));
      }
      // the job tells what it waits for (an event wakes us): the status says so
      var wait = waits.get(state.key);
      if (wait == null) {
        state.conditions.set(READY, false, state.phase == Phase.Applying ? "Applying"
            : "RollingBack", state.phase == Phase.Applying
            ? "building " + rec.getSpec().indexName() : "running the rollback DDL");
      } else {
        state.waitingFor = waitingFor(wait);
        state.conditions.set(READY, false, wait.kind() == BuildWait.Kind.TABLE_LOCK
            ? "WaitingForTableLock" : "WaitingForOlderTransactions", describe(wait));
      }
      return state.patch(rec, context).rescheduleAfter(Duration.ofMinutes(1));
    }
    var spec = rec.getSpec();
    PgAnalysis analysis = client.resources(PgAnalysis.class)
        .inNamespace(rec.getMetadata().getNamespace()).withName(spec.analysis()).get();
    AnalysisSettings settings = null;
    if (analysis != null) {
      try {
        settings = AnalysisSettings.of(analysis.getSpec());
      } catch (InvalidSpecException e) {
        state.conditions.set(READY, false, "AnalysisInvalid",
            "PgAnalysis " + spec.analysis() + ": " + e.getMessage());
        return state.patch(rec, context);
      }
    }
    boolean auto = settings != null && settings.applyMode() == ApplyMode.Auto;
    boolean obsolete = rec.getMetadata().getAnnotations() != null
        && rec.getMetadata().getAnnotations().containsKey(RecommendationWriter.OBSOLETE_ANNOTATION);
    boolean approved = spec.approvedTrue() || (auto && !obsolete);
    if (approved) {
      if (state.old == null || state.old.approvedAt() == null) {
        state.approvedAt = state.nowText();
      }
      state.approvedBy = spec.approvedTrue()
          ? Approvals.approver(rec).orElse("unknown") : "apply.mode=Auto";
    }
    if (state.conditionTrue(INVALID_LEFT)) {
      return submit(rec, context, state, analysis, Action.CLEANUP, state.phase);
    }
    if (state.phase == Phase.Applied && analysis != null) {
      var policy = FollowUps.follow(rec, analysis, state.view(), history);
      state.measuredEffect = policy.effect();
      policy.proposal().ifPresentOrElse(
          p -> state.conditions.set(ROLLBACK_PROPOSED, true, p.reason(), p.message()),
          () -> {
            if (policy.policySet()) {
              state.conditions.set(ROLLBACK_PROPOSED, false, "NoReason", policy.keptBecause());
            }
          });
      FollowUps.events(rec, state.old, state.measuredEffect, policy, events);
      if (policy.proposal().isPresent() && policy.mode() == RollbackMode.Auto
          && !spec.rollbackTrue()) {
        var window = analysis.getSpec().apply() == null ? null
            : analysis.getSpec().apply().maintenanceWindow();
        Instant now = Instant.now(clock);
        if (window != null && !new MaintenanceWindows(window).isOpen(now)) {
          var opening = new MaintenanceWindows(window).nextOpening(now);
          return state.patch(rec, context)
              .rescheduleAfter(Duration.between(now, opening).plusSeconds(1));
        }
        state.rolledBackBy = BY_POLICY;
        return submit(rec, context, state, analysis, Action.ROLLBACK, Phase.RollingBack);
      }
    }
    if (spec.rollbackTrue()) {
      if (state.phase == Phase.Applied || state.phase == Phase.Applying) {
        state.rolledBackBy = "spec.rollback";
      }
      boolean wasApplied = state.phase == Phase.Applied || state.phase == Phase.RollingBack
          || state.phase == Phase.Applying
          || state.phase == Phase.Failed && state.old != null && state.old.appliedAt() != null
              && state.old.rolledBackAt() == null && !state.sameGeneration();
      if (wasApplied) {
        return submit(rec, context, state, analysis, Action.ROLLBACK, Phase.RollingBack);
      }
      if (state.phase != Phase.RolledBack && state.phase != Phase.Failed) {
        state.conditions.set(READY, true, "NothingToRollBack",
            "rollback requested but the recommendation was never applied");
      }
      return state.patch(rec, context);
    }
    if (approved && state.phase != Phase.Applied) {
      if (state.phase == Phase.Failed && state.sameGeneration()) {
        return state.patch(rec, context); // a failed build is retried after a spec change only
      }
      if (state.phase == Phase.RolledBack && BY_POLICY.equals(state.rolledBackBy)
          && state.sameGeneration()) {
        return state.patch(rec, context); // the policy's rollback stands until a spec change
      }
      if (analysis == null) {
        state.phase = Phase.Approved;
        state.conditions.set(READY, false, "AnalysisNotFound",
            "PgAnalysis " + spec.analysis() + " not found");
        return state.patch(rec, context).rescheduleAfter(RETRY);
      }
      var window = analysis.getSpec().apply() == null ? null
          : analysis.getSpec().apply().maintenanceWindow();
      if (window != null) {
        var windows = new MaintenanceWindows(window);
        Instant now = Instant.now(clock);
        if (!windows.isOpen(now)) {
          state.phase = Phase.Approved;
          state.lockRetries = null; // the next window gets its own attempts
          state.nextAttemptAt = null;
          var opening = windows.nextOpening(now);
          state.conditions.set(READY, false, "WaitingForMaintenanceWindow",
              "approved; the build starts when the window opens at " + opening);
          return state.patch(rec, context)
              .rescheduleAfter(Duration.between(now, opening).plusSeconds(1));
        }
      }
      if (state.nextAttemptAt != null
          && Instant.now(clock).isBefore(Instant.parse(state.nextAttemptAt))) {
        // a retry after a lock timeout is due later: any event before then changes nothing
        state.waitingFor = state.old.waitingFor();
        return state.patch(rec, context).rescheduleAfter(
            Duration.between(Instant.now(clock), Instant.parse(state.nextAttemptAt))
                .plusMillis(500));
      }
      return submit(rec, context, state, analysis, Action.APPLY, Phase.Applying);
    }
    if (!approved && (state.phase == Phase.Proposed || state.phase == Phase.Approved
        || state.phase == Phase.Obsolete)) {
      state.phase = obsolete ? Phase.Obsolete : Phase.Proposed;
      state.conditions.set(READY, true, obsolete ? "NoLongerRecommended" : "AwaitingApproval",
          obsolete ? "the latest analysis no longer recommends this index"
              : "set spec.approved: true to build the index");
    }
    return state.patch(rec, context);
  }

  private UpdateControl<IndexRecommendation> submit(IndexRecommendation rec,
      Context<IndexRecommendation> context, State state,
      PgAnalysis analysis, Action action, Phase phase) {
    if (analysis == null) {
      state.conditions.set(READY, false, "AnalysisNotFound",
          "PgAnalysis " + rec.getSpec().analysis() + " not found");
      return state.patch(rec, context).rescheduleAfter(RETRY);
    }
    var target = analysis.getSpec().target();
    if (target.ddlCredentialsSecret() == null) {
      state.phase = action == Action.APPLY ? Phase.Approved : state.phase;
      state.conditions.set(READY, false, "NoDdlCredentials",
          "PgAnalysis " + analysis.getMetadata().getName()
              + " has no target.ddlCredentialsSecret: nothing can be applied");
      return state.patch(rec, context).rescheduleAfter(Duration.ofMinutes(5));
    }
    io.pgdba.catalog.ConnectionSettings ddl;
    try {
      ddl = credentials.resolve(rec.getMetadata().getNamespace(), target,
          target.ddlCredentialsSecret());
    } catch (MissingSecretException e) {
      state.conditions.set(READY, false, "SecretNotFound", e.getMessage());
      return state.patch(rec, context).rescheduleAfter(RETRY);
    }
    var settings = AnalysisSettings.of(analysis.getSpec());
    var id = ResourceID.fromResource(rec);
    String key = state.key;
    String table = action == Action.CLEANUP ? null : tableKey(target, rec.getSpec());
    if (table != null) {
      var holder = tableBuilds.putIfAbsent(table, key);
      if (holder != null && !holder.equals(key)) {
        state.phase = action == Action.APPLY ? Phase.Approved : state.phase;
        state.waitingFor = new WaitingFor(WaitReason.OtherBuild,
            state.old != null && state.old.waitingFor() != null
                && state.old.waitingFor().reason() == WaitReason.OtherBuild
                ? state.old.waitingFor().since() : state.nowText(),
            null, null, holder);
        state.conditions.set(READY, false, "WaitingForOtherBuild",
            "recommendation " + holder + " is running DDL on table " + qualifiedTable(
                rec.getSpec()) + "; this one starts when it ends");
        return state.patch(rec, context).rescheduleAfter(OTHER_BUILD_RETRY);
      }
    }
    var job = new ApplyJob(action, rec.getSpec(), ddl,
        new IndexApplier(settings.lockTimeout(), settings.buildTimeout()),
        wait -> {
          if (wait == null) {
            waits.remove(key);
          } else {
            waits.put(key, wait);
          }
          jobFinished.propagateEvent(id);
        });
    if (!jobs.submit(key, job, k -> {
      waits.remove(key);
      if (table != null) {
        tableBuilds.remove(table, key);
      }
      jobFinished.propagateEvent(id);
    })) {
      if (table != null) {
        tableBuilds.remove(table, key);
      }
      return UpdateControl.<IndexRecommendation>noUpdate()
          .rescheduleAfter(Duration.ofSeconds(30));
    }
    state.phase = phase;
    if (action == Action.APPLY) {
      state.applyStartedAt = state.nowText();
      state.conditions.set(READY, false, "Applying", "building " + rec.getSpec().indexName());
    } else if (action == Action.ROLLBACK) {
      state.conditions.set(READY, false, "RollingBack", "running the rollback DDL");
    }
    return state.patch(rec, context).rescheduleAfter(Duration.ofMinutes(5));
  }

  private UpdateControl<IndexRecommendation> finish(IndexRecommendation rec,
      Context<IndexRecommendation> context, State state, ApplyJob.Result result) {
    if (result.action() == Action.CLEANUP) {
      if (result.clean()) {
        state.conditions.set(INVALID_LEFT, false, "Dropped", "no invalid index is left");
        return state.patch(rec, context);
      }
      return state.patch(rec, context).rescheduleAfter(CLEANUP_RETRY);
    }
    if (result.error() != null) {
      boolean transientError = !"InvalidDdl".equals(result.errorReason());
      if (transientError) {
        // the DDL was not tried: stay where we were and try again later
        state.phase = result.action() == Action.APPLY ? Phase.Approved : Phase.Applied;
        state.conditions.set(READY, false, result.errorReason(), result.error());
        return state.patch(rec, context).rescheduleAfter(RETRY);
      }
      state.phase = Phase.Failed;
      state.failureReason = result.error();
      state.conditions.set(READY, false, result.errorReason(), result.error());
      events.warning(rec, result.errorReason(), result.error());
      return state.patch(rec, context);
    }
    var outcome = result.outcome();
    if (result.action() == Action.APPLY) {
      listener.indexApplied(rec, outcome, result.took());
    } else {
      listener.indexRolledBack(rec, outcome, result.took());
    }
    if (outcome.result() == ApplyOutcome.Result.LOCK_NOT_AVAILABLE) {
      return lockNotAvailable(rec, context, state, result.action(), outcome);
    }
    if (outcome.result() == ApplyOutcome.Result.IN_PROGRESS_ELSEWHERE) {
      state.conditions.set(READY, false, "BuildInProgressElsewhere", outcome.message());
      return state.patch(rec, context).rescheduleAfter(Duration.ofSeconds(30));
    }
    if (!outcome.succeeded()) {
      state.phase = Phase.Failed;
      state.failureReason = outcome.message();
      String reason = result.action() == Action.APPLY ? "ApplyFailed" : "RollbackFailed";
      state.conditions.set(READY, false, reason, outcome.message());
      boolean left = outcome.result() == ApplyOutcome.Result.FAILED_INVALID_LEFT;
      state.conditions.set(INVALID_LEFT, left, left ? "DropTimedOut" : "NoneLeft",
          left ? "the failed build left an invalid index; it is dropped as soon as possible"
              : "no invalid index is left");
      events.warning(rec, reason, outcome.message());
      var control = state.patch(rec, context);
      return left ? control.rescheduleAfter(CLEANUP_RETRY) : control;
    }
    state.failureReason = null;
    state.lockRetries = null;
    state.nextAttemptAt = null;
    if (result.action() == Action.APPLY) {
      state.phase = Phase.Applied;
      state.appliedIndex = outcome.qualifiedIndexName();
      state.appliedAt = state.nowText();
      state.rolledBackAt = null;
      state.rolledBackBy = null;
      state.measuredEffect = null; // a new apply is measured afresh
      state.conditions.remove(ROLLBACK_PROPOSED);
      var v = result.verification();
      if (v != null) {
        state.observedEffect = new ObservedEffect(state.nowText(), v.checks().size(),
            v.usingIndex(), v.indexSizeBytes(), v.costImprovementPercent(),
            v.checks().stream().map(c -> new QueryCheck(c.fingerprint(), c.usesIndex(),
                c.costAfter(), c.error())).toList());
      }
      String effect = v == null ? "" : "; " + v.usingIndex() + " of " + v.checks().size()
          + " affected queries use it";
      state.conditions.set(READY, true, "Applied", outcome.message() + effect);
      state.conditions.set(APPLIED, true,
          outcome.result() == ApplyOutcome.Result.ALREADY_PRESENT ? "AlreadyPresent" : "Built",
          outcome.message());
      events.normal(rec, "IndexApplied", outcome.message() + effect);
    } else {
      state.phase = Phase.RolledBack;
      state.rolledBackAt = state.nowText();
      state.conditions.set(READY, true, "RolledBack", outcome.message());
      state.conditions.set(APPLIED, false, "RolledBack", outcome.message());
      if (state.conditionTrue(ROLLBACK_PROPOSED)) {
        state.conditions.set(ROLLBACK_PROPOSED, false, "RolledBack", outcome.message());
      }
      events.normal(rec, "IndexRolledBack", outcome.message());
    }
    return state.patch(rec, context);
  }

  /**
   * The table's lock was taken (another build, a VACUUM, open DDL): nothing was built, so try
   * again after a growing delay, a bounded number of times, then give up as Failed. The retry is
   * a JOSDK reschedule; a closed window in between waits for the next one.
   */
  private UpdateControl<IndexRecommendation> lockNotAvailable(IndexRecommendation rec,
      Context<IndexRecommendation> context, State state, Action action, ApplyOutcome outcome) {
    int attempts = (state.lockRetries == null ? 0 : state.lockRetries) + 1;
    state.lockRetries = attempts;
    var last = outcome.lastWait();
    List<Integer> pids = last == null ? null : last.blockingPids();
    if (attempts > MAX_LOCK_RETRIES) {
      state.phase = Phase.Failed;
      state.nextAttemptAt = null;
      state.failureReason = outcome.message() + " (gave up after " + attempts + " attempts)";
      state.conditions.set(READY, false, "TableLockTimeout", state.failureReason);
      events.warning(rec, "TableLockTimeout", state.failureReason);
      return state.patch(rec, context);
    }
    long factor = 1L << Math.min(20, attempts - 1);
    var delay = LOCK_RETRY_FIRST.multipliedBy(factor);
    delay = delay.compareTo(LOCK_RETRY_MAX) > 0 ? LOCK_RETRY_MAX : delay;
    var next = Instant.now(clock).plus(delay).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    state.nextAttemptAt = next.toString();
    state.phase = action == Action.APPLY ? Phase.Approved : Phase.Applied;
    state.waitingFor = new WaitingFor(WaitReason.TableLock, state.nowText(), pids, null, null);
    state.conditions.set(READY, false, "TableLocked", outcome.message() + "; attempt "
        + attempts + " of " + (MAX_LOCK_RETRIES + 1) + ", the next at " + next);
    return state.patch(rec, context).rescheduleAfter(Duration.between(Instant.now(clock), next));
  }

  private static WaitingFor waitingFor(BuildWait wait) {
    return new WaitingFor(
        wait.kind() == BuildWait.Kind.TABLE_LOCK
            ? WaitReason.TableLock : WaitReason.OlderTransactions,
        wait.since().truncatedTo(ChronoUnit.SECONDS).toString(),
        wait.blockingPids(),
        wait.oldestTransactionStart() == null ? null
            : wait.oldestTransactionStart().truncatedTo(ChronoUnit.SECONDS).toString(),
        null);
  }

  /** One line for the Ready condition; the same facts are typed in status.waitingFor. */
  private static String describe(BuildWait wait) {
    String pids = String.join(", ", wait.blockingPids().stream().map(String::valueOf).toList());
    if (wait.kind() == BuildWait.Kind.TABLE_LOCK) {
      return "waiting for the lock on the table, held by pid " + pids
          + " (bounded by apply.lockTimeout)";
    }
    return "waiting for older transactions to end (pid " + pids + (wait.oldestTransactionStart()
        == null ? "" : ", open since " + wait.oldestTransactionStart().truncatedTo(
            ChronoUnit.SECONDS)) + "); this blocks nobody (bounded by apply.buildTimeout)";
  }

  /** The database and table a recommendation's DDL runs on. */
  private static String tableKey(io.pgdba.k8s.analysis.PgAnalysisSpec.Target target,
      IndexRecommendationSpec spec) {
    return target.host() + ":" + (target.port() == null ? 5432 : target.port()) + "/"
        + target.database() + "/" + qualifiedTable(spec);
  }

  private static String qualifiedTable(IndexRecommendationSpec spec) {
    return (spec.schema() == null ? "" : spec.schema() + ".") + spec.table();
  }

  @Override
  public ErrorStatusUpdateControl<IndexRecommendation> updateErrorStatus(
      IndexRecommendation rec, Context<IndexRecommendation> context, Exception e) {
    var state = new State(rec, clock, listener);
    String message = e.getMessage() == null ? e.getClass().getSimpleName()
        : e.getMessage().lines().findFirst().orElse("");
    state.conditions.set(READY, false, "ReconcileError", message);
    state.patch(rec, context);
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /** The status being built for this reconcile, starting from the previous one. */
  private static final class State {
    final IndexRecommendationStatus old;
    final String key;
    final long generation;
    final Clock clock;
    final Conditions conditions;
    final OperatorListener listener;
    Phase phase;
    String approvedBy;
    String approvedAt;
    String appliedIndex;
    String applyStartedAt;
    String appliedAt;
    String rolledBackAt;
    String failureReason;
    ObservedEffect observedEffect;
    /** Set afresh by each reconcile that waits: no stale wait survives. */
    WaitingFor waitingFor;
    Integer lockRetries;
    String nextAttemptAt;
    MeasuredEffect measuredEffect;
    String rolledBackBy;

    State(IndexRecommendation rec, Clock clock, OperatorListener listener) {
      this.listener = listener;
      this.old = rec.getStatus();
      this.key = rec.getMetadata().getNamespace() + "/" + rec.getMetadata().getName();
      this.generation = rec.getMetadata().getGeneration() == null
          ? 0 : rec.getMetadata().getGeneration();
      this.clock = clock;
      this.conditions = new Conditions(old == null ? null : old.conditions(), generation, clock);
      for (var type : List.of(READY, APPLIED, INVALID_LEFT, ROLLBACK_PROPOSED)) {
        conditions.keep(type);
      }
      this.phase = old == null || old.phase() == null ? Phase.Proposed : old.phase();
      if (old != null) {
        approvedBy = old.approvedBy();
        approvedAt = old.approvedAt();
        appliedIndex = old.appliedIndex();
        applyStartedAt = old.applyStartedAt();
        appliedAt = old.appliedAt();
        rolledBackAt = old.rolledBackAt();
        failureReason = old.failureReason();
        observedEffect = old.observedEffect();
        measuredEffect = old.measuredEffect();
        rolledBackBy = old.rolledBackBy();
        if (sameGeneration()) { // a spec change (a new approval) starts the retries afresh
          lockRetries = old.lockRetries();
          nextAttemptAt = old.nextAttemptAt();
        }
      }
      if (old == null) {
        conditions.set(READY, true, "AwaitingApproval",
            "set spec.approved: true to build the index");
      }
    }

    /** What the follow-up needs of the status. */
    FollowUps.Applied view() {
      return new FollowUps.Applied(appliedAt, appliedIndex, old == null ? null
          : old.measuredEffect(), Instant.now(clock));
    }

    boolean sameGeneration() {
      return old != null && Objects.equals(old.observedGeneration(), generation);
    }

    boolean conditionTrue(String type) {
      return conditions.get(type).map(c -> c.isTrue()).orElse(false);
    }

    String nowText() {
      return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Writes the whole status and caches it for the next reconcile (see PgAnalysisReconciler). */
    UpdateControl<IndexRecommendation> patch(
        IndexRecommendation rec, Context<IndexRecommendation> context) {
      var spec = rec.getSpec();
      var status = new IndexRecommendationStatus(generation, phase, conditions.toList(),
          approvedBy, approvedAt, appliedIndex, applyStartedAt, appliedAt, rolledBackAt,
          failureReason,
          new Effect(spec.estimatedImprovementPercent(), spec.estimatedSizeBytes()),
          observedEffect, waitingFor, lockRetries, nextAttemptAt, measuredEffect, rolledBackBy);
      rec.setStatus(status);
      if (!status.equals(old)) {
        PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(rec, context, r -> {
          r.setStatus(status);
          return r;
        });
      }
      // unchanged too: a restarted operator's metrics learn the phase on the first resync
      listener.recommendationPhase(rec, phase);
      return UpdateControl.noUpdate();
    }
  }
}
