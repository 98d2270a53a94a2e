package io.pgdba.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The sandbox's claim on its work directory: a lock file held while it runs (so a second sandbox
 * on the same directory stops before doing anything), and the PostgreSQL data directory inside it
 * (so a sandbox killed with SIGKILL leaves nothing in /tmp, and the next start stops the server it
 * left running and deletes its files).
 */
public final class SandboxState implements AutoCloseable {

  static final String LOCK_FILE = "sandbox.lock";
  static final String DATA_DIR = "pgdata";

  /** Another sandbox holds the work directory. */
  public static final class BusyException extends IOException {
    public BusyException(String message) {
      super(message);
    }
  }

  private final Path workDir;
  private final FileChannel channel;
  private final FileLock lock;

  private SandboxState(Path workDir, FileChannel channel, FileLock lock) {
    this.workDir = workDir;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the work directory, or fails naming the process that holds it; then cleans up what a
   * killed sandbox left there.
   */
  public static SandboxState acquire(Path workDir) throws IOException {
    Files.createDirectories(workDir);
    Path lockFile = workDir.resolve(LOCK_FILE);
    var channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process
    }
    if (lock == null) {
      String holder = readPid(lockFile).map(pid -> " (pid " + pid + ")").orElse("");
      channel.close();
      throw new BusyException("another pgdba demo is running in " + workDir.toAbsolutePath()
          + holder + "; stop it, or give this one its own --work-dir, --db-port and"
          + " --metrics-port");
    }
    channel.truncate(0);
    channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
    channel.force(false);
    var state = new SandboxState(workDir, channel, lock);
    state.removeLeftovers();
    return state;
  }

  /** Where the embedded PostgreSQL keeps its data while the sandbox runs. */
  public Path dataDir() {
    return workDir.resolve(DATA_DIR);
  }

  /** Stops a PostgreSQL a killed sandbox left running on this data directory, deletes its files. */
  private void removeLeftovers() throws IOException {
    Path data = dataDir();
    if (!Files.exists(data)) {
      return;
    }
    postmasterOf(data).ifPresent(SandboxState::stop);
    deleteTree(data);
  }

  /** The live postmaster of a data directory: the pid in postmaster.pid, if it is postgres. */
  static Optional<ProcessHandle> postmasterOf(Path data) {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      // a pid can be reused by an unrelated process after a reboot: only stop a postgres
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void stop(ProcessHandle postmaster) {
    // SIGTERM: PostgreSQL's smart shutdown; nobody is connected any more
    postmaster.destroy();
    if (!waitForExit(postmaster, Duration.ofSeconds(20))) {
      postmaster.destroyForcibly();
      waitForExit(postmaster, Duration.ofSeconds(5));
    }
  }

  private static boolean waitForExit(ProcessHandle p, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (p.isAlive() && Instant.now().isBefore(end)) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !p.isAlive();
      }
    }
    return !p.isAlive();
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Optional<String> readPid(Path lockFile) {
    try {
      String s = Files.readString(lockFile).strip();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Releases the work directory; the data directory is deleted by the database's close. */
  @Override
  public void close() {
    try {
      // the file stays: deleting it could let two later sandboxes lock two different files
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock dies with the process anyway
    }
  }
}
