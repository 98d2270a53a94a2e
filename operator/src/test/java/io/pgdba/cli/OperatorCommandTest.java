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
    assertThat(command.healthPort).isEqualTo(9000);
    assertThat(command.analysisThreads).isEqualTo(3);
    assertThat(command.applyThreads).isEqualTo(2);
    assertThat(command.leaderElection).isEqualTo("pgdba-lock");

    var defaults = new OperatorCommand();
    new CommandLine(defaults).parseArgs();
    assertThat(defaults.healthPort).isEqualTo(8081);
    assertThat(defaults.reconcileThreads).isEqualTo(5);
  }

  @Test
  void aZeroPoolIsAUsageErrorBeforeAnyConnection() throws Exception {
    var command = new OperatorCommand();
    new CommandLine(command).parseArgs("--apply-threads", "0");
    assertThat(command.call()).isEqualTo(2);
  }
}
