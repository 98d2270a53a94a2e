package io.pgdba.apply;

import io.pgdba.catalog.ConnectionSettings;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches a running {@code CREATE INDEX CONCURRENTLY} from a second session: it reports what the
 * build waits for and cancels it when the table's lock is not granted within the lock timeout,
 * or when it has waited for older transactions longer than the build timeout. One server-side
 * {@code lock_timeout} cannot tell those waits apart: the short one would fail every build while
 * any long transaction is open, the long one would queue the table's writers behind the build.
 */
final class BuildWatch implements AutoCloseable {

  /** Why the watch cancelled the build. */
  enum Cancel {
    TABLE_LOCK,
    BUILD_TIMEOUT
  }

  static final Duration POLL = Duration.ofMillis(200);

  private static final String WAIT =
      "SELECT w.locktype, w.blockers,"
          + " (SELECT min(a.xact_start) FROM pg_stat_activity a WHERE a.pid = ANY (w.blockers))"
          + " FROM (SELECT l.locktype, pg_blocking_pids(l.pid) AS blockers FROM pg_locks l"
          + " WHERE l.pid = ? AND NOT l.granted LIMIT 1) w";

  private final Connection watcher;
  private final int buildPid;
  private final Statement build;
  private final Duration lockTimeout;
  private final Duration buildTimeout;
  private final Consumer<BuildWait> listener;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile Cancel cancelled;
  private volatile BuildWait current;
  private volatile BuildWait last;

  BuildWatch(ConnectionSettings settings, int buildPid, Statement build, Duration lockTimeout,
      Duration buildTimeout, Consumer<BuildWait> listener, Clock clock) throws SQLException {
    this.watcher = TargetConnections.open(settings, IndexApplier.APPLICATION_NAME);
    this.buildPid = buildPid;
    this.build = build;
    this.lockTimeout = lockTimeout;
    this.buildTimeout = buildTimeout;
    this.listener = listener;
    this.clock = clock;
    this.thread = new Thread(this::run, "pgdba-build-watch-" + buildPid);
    thread.setDaemon(true);
    thread.start();
  }

  /** Why the build was cancelled, null if it was not. */
  Cancel cancelled() {
    return cancelled;
  }

  /** The last wait seen, null if the build never waited. */
  BuildWait lastWait() {
    return last;
  }

  private void run() {
    long olderMillis = 0;
    Instant previous = Instant.now(clock);
    try {
      while (!stopped) {
        Thread.sleep(POLL.toMillis());
        Instant now = Instant.now(clock);
        var seen = look();
        if (seen != null && seen.kind() == BuildWait.Kind.OLDER_TRANSACTIONS) {
          olderMillis += Duration.between(previous, now).toMillis();
        }
        previous = now;
        var wait = seen == null ? null
            : seen.sameAs(current) ? current
            : new BuildWait(seen.kind(), seen.blockingPids(),
                current != null && current.kind() == seen.kind() ? current.since() : now,
                seen.oldestTransactionStart());
        if (wait == null ? current != null : !wait.sameAs(current)) {
          current = wait;
          if (wait != null) {
            last = wait;
          }
          listener.accept(wait);
        }
        if (wait != null && wait.kind() == BuildWait.Kind.TABLE_LOCK
            && Duration.between(wait.since(), now).compareTo(lockTimeout) >= 0) {
          cancel(Cancel.TABLE_LOCK);
        } else if (olderMillis >= buildTimeout.toMillis()) {
          cancel(Cancel.BUILD_TIMEOUT);
        }
      }
    } catch (InterruptedException e) {
      // close(): the build is over
    } catch (SQLException e) {
      // Without the watch the server's lock_timeout (the build timeout) still bounds the build.
    }
  }

  private BuildWait look() throws SQLException {
    try (var ps = watcher.prepareStatement(WAIT)) {
      ps.setInt(1, buildPid);
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        var kind = "relation".equals(rs.getString(1))
            ? BuildWait.Kind.TABLE_LOCK : BuildWait.Kind.OLDER_TRANSACTIONS;
        var oldest = rs.getTimestamp(3);
        return new BuildWait(kind, pids(rs.getArray(2)), Instant.EPOCH,
            oldest == null ? null : oldest.toInstant());
      }
    }
  }

  private static List<Integer> pids(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    var values = (Integer[]) array.getArray();
    Arrays.sort(values);
    return List.of(values);
  }

  private void cancel(Cancel why) {
    if (cancelled != null) {
      return;
    }
    cancelled = why;
    try {
      // a CancelRequest for the build's own backend: no privilege beyond the build's own
      build.cancel();
    } catch (SQLException e) {
      // the server-side lock_timeout still ends it
    }
    stopped = true;
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      watcher.close();
    } catch (SQLException e) {
      // closing a session we no longer need
    }
  }
}
