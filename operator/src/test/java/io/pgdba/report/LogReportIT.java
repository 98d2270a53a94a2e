package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.LogReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every log report section from a log a real PostgreSQL (13 and 17) wrote for a workload that has
 * each event: errors, a statement timeout, a lock wait, a real deadlock between two sessions, a
 * temporary file, checkpoints (one asked for, others forced by WAL, too frequent), an autovacuum,
 * and sessions from several applications. The stderr and csvlog files must give the same sections,
 * and pgBadger (when installed) the same figures.
 */
class LogReportIT {

  static final String PREFIX = "%m [%p] %q%u@%d app=%a client=%h state=%e ";

  static List<Integer> majors() {
    return TestPostgres.MAJORS;
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @MethodSource("majors")
  void everySectionFromARealLog(int major, @TempDir Path work) throws Exception {
    Path logDir;
    try (var pg = TestPostgres.start(major, Map.ofEntries(
        Map.entry("logging_collector", "on"),
        Map.entry("lc_messages", "C"),
        Map.entry("log_destination", "stderr,csvlog"),
        Map.entry("log_min_duration_statement", "0"),
        Map.entry("log_line_prefix", "'" + PREFIX + "'"),
        Map.entry("log_checkpoints", "on"),
        Map.entry("log_autovacuum_min_duration", "0"),
        Map.entry("autovacuum_naptime", "1"),
        Map.entry("log_lock_waits", "on"),
        Map.entry("deadlock_timeout", "100ms"),
        Map.entry("log_temp_files", "0"),
        Map.entry("log_connections", "on"),
        Map.entry("log_disconnections", "on"),
        Map.entry("max_wal_size", "32MB"),
        Map.entry("min_wal_size", "32MB"),
        Map.entry("checkpoint_warning", "300s")))) {
      workload(pg);
      logDir = pg.dataDirectory().resolve("log");
      try {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> complete(logDir));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        var keep = Path.of("target", "LogReportIT-pg" + major);
        Files.createDirectories(keep);
        for (String ext : List.of(".log", ".csv")) {
          Path f = file(logDir, ext);
          if (f != null) {
            Files.copy(f, keep.resolve("postgresql" + ext),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          }
        }
        throw new AssertionError("the server did not log every event; see " + keep, e);
      }
      // The server still logs (an autovacuum worker may act after the workload): the two files
      // are taken together once neither has grown for a second, so they hold the same events.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> copiedAtRest(logDir, work));
    }
    var stderr = PgBadger.analyze(work.resolve("postgresql.log"));
    var csv = PgBadger.analyze(work.resolve("postgresql.csv"));
    assertThat(stderr.sources().get(0).unparsedLines()).isZero();
    assertThat(csv.sources().get(0).unparsedLines()).isZero();
    assertSections(stderr.workload().log(), true);
    assertSections(csv.workload().log(), true);
    // the same sections whatever the format (the timeline's p95 too: same durations)
    assertThat(stderr.workload().log()).isEqualTo(csv.workload().log());
    assertRendered(stderr);
    if (PgBadger.installed()) {
      var pgb = PgBadger.run(work.resolve("postgresql.log"), work, "-f", "stderr", "-p", PREFIX);
      long secondApart = count(Files.readString(work.resolve("postgresql.log")),
          "checkpoints are occurring too frequently (1 second apart)");
      var figures = PgBadger.compare(stderr, pgb, 0, secondApart);
      System.out.println("pgBadger comparison PG " + major + " (pgdba/pgBadger): " + figures);
    }
  }

  private static void assertSections(LogReport log, boolean withSqlState) {
    var timeline = log.timeline();
    assertThat(timeline.bucketSeconds()).isEqualTo(60);
    long statements = timeline.buckets().stream().mapToLong(LogReport.Bucket::statements).sum();
    assertThat(log.durationHistogram().stream().mapToLong(LogReport.HistogramBin::count).sum())
        .isEqualTo(statements);
    assertThat(timeline.peak().statements()).isPositive();
    assertThat(log.queryTypes()).extracting(LogReport.QueryType::type)
        .contains("select", "insert", "update", "delete", "ddl", "utility", "transaction");

    assertThat(log.errors()).anySatisfy(e -> {
      assertThat(e.pattern()).isEqualTo("relation \"...\" does not exist");
      assertThat(e.count()).isEqualTo(2);
      assertThat(e.sqlState()).isEqualTo("42P01");
      assertThat(e.example()).contains("missing_");
      assertThat(e.firstSeen()).isBeforeOrEqualTo(e.lastSeen());
    });
    assertThat(log.errors()).anySatisfy(e -> {
      assertThat(e.pattern()).isEqualTo("division by zero");
      assertThat(e.sqlState()).isEqualTo("22012");
      assertThat(e.example()).isEqualTo("select 1/0");
    });
    assertThat(log.errors()).anySatisfy(e -> {
      assertThat(e.pattern()).isEqualTo("deadlock detected");
      assertThat(e.sqlState()).isEqualTo("40P01");
    });
    assertThat(log.errors()).noneMatch(e -> e.pattern().startsWith("canceling"));
    assertThat(log.cancellations()).singleElement().satisfies(c -> {
      assertThat(c.sqlState()).isEqualTo("57014");
      assertThat(c.pattern()).isEqualTo("canceling statement due to statement timeout");
      assertThat(c.example()).isEqualTo("select pg_sleep(5)");
    });

    assertThat(log.lockWaits()).anySatisfy(w -> {
      assertThat(w.lockType()).isEqualTo("ShareLock on transaction");
      assertThat(w.query()).isEqualTo("update t set v = $1 where id = $2");
      assertThat(w.count()).isGreaterThanOrEqualTo(1);
      // the holder committed after about 600 ms: the acquired line gives the whole wait
      assertThat(w.maxWaitMs()).isGreaterThan(400);
    });
    assertThat(log.deadlocks()).singleElement().satisfies(d -> {
      assertThat(d.at()).isNotNull();
      assertThat(d.statements()).containsExactlyInAnyOrder(
          "update t set v = 'a' where id = 20", "update t set v = 'b' where id = 10");
    });

    assertThat(log.tempFiles()).anySatisfy(f -> {
      assertThat(f.query()).isEqualTo("select g from generate_series($1, $2) g order by g desc");
      assertThat(f.count()).isGreaterThanOrEqualTo(1);
      assertThat(f.totalBytes()).isGreaterThan(100_000);
      assertThat(f.maxBytes()).isLessThanOrEqualTo(f.totalBytes());
    });

    var c = log.checkpoints();
    assertThat(c.count()).isGreaterThanOrEqualTo(2);
    assertThat(c.buffersWritten()).isPositive();
    assertThat(c.writeMs()).isNotNegative();
    assertThat(c.avgDistanceKb()).isPositive();
    assertThat(c.byReason()).containsKey("immediate force wait");
    assertThat(c.byReason().keySet()).anyMatch(r -> r.startsWith("wal"));
    assertThat(c.tooFrequent()).isGreaterThanOrEqualTo(1);

    assertThat(log.autovacuum()).anySatisfy(t -> {
      assertThat(t.table()).isEqualTo("postgres.public.av");
      assertThat(t.vacuums()).isGreaterThanOrEqualTo(1);
      assertThat(t.tuplesRemoved()).isEqualTo(600);
      assertThat(t.totalMs()).isNotNegative();
    });

    var s = log.sessions();
    assertThat(s.connections()).isEqualTo(s.disconnections());
    assertThat(s.byApplication()).containsKeys("report-main", "report-holder", "report-waiter",
        "report-dl-a", "report-dl-b");
    assertThat(s.byDatabase()).containsKey("postgres");
    assertThat(s.byUser()).containsKey("postgres");
    assertThat(s.byHost()).isNotEmpty();
    assertThat(s.peakConcurrent()).isGreaterThanOrEqualTo(3);
    assertThat(s.meanDurationMs()).isPositive();
  }

  /** Both renderings carry every section; the streamed JSON is the tree's bytes. */
  private static void assertRendered(AnalysisReport report) throws Exception {
    var options = ReportOptions.defaults();
    var tree = JsonReport.toTree(report, options);
    var log = tree.path("log");
    assertThat(log.fieldNames()).toIterable().containsExactly("timeline", "durationHistogram",
        "queryTypes", "errors", "cancellations", "lockWaits", "deadlocks", "tempFiles",
        "checkpoints", "autovacuum", "sessions");
    var out = new java.io.StringWriter();
    JsonReport.write(report, options, out);
    assertThat(out.toString()).isEqualTo(JsonReport.render(report, options));
    String text = TextReport.render(report, options);
    assertThat(text).contains("Time distribution (per minute)", "Statement durations",
        "Query types", "Errors by SQLSTATE and message", "Cancelled statements and timeouts",
        "Lock waits", "Deadlocks: 1", "Temporary files", "Checkpoints: ",
        "Autovacuum and autoanalyze", "Sessions: ", "Top queries in detail");
  }

  private static void workload(TestPostgres pg) throws Exception {
    try (var main = connect(pg, "report-main"); var st = main.createStatement()) {
      st.execute("create table t (id int primary key, v text)");
      st.execute("insert into t select g, 'x' from generate_series(1, 100) g");
      st.execute("select v from t where id = 5");
      st.execute("update t set v = 'y' where id = 6");
      st.execute("delete from t where id = 99");
      st.execute("begin");
      st.execute("commit");
      for (String sql : List.of("select * from missing_a", "select * from missing_b",
          "select 1/0")) {
        try {
          st.execute(sql);
        } catch (SQLException expected) {
          // logged as an ERROR with its STATEMENT
        }
      }
      st.execute("set statement_timeout = '100ms'");
      try {
        st.execute("select pg_sleep(5)");
      } catch (SQLException expected) {
        // canceling statement due to statement timeout
      }
      st.execute("reset statement_timeout");
      st.execute("set work_mem = '64kB'");
      st.execute("select g from generate_series(1, 20000) g order by g desc");
      st.execute("reset work_mem");
      st.execute("checkpoint");
      // more WAL than max_wal_size: checkpoints "wal", close together, so "too frequently"
      st.execute("create table big (id int, pad text)");
      for (int i = 0; i < 3; i++) {
        st.execute("insert into big select g, repeat('x', 200) from generate_series(1, 100000) g");
      }
      st.execute("create table av (id int) with (autovacuum_vacuum_threshold = 50, "
          + "autovacuum_vacuum_scale_factor = 0)");
      st.execute("insert into av select generate_series(1, 1000)");
      st.execute("delete from av where id <= 600");
      lockWait(pg);
      deadlock(pg);
      st.execute("checkpoint");
    }
  }

  /** The waiter waits for the holder's row lock; the holder commits after 600 ms. */
  private static void lockWait(TestPostgres pg) throws Exception {
    try (var holder = connect(pg, "report-holder"); var waiter = connect(pg, "report-waiter")) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("update t set v = 'h' where id = 1");
      var waiting = CompletableFuture.runAsync(() -> {
        try (var st = waiter.createStatement()) {
          st.execute("update t set v = 'w' where id = 1");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(600);
      holder.commit();
      waiting.get();
    }
  }

  /** Two sessions take rows 10 and 20 in opposite orders: PostgreSQL cancels one. */
  private static void deadlock(TestPostgres pg) throws Exception {
    try (var a = connect(pg, "report-dl-a"); var b = connect(pg, "report-dl-b")) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      a.createStatement().execute("update t set v = 'a' where id = 10");
      b.createStatement().execute("update t set v = 'b' where id = 20");
      var first = CompletableFuture.runAsync(() -> {
        try {
          a.createStatement().execute("update t set v = 'a' where id = 20");
        } catch (SQLException e) {
          // the victim, if PostgreSQL chooses this one
        }
      });
      Thread.sleep(300);
      try {
        b.createStatement().execute("update t set v = 'b' where id = 10");
      } catch (SQLException e) {
        // the victim, if PostgreSQL chooses this one
      }
      b.rollback();
      first.get();
      a.rollback();
    }
  }

  private static Connection connect(TestPostgres pg, String app) throws SQLException {
    // simple protocol, so that the logged statements carry their literals
    return DriverManager.getConnection(pg.jdbcUrl("postgres") + "&ApplicationName=" + app
        + "&preferQueryMode=simple", "postgres", "postgres");
  }

  /** Every session's end, the autovacuum of av and the last checkpoint are in both files. */
  private static boolean complete(Path logDir) throws Exception {
    for (String ext : List.of(".log", ".csv")) {
      Path f = file(logDir, ext);
      if (f == null) {
        return false;
      }
      String text = Files.readString(f);
      if (!text.contains("automatic vacuum of table ")
          || !text.contains("postgres.public.av")
          // the vacuum after the delete: one right after the insert removes nothing
          || !text.contains("tuples: 600 removed")
          || count(text, "checkpoint complete") < 2
          || count(text, "connection authorized") != count(text, "disconnection: session time")
          || count(text, "checkpoint starting") != count(text, "checkpoint complete")) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies both files to {@code work}; true when, a second later, neither has grown past its
   * copy (a message goes to stderr and then csvlog: a copy taken between the two would hold it
   * in one file only).
   */
  private static boolean copiedAtRest(Path logDir, Path work) throws Exception {
    var log = work.resolve("postgresql.log");
    var csv = work.resolve("postgresql.csv");
    Files.copy(file(logDir, ".log"), log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(file(logDir, ".csv"), csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Thread.sleep(1000);
    return Files.size(file(logDir, ".log")) == Files.size(log)
        && Files.size(file(logDir, ".csv")) == Files.size(csv);
  }

  private static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  private static Path file(Path dir, String ext) throws Exception {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(ext)).findFirst().orElse(null);
    }
  }
}
