package io.pgdba.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.apply.ApplyOutcome.Result;
import io.pgdba.apply.BuildWait.Kind;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Index builds on a busy PostgreSQL 13 and 17: a long transaction open during the build, a lock
 * held on the table, a competing build on the same table. Waiting for older transactions is not
 * an error (the lock timeout is half a second, the waits are longer); the table's lock is; and no
 * invalid index is ever left.
 */
class BusyDatabaseIT {

  static final Map<Integer, TestPostgres> SERVERS = new java.util.TreeMap<>();

  @BeforeAll
  static void start() {
    for (int major : TestPostgres.MAJORS) {
      SERVERS.put(major, TestPostgres.start(major, Map.of()));
    }
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestPostgres::close);
  }

  static List<Integer> majors() {
    return TestPostgres.MAJORS;
  }

  static ConnectionSettings target(TestPostgres pg) {
    return new ConnectionSettings("localhost", pg.port(), "postgres", "postgres", "postgres",
        "disable", null, 5);
  }

  static TestPostgres table(int major) throws SQLException {
    var pg = SERVERS.get(major);
    try (var c = pg.connect("postgres");
        var st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS orders, other");
      st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, note text)");
      st.execute(
          "INSERT INTO orders SELECT g, g % 5000, 'n' || g FROM generate_series(1, 20000) g");
      st.execute("CREATE TABLE other (x int)");
    }
    return pg;
  }

  static IndexTarget create(String name) {
    return new IndexTarget(null, name,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON orders (customer_id)");
  }

  static int pid(Connection c) throws SQLException {
    try (var st = c.createStatement();
        var rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** Indexes of orders that are not valid: what a failed build must never leave. */
  static long invalidIndexes(TestPostgres pg) throws SQLException {
    try (var c = pg.connect("postgres");
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM pg_index"
            + " WHERE indrelid = 'orders'::regclass AND NOT indisvalid")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Boolean valid(TestPostgres pg, String index) throws SQLException {
    try (var c = pg.connect("postgres");
        var ps = c.prepareStatement(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
      ps.setString(1, index);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getBoolean(1) : null;
      }
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void aLongTransactionIsWaitedForPastTheLockTimeoutAndTheBuildSucceeds(int major)
      throws Exception {
    var pg = table(major);
    var applier = new IndexApplier(Duration.ofMillis(500), Duration.ofSeconds(60));
    var waits = new CopyOnWriteArrayList<BuildWait>();
    try (var writer = pg.connect("postgres");
        var reader = pg.connect("postgres")) {
      // a writer on the table and a reader elsewhere, both with open transactions
      writer.setAutoCommit(false);
      writer.createStatement().execute("INSERT INTO orders VALUES (0, 1, 'open')");
      reader.setAutoCommit(false);
      reader.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      reader.createStatement().execute("SELECT count(*) FROM other");
      var build = CompletableFuture.supplyAsync(() -> {
        try {
          return applier.create(target(pg), create("orders_busy_idx"), w -> {
            if (w != null) {
              waits.add(w);
            }
          });
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      int writerPid = pid(writer);
      int readerPid = pid(reader);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(waits)
          .anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(Kind.OLDER_TRANSACTIONS);
            assertThat(w.blockingPids()).contains(writerPid);
            assertThat(w.oldestTransactionStart()).isNotNull();
          }));
      Thread.sleep(1_500); // three lock timeouts: waiting for old transactions is no error
      assertThat(build).isNotDone();
      writer.commit();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(waits)
          .anySatisfy(w -> assertThat(w.blockingPids()).contains(readerPid)));
      Thread.sleep(1_000);
      assertThat(build).isNotDone();
      reader.commit();
      var outcome = build.get(30, TimeUnit.SECONDS);
      assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.BUILT);
    }
    assertThat(valid(pg, "orders_busy_idx")).isTrue();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void waitingLongerThanTheBuildTimeoutFailsAndLeavesNoInvalidIndex(int major) throws Exception {
    var pg = table(major);
    var applier = new IndexApplier(Duration.ofMillis(500), Duration.ofSeconds(2));
    try (var reader = pg.connect("postgres")) {
      reader.setAutoCommit(false);
      reader.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      reader.createStatement().execute("SELECT count(*) FROM other");
      int readerPid = pid(reader);
      long start = System.nanoTime();
      var outcome = applier.create(target(pg), create("orders_timeout_idx"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      assertThat(outcome.result()).isIn(Result.FAILED, Result.FAILED_INVALID_LEFT);
      assertThat(outcome.message()).contains("older transactions").contains("" + readerPid);
      assertThat(outcome.lastWait().kind()).isEqualTo(Kind.OLDER_TRANSACTIONS);
      reader.rollback();
    }
    assertThat(applier.dropInvalidLeftover(target(pg), create("orders_timeout_idx"))).isTrue();
    assertThat(valid(pg, "orders_timeout_idx")).isNull();
    assertThat(invalidIndexes(pg)).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void aLockHeldOnTheTableEndsTheWaitAtTheLockTimeoutWithNothingLeft(int major)
      throws Exception {
    var pg = table(major);
    var applier = new IndexApplier(Duration.ofMillis(800), Duration.ofSeconds(60));
    var waits = new CopyOnWriteArrayList<BuildWait>();
    try (var locker = pg.connect("postgres")) {
      locker.setAutoCommit(false);
      locker.createStatement().execute("LOCK TABLE orders IN SHARE MODE");
      long start = System.nanoTime();
      var outcome = applier.create(target(pg), create("orders_locked_idx"), w -> {
        if (w != null) {
          waits.add(w);
        }
      });
      var took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.LOCK_NOT_AVAILABLE);
      assertThat(took).isBetween(Duration.ofMillis(800), Duration.ofSeconds(10));
      assertThat(outcome.message()).contains("held by pid " + pid(locker));
      assertThat(waits).first().satisfies(w -> {
        assertThat(w.kind()).isEqualTo(Kind.TABLE_LOCK);
        assertThat(w.blockingPids()).containsExactly(pid(locker));
      });
      locker.rollback();
    }
    assertThat(valid(pg, "orders_locked_idx")).isNull();
    assertThat(invalidIndexes(pg)).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void aCompetingBuildOnTheSameTableIsALockToRetryNotAFailure(int major) throws Exception {
    var pg = table(major);
    var applier = new IndexApplier(Duration.ofMillis(800), Duration.ofSeconds(60));
    try (var reader = pg.connect("postgres");
        var other = pg.connect("postgres")) {
      // someone else's build, held in its wait for old snapshots by a long reader
      reader.setAutoCommit(false);
      reader.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      reader.createStatement().execute("SELECT count(*) FROM other");
      int otherPid = pid(other);
      var theirs = CompletableFuture.runAsync(() -> {
        try (var st = other.createStatement()) {
          st.execute("CREATE INDEX CONCURRENTLY their_idx ON orders (note)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> valid(pg, "their_idx") != null);
      var outcome = applier.create(target(pg), create("orders_second_idx"));
      assertThat(outcome.result()).as(outcome.message()).isEqualTo(Result.LOCK_NOT_AVAILABLE);
      assertThat(outcome.lastWait().blockingPids()).containsExactly(otherPid);
      assertThat(valid(pg, "orders_second_idx")).isNull();
      reader.rollback();
      theirs.get(30, TimeUnit.SECONDS);
    }
    var retry = applier.create(target(pg), create("orders_second_idx"));
    assertThat(retry.result()).as(retry.message()).isEqualTo(Result.BUILT);
    assertThat(invalidIndexes(pg)).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void aBuildKilledMidWayLeavesALeftoverThatTheNextAttemptDrops(int major) throws Exception {
    var pg = table(major);
    var applier = new IndexApplier(Duration.ofMillis(500), Duration.ofSeconds(60));
    var waits = new CopyOnWriteArrayList<BuildWait>();
    try (var reader = pg.connect("postgres");
        var admin = pg.connect("postgres")) {
      reader.setAutoCommit(false);
      reader.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      reader.createStatement().execute("SELECT count(*) FROM other");
      var build = CompletableFuture.supplyAsync(() -> {
        try {
          return applier.create(target(pg), create("orders_killed_idx"), w -> {
            if (w != null) {
              waits.add(w);
            }
          });
        } catch (SQLException e) {
          return null; // the session was killed under it, as an operator crash would
        }
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> !waits.isEmpty());
      try (var st = admin.createStatement()) {
        st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE application_name = '" + IndexApplier.APPLICATION_NAME + "'"
            + " AND query LIKE 'CREATE INDEX%'");
      }
      build.get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(applier.state(target(pg), null, "orders_killed_idx"))
              .isEqualTo(IndexState.INVALID));
      reader.rollback();
    }
    var retry = applier.create(target(pg), create("orders_killed_idx"));
    assertThat(retry.result()).as(retry.message()).isEqualTo(Result.BUILT);
    assertThat(invalidIndexes(pg)).isZero();
  }
}
