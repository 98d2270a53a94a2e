package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OperatorCommandTest {

  @Test
  void flagsAndDefaults() {
    var command = new OperatorCommand();
    new CommandLine(command).parseArgs("--namespaces", "shop, billing", "--health-port", "9000",
        "--analysis-threads", "3", "--leader-election", "pgdba-lock");
    assertThat(command.namespaces).containsExactly("shop", " billing");
    assertThat(command.metricsPort).isEqualTo(9000);
    assertThat(command.analysisThreads).isEqualTo(3);
    assertThat(command.applyThreads).isEqualTo(2);
    assertThat(command.leaderElection).isEqualTo("pgdba-lock");

    var defaults = new OperatorCommand();
    new CommandLine(defaults).parseArgs();
    // the chart's default port (values.yaml metrics.port)
    assertThat(defaults.metricsPort).isEqualTo(8080);
    assertThat(defaults.reconcileThreads).isEqualTo(5);

    var renamed = new OperatorCommand();
    new CommandLine(renamed).parseArgs("--metrics-port", "9100");
    assertThat(renamed.metricsPort).isEqualTo(9100);
  }

  @Test
  void aZeroPoolIsAUsageErrorBeforeAnyConnection() throws Exception {
    var command = new OperatorCommand();
    new CommandLine(command).parseArgs("--apply-threads", "0");
    assertThat(command.call()).isEqualTo(2);
  }

  @Test
  void noReachableClusterIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "http://127.0.0.1:%d"}}]
        contexts: [{name: c, context: {cluster: c, user: u}}]
        current-context: c
        users: [{name: u, user: {token: t}}]
        """.formatted(closedPort));
    var err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setProperty("kubeconfig", kubeconfig.toString());
    System.setProperty("kubernetes.request.retry.backoffLimit", "0");
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      var command = new OperatorCommand();
      new CommandLine(command).parseArgs("--metrics-port", "0");
      assertThat(command.call()).isEqualTo(1);
    } finally {
      System.setErr(original);
      System.clearProperty("kubeconfig");
      System.clearProperty("kubernetes.request.retry.backoffLimit");
    }
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(message.lines().filter(l -> l.startsWith("pgdba operator:")))
        .singleElement().asString()
        .contains("cannot reach the Kubernetes API at http://127.0.0.1:" + closedPort);
    assertThat(message).doesNotContain("\tat ");
  }
}
