package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.k8s.analysis.PodLogCollector.LogProblem;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a successful run that could not read everything puts into its LogsRead condition. */
class RunResultTest {

  @Test
  void aRunThatLeftPodsOutSaysWhichAndWhyInLogsRead() {
    var run = new RunResult(1, Instant.EPOCH, Instant.EPOCH, null, List.of(), 120, null, null,
        null);
    assertThat(run.logsComplete()).isTrue();
    assertThat(run.logsReason()).isEqualTo("LogsRead");
    assertThat(run.logsMessage()).isEqualTo("120 new log lines read");

    var partial = run.withLogProblems(List.of(
        new LogProblem("db-2", "ContainerNotStarted",
            "pod db-2: container postgres has not started (no containerID)"),
        new LogProblem("db-1", "LinesWithoutTimestamp",
            "pod db-1: 3 log lines without the kubelet timestamp skipped (first: x)")));
    assertThat(partial.succeeded()).isTrue();
    assertThat(partial.logsComplete()).isFalse();
    assertThat(partial.logsReason()).isEqualTo("ContainerNotStarted");
    assertThat(partial.logsMessage()).isEqualTo("120 new log lines read;"
        + " pod db-2: container postgres has not started (no containerID);"
        + " pod db-1: 3 log lines without the kubelet timestamp skipped (first: x)");
  }
}
