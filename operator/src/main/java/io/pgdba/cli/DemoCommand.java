package io.pgdba.cli;

import io.pgdba.sandbox.DemoScript;
import io.pgdba.sandbox.PortInUseException;
import io.pgdba.sandbox.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pgdba demo}: the local sandbox (embedded PostgreSQL, in-process Kubernetes API, the
 * operator, examples/sandbox) and a guided tour through analysis, approval and rollback.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the local sandbox: embedded PostgreSQL + in-process Kubernetes API + the"
        + " operator + examples/sandbox, then approve and roll back the best recommendation.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--examples", defaultValue = "examples/sandbox",
      description = "Folder of manifests to apply (default: ${DEFAULT-VALUE}).")
  Path examples;

  @Option(names = "--db-port", defaultValue = "54329",
      description = "Port of the embedded PostgreSQL (default: ${DEFAULT-VALUE}; 0 picks a free"
          + " one). Every PgAnalysis targeting 127.0.0.1 or localhost is pointed at it.")
  int dbPort;

  @Option(names = "--metrics-port", defaultValue = "8080",
      description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE};"
          + " 0 picks a free one).")
  int metricsPort;

  @Option(names = "--work-dir", defaultValue = "target/sandbox",
      description = "Where the kubeconfig, the lock file and the database's data are kept; one"
          + " sandbox at a time per folder (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--rounds", defaultValue = "400",
      description = "Rounds of the demo workload (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--timeout", defaultValue = "180",
      description = "Seconds each step may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--keep-running",
      description = "Leave the sandbox up after the tour, for your own kubectl (Ctrl-C ends it).")
  boolean keepRunning;

  @Override
  public Integer call() throws Exception {
    var out = System.out;
    Files.createDirectories(workDir);
    try (var sandbox = Sandbox.prepare(
        new Sandbox.Options(dbPort, examples, workDir, metricsPort, rounds))) {
      sandbox.claim();
      out.printf("Starting the sandbox: PostgreSQL 17 (embedded) with a shop schema lacking"
          + " indexes, and its workload (%d rounds)...%n", rounds);
      sandbox.start();
      out.printf("PostgreSQL (embedded):       127.0.0.1:%d (every PgAnalysis targeting"
          + " 127.0.0.1 points here)%n", sandbox.database().port());
      out.printf("Kubernetes API (in-process): %s%n", sandbox.apiUrl());
      out.printf("kubeconfig:                  %s%n", sandbox.kubeconfig().toAbsolutePath());
      out.printf("metrics and health:          http://127.0.0.1:%d/metrics  /healthz  /readyz%n",
          sandbox.metricsPort());
      // the sandbox's PgAnalysis is shop/shop-db (examples/sandbox); any other has its own path
      out.printf("HTML report:                 http://127.0.0.1:%d/reports/shop/shop-db (open it"
          + " in a browser; with --keep-running it stays up)%n", sandbox.metricsPort());
      new DemoScript(sandbox, out, Duration.ofSeconds(timeoutSeconds)).run();
      if (keepRunning) {
        out.printf("%nThe sandbox keeps running. In another terminal:%n"
            + "  export KUBECONFIG=%s%n  kubectl get pga,idxrec -n shop%n"
            + "Ctrl-C ends it.%n", sandbox.kubeconfig().toAbsolutePath());
        var stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
        stop.await();
      }
      return 0;
    } catch (PortInUseException e) {
      System.err.printf("pgdba demo: port %d is in use; choose another with %s (0 picks a free"
          + " one)%n", e.port(),
          e.use() == PortInUseException.Use.DATABASE ? "--db-port" : "--metrics-port");
      return Main.EXIT_FAILURE;
    } catch (IOException | UncheckedIOException | IllegalStateException | SQLException e) {
      System.err.println("pgdba demo: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
  }
}
