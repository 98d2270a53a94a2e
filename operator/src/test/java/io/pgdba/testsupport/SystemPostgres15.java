package io.pgdba.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Debian PostgreSQL 15 server ({@code /usr/lib/postgresql/15/bin}) in a temporary directory,
 * for tests that need an extension the embedded binaries cannot load (HypoPG). initdb refuses to
 * run as root, so the server runs as user {@code postgres} when the test runs as root. Tests are
 * skipped (assumption) when the binaries or HypoPG are absent.
 */
public final class SystemPostgres15 implements AutoCloseable {

  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private static final Path HYPOPG = Path.of("/usr/share/postgresql/15/extension/hypopg.control");

  private final Path dir;
  private final int port;

  private SystemPostgres15(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Skips the calling test unless PostgreSQL 15 and HypoPG are installed. */
  public static void assumeHypopgAvailable() {
    assumeTrue(Files.isExecutable(BIN.resolve("pg_ctl")), "PostgreSQL 15 binaries not installed");
    assumeTrue(Files.exists(HYPOPG), "postgresql-15-hypopg not installed");
  }

  /** initdb + pg_ctl start on a free port; skips the test when it cannot run here. */
  public static SystemPostgres15 start() {
    assumeHypopgAvailable();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("pgdba-pg15");
      if (root) {
        run(List.of("chown", "postgres", dir.toString()), false);
      }
      int port = freePort();
      Path data = dir.resolve("data");
      run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
          "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"), root);
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l",
          dir.resolve("server.log").toString(), "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=localhost -c fsync=off"
              + " -c max_parallel_workers_per_gather=0", "start"), root);
      return new SystemPostgres15(dir, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  /** A new connection as superuser {@code postgres} to {@code database}. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
  }

  @Override
  public void close() {
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      run(List.of(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
          "-m", "immediate", "-w", "stop"), root);
      run(List.of("rm", "-rf", dir.toString()), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void run(List<String> command, boolean asPostgres) throws IOException {
    var cmd = new ArrayList<String>();
    if (asPostgres) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(command);
    var process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
