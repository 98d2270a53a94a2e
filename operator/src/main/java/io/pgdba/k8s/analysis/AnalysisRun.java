package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pgdba.analysis.AnalysisException;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.catalog.TargetConnectionException;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.WorkloadOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One analysis run on the background pool: check the target, read the logs, run the engine. It
 * returns a {@link RunResult} rather than throwing, so the reconciler turns every failure into
 * the condition that names it.
 */
final class AnalysisRun implements Callable<RunResult> {

  static final String TARGET_REACHABLE = "TargetReachable";
  static final String LOGS_READ = "LogsRead";
  static final String ANALYZED = "Analyzed";

  private final KubernetesClient client;
  private final AnalysisEngine engine;
  private final Clock clock;
  private final String namespace;
  private final long generation;
  private final PgAnalysisSpec spec;
  private final AnalysisSettings settings;
  private final ConnectionSettings target;
  private final List<PodLogPosition> previous;
  private final String name;
  private final RunHistory history;
  private Instant started;
  private RunFacts facts = RunFacts.NONE;

  AnalysisRun(KubernetesClient client, AnalysisEngine engine, Clock clock, String namespace,
      long generation, PgAnalysisSpec spec, AnalysisSettings settings, ConnectionSettings target,
      List<PodLogPosition> previous) {
    this(client, engine, clock, namespace, null, generation, spec, settings, target, previous,
        RunHistory.NONE);
  }

  AnalysisRun(KubernetesClient client, AnalysisEngine engine, Clock clock, String namespace,
      String name, long generation, PgAnalysisSpec spec, AnalysisSettings settings,
      ConnectionSettings target, List<PodLogPosition> previous, RunHistory history) {
    this.name = name;
    this.history = history;
    this.client = client;
    this.engine = engine;
    this.clock = clock;
    this.namespace = namespace;
    this.generation = generation;
    this.spec = spec;
    this.settings = settings;
    this.target = target;
    this.previous = previous;
  }

  @Override
  public RunResult call() {
    started = Instant.now(clock);
    String prefix = settings.logOptions().logLinePrefix();
    // the same read-only session the engine opens: the probe can write nothing either
    try (var c = ReadOnlySession.open(target)) {
      if (settings.prefixFromTarget()) {
        try (var st = c.createStatement(); var rs = st.executeQuery("SHOW log_line_prefix")) {
          prefix = rs.next() ? rs.getString(1) : null;
        }
      }
      facts = facts(c);
    } catch (TargetConnectionException e) {
      return fail(TARGET_REACHABLE, connectionReason(e.reason()), firstLine(e.getMessage()));
    } catch (SQLException e) {
      var failure = TargetConnectionException.from(e, target);
      return fail(TARGET_REACHABLE, connectionReason(failure.reason()),
          firstLine(failure.getMessage()));
    }
    var logOptions = new LogReaderOptions(settings.logOptions().format(), prefix);
    var logs = spec.logs();
    if (logs.configMapRef() != null) {
      LogSource source;
      try {
        source = configMapSource(logs.configMapRef());
      } catch (IllegalStateException | KubernetesClientException e) {
        return fail(LOGS_READ, "LogsUnreadable", firstLine(e.getMessage()));
      }
      return analyze(List.of(source), logOptions, previous, 0);
    }
    try (var collected =
        new PodLogCollector(client).collect(
            namespace, logs.podSelector(), logs.container(), previous)) {
      if (collected.positions().isEmpty()) {
        if (!collected.problems().isEmpty()) {
          return fail(LOGS_READ, collected.problems().get(0).reason(), collected.problems()
              .stream().map(PodLogCollector.LogProblem::message)
              .collect(java.util.stream.Collectors.joining("; ")));
        }
        return fail(LOGS_READ, "NoPodsFound",
            "no running pod matches logs.podSelector " + logs.podSelector());
      }
      var result = analyze(collected.sources(), logOptions, collected.positions(),
          collected.lines());
      return result.succeeded() ? result.withLogProblems(collected.problems()) : result;
    } catch (IOException | KubernetesClientException e) {
      return fail(LOGS_READ, "LogsUnreadable", "reading pod logs: " + firstLine(e.getMessage()));
    }
  }

