package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.cli.DemoCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sandbox met twice: a second one on the same machine, a port already taken, and the
 * leftovers of one killed with SIGKILL. Each fails with one line before anything starts, or is
 * cleaned up by the next start.
 */
class SandboxStateIT {

  @TempDir Path dir;

  @Test
  void aSecondDemoOnTheSameWorkDirStopsWithOneLineBeforeDoingAnything() throws Exception {
    Process first = SandboxChild.start(dir);
    try {
      var run = demo("--work-dir", dir.toString(), "--db-port", "0", "--metrics-port", "0");
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err().lines()).singleElement().asString()
          .startsWith("pgdba demo: another pgdba demo is running in")
          .contains("(pid " + first.pid() + ")", "--work-dir");
      assertThat(run.out()).isEmpty();
      // the first one's database is untouched
      assertThat(SandboxState.postmasterOf(dir.resolve(SandboxState.DATA_DIR))).isPresent();
    } finally {
      first.destroy();
      first.waitFor();
    }
  }

  @Test
  void aBusyDatabaseOrMetricsPortIsOneLineNamingThePortAndTheFlag() throws Exception {
    try (var taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      var db = demo("--work-dir", dir.toString(), "--db-port", String.valueOf(port),
          "--metrics-port", "0");
      assertThat(db.exit()).isEqualTo(1);
      assertThat(db.err().lines()).singleElement().asString()
          .isEqualTo("pgdba demo: port " + port + " is in use; choose another with --db-port"
              + " (0 picks a free one)");
      var metrics = demo("--work-dir", dir.toString(), "--db-port", "0",
          "--metrics-port", String.valueOf(port));
      assertThat(metrics.exit()).isEqualTo(1);
      assertThat(metrics.err().lines()).singleElement().asString()
          .contains("port " + port + " is in use", "--metrics-port");
      assertThat(metrics.out()).isEmpty();
    }
    // nothing was started: no data directory was ever made
    assertThat(dir.resolve(SandboxState.DATA_DIR)).doesNotExist();
  }

  @Test
  void aKilledSandboxsPostgresAndFilesAreCleanedUpByTheNextStart() throws Exception {
    Process child = SandboxChild.start(dir);
    Path data = dir.resolve(SandboxState.DATA_DIR);
    var postmaster = SandboxState.postmasterOf(data).orElseThrow();
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    child.waitFor();
    // what the issue saw: the server outlives its sandbox
    assertThat(postmaster.isAlive()).isTrue();
    assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();

    try (var next = SandboxState.acquire(dir)) {
      assertThat(postmaster.isAlive()).isFalse();
      assertThat(data).doesNotExist();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> !postmaster.isAlive());
  }

  record Run(int exit, String out, String err) {}

  private static Run demo(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 2];
      all[0] = "--examples";
      all[1] = "../examples/sandbox";
      System.arraycopy(args, 0, all, 2, args.length);
      int exit = new CommandLine(new DemoCommand()).execute(all);
      return new Run(exit, out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
