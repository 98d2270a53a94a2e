package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.TailPrettyLoggable;
import io.pgdba.k8s.analysis.PgAnalysisStatus.PodLogPosition;
import io.pgdba.log.LogSource;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Reads the PostgreSQL logs of the selected pods through the Kubernetes API, only the lines after
 * the position of the previous run: {@code sinceTime} narrows the request to the second, the
 * kubelet's nanosecond {@code timestamps=true} prefix drops the lines already read. After a
 * container restart the previous container's tail is read first. Lines are spooled to temporary
 * files so that a big log never sits in the heap.
 */
public final class PodLogCollector {

  /** A status entry per pod is small, but a selector matching thousands of pods is a mistake. */
  static final int MAX_PODS = 100;

  private final KubernetesClient client;

  public PodLogCollector(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The logs read, the new positions, and what could not be read (a pod whose container has not
   * started, lines without the kubelet timestamp), each naming its pod; closing deletes the
   * spooled files.
   */
  public record Collected(List<LogSource> sources, List<PodLogPosition> positions, long lines,
      List<Path> files, List<LogProblem> problems) implements AutoCloseable {
    @Override
    public void close() {
      for (var f : files) {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // a temp file left behind is not worth failing a run
        }
      }
    }
  }

  /** Something a run could not read, for the LogsRead condition. */
  public record LogProblem(String pod, String reason, String message) {
    static final String NOT_STARTED = "ContainerNotStarted";
    static final String NO_TIMESTAMP = "LinesWithoutTimestamp";
  }

  public Collected collect(
      String namespace, Map<String, String> selector, String container,
      List<PodLogPosition> previous) throws IOException {
    var pods =
        client.pods().inNamespace(namespace).withLabels(selector).list().getItems().stream()
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .limit(MAX_PODS)
            .toList();
    var sources = new ArrayList<LogSource>();
    var positions = new ArrayList<PodLogPosition>();
    var files = new ArrayList<Path>();
    var problems = new ArrayList<LogProblem>();
    long lines = 0;
    for (Pod pod : pods) {
      String podName = pod.getMetadata().getName();
      String containerName = container != null ? container : firstContainer(pod);
      if (containerName == null) {
        problems.add(new LogProblem(podName, LogProblem.NOT_STARTED,
            "pod " + podName + " has no container"));
        continue;
      }
      var status = containerStatus(pod, containerName);
      String containerId = status == null ? null : status.getContainerID();
      if (containerId == null || containerId.isEmpty()) {
        // no log to read yet, but the status must say so rather than report zero lines
        problems.add(new LogProblem(podName, LogProblem.NOT_STARTED, "pod " + podName
            + ": container " + containerName + " has not started (no containerID)"));
        continue;
      }
      var before = previous == null ? null : previous.stream()
          .filter(p -> podName.equals(p.pod()) && containerName.equals(p.container()))
          .findFirst().orElse(null);
      Instant since = before == null ? null : parse(before.readUntil());
      Path file = Files.createTempFile("pgdba-" + podName + "-", ".log");
      files.add(file);
      var spool = new Spool(since);
      try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        boolean restarted = before != null && before.containerId() != null
            && !before.containerId().equals(containerId)
            && status.getRestartCount() != null && status.getRestartCount() > 0;
        if (restarted) {
          spool.copy(request(namespace, podName, containerName, since, true), out);
        }
        spool.copy(request(namespace, podName, containerName, since, false), out);
      }
      lines += spool.lines;
      if (spool.untimestamped > 0) {
        problems.add(new LogProblem(podName, LogProblem.NO_TIMESTAMP, "pod " + podName + ": "
            + spool.untimestamped + " log line" + (spool.untimestamped == 1 ? "" : "s")
            + " without the kubelet timestamp skipped (first: "
            + abbreviate(spool.firstUntimestamped) + ")"));
      }
      sources.add(new LogSource(namespace + "/" + podName + "/" + containerName,
          () -> Files.newInputStream(file)));
      Instant until = spool.last != null ? spool.last : since;
      positions.add(new PodLogPosition(podName, containerName, containerId,
          until == null ? null : until.toString()));
    }
    return new Collected(sources, positions, lines, files, problems);
  }

  private TailPrettyLoggable request(
      String namespace, String pod, String container, Instant since, boolean previousContainer) {
    // No waiting for readiness: a crash-looping PostgreSQL still has logs worth reading.
    var logs = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
        .withReadyWaitTimeout(0)
        .usingTimestamps();
    var timed = previousContainer ? logs.terminated() : logs;
    return since == null
        ? timed
        : timed.sinceTime(since.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** Strips the kubelet timestamps, drops lines at or before {@code since}, counts the rest. */
  private static final class Spool {
    private final Instant since;
    Instant last;
    long lines;
    long untimestamped;
    String firstUntimestamped;

    Spool(Instant since) {
      this.since = since;
      this.last = null;
    }

    void copy(TailPrettyLoggable source, BufferedWriter out) throws IOException {
      try (var in = new BufferedReader(
          new InputStreamReader(source.getLogInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          int space = line.indexOf(' ');
          Instant ts = space > 0 ? parse(line.substring(0, space)) : null;
          if (ts == null) {
            // every kubelet line carries a timestamp: without one the position is unknown
            if (untimestamped++ == 0) {
              firstUntimestamped = line;
            }
            continue;
          }
          if (since != null && !ts.isAfter(since)) {
            continue;
          }
          if (last == null || ts.isAfter(last)) {
            last = ts;
          }
          out.write(line, space + 1, line.length() - space - 1);
          out.newLine();
          lines++;
        }
      }
    }
  }

  /** A log line is attacker-controlled text: short, one line, no control characters. */
  private static String abbreviate(String line) {
    String clean = line.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 80 ? clean.substring(0, 77) + "..." : clean;
  }

  private static String firstContainer(Pod pod) {
    var containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return containers == null || containers.isEmpty() ? null : containers.get(0).getName();
  }

  private static ContainerStatus containerStatus(Pod pod, String container) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> container.equals(s.getName())).findFirst().orElse(null);
  }

  static Instant parse(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