  private RunResult analyze(List<LogSource> sources, LogReaderOptions logOptions,
      List<PodLogPosition> positions, long lines) {
    var logs = spec.logs();
    var request = new AnalysisRequest(sources, logOptions, WorkloadOptions.defaults(), target,
        settings.advisorOptions(), settings.slowMs(),
        PodResources.of(client, namespace, logs.podSelector(), logs.container()));
    try {
      var report = history.record(namespace + "/" + name, spec.history(),
          engine.analyze(request), facts);
      long read = report.sources() == null || report.sources().isEmpty()
          ? lines
          : report.sources().stream().mapToLong(s -> s.linesRead()).sum();
      return new RunResult(generation, started, Instant.now(clock), report, positions, read,
          null, null, null);
    } catch (AnalysisException e) {
      return switch (e.reason()) {
        case TARGET_UNREACHABLE, AUTHENTICATION_FAILED, DATABASE_MISSING, TIMEOUT ->
            fail(TARGET_REACHABLE, camel(e.reason().name()), firstLine(e.getMessage()));
        case LOG_UNREADABLE -> fail(LOGS_READ, "LogsUnreadable", firstLine(e.getMessage()));
        default -> fail(ANALYZED, camel(e.reason().name()), firstLine(e.getMessage()));
      };
    } catch (RuntimeException e) {
      // an engine bug must not take the operator down; the condition says what happened
      return fail(ANALYZED, "EngineError",
          e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
    }
  }

  /**
   * The run's facts, or none: they enrich the history, and a role that cannot read one of them
   * must not cost the analysis.
   */
  private RunFacts facts(java.sql.Connection c) {
    if (name == null) {
      return RunFacts.NONE;
    }
    try {
      var recs = client.resources(io.pgdba.k8s.recommendation.IndexRecommendation.class)
          .inNamespace(namespace).list().getItems();
      return RunFacts.read(c, RunFacts.applied(recs, name));
    } catch (SQLException | KubernetesClientException e) {
      return RunFacts.NONE;
    }
  }

  private LogSource configMapSource(PgAnalysisSpec.ConfigMapLogRef ref) {
    var cm = client.configMaps().inNamespace(namespace).withName(ref.name()).get();
    if (cm == null) {
      throw new IllegalStateException("ConfigMap " + namespace + "/" + ref.name() + " not found");
    }
    byte[] bytes;
    if (cm.getData() != null && cm.getData().containsKey(ref.key())) {
      bytes = cm.getData().get(ref.key()).getBytes(StandardCharsets.UTF_8);
    } else if (cm.getBinaryData() != null && cm.getBinaryData().containsKey(ref.key())) {
      bytes = Base64.getDecoder().decode(cm.getBinaryData().get(ref.key()));
    } else {
      throw new IllegalStateException(
          "ConfigMap " + ref.name() + " has no key '" + ref.key() + "'");
    }
    return new LogSource("configmap/" + ref.name() + "/" + ref.key(),
        () -> new ByteArrayInputStream(bytes));
  }

  private RunResult fail(String condition, String reason, String message) {
    // from the start of the run: the duration of a failed run is worth counting too
    return new RunResult(generation, started, Instant.now(clock), null, null, 0, condition,
        reason, message);
  }

  private static String connectionReason(TargetConnectionException.Reason reason) {
    return reason == TargetConnectionException.Reason.UNREACHABLE
        ? "ConnectionFailed" : camel(reason.name());
  }

  static String camel(String enumName) {
    var sb = new StringBuilder();
    for (var part : enumName.toLowerCase().split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
