package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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
}
