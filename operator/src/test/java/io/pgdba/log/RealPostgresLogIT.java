package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.LogError;
import io.pgdba.log.LogEvent.Phase;
import io.pgdba.log.LogEvent.ServerEvent;
import io.pgdba.log.LogEvent.ServerEvent.Kind;
import io.pgdba.testsupport.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL writes the same workload to stderr, csvlog and jsonlog at once; the three files
 * must give the same statements. With {@code -Dpgdba.examples.dir=../examples/logs} the files are
 * also copied there as the sample logs users can try ({@code make examples-logs} in the README).
 */
class RealPostgresLogIT {

  static final String PREFIX =
      "%m [%p] %q[sess=%c,line=%l,user=%u,db=%d,app=%a,client=%h,state=%e,qid=%Q] ";

  /**
   * Connections the workload opens before the last one (each logs one disconnection); the embedded
   * server's own readiness check adds one or more.
   */
  static final int CONNECTIONS = 4;

  static TestPostgres pg;
  static Path stderr;
  static Path csv;
  static Path json;

  @BeforeAll
  static void runWorkload() throws Exception {
    // pg_ctl hands the settings to the server through a shell: a value with spaces is quoted.
    pg =
        TestPostgres.start(
            Map.ofEntries(
                Map.entry("logging_collector", "on"),
                Map.entry("lc_messages", "C"),
                Map.entry("log_destination", "stderr,csvlog,jsonlog"),
                Map.entry("log_min_duration_statement", "0"),
                Map.entry("log_line_prefix", "'" + PREFIX + "'"),
                Map.entry("log_checkpoints", "on"),
                Map.entry("log_connections", "on"),
                Map.entry("log_disconnections", "on"),
                Map.entry("log_temp_files", "0"),
                Map.entry("log_lock_waits", "on"),
                Map.entry("deadlock_timeout", "100ms"),
                Map.entry("compute_query_id", "on")));
    try (Connection simple = connect("simple", "pgdba-simple");
        Connection extended = connect("extended", "pgdba-extended")) {
      try (var st = simple.createStatement()) {
        st.execute("create table t (id int primary key, name text, note text)");
        st.execute("insert into t values (1, 'it''s', 'a, b'), (2, 'Zoë', NULL)");
        st.execute("select name\n  from t\n where id = 1\n   and note = 'a, b'");
        st.execute("select count(*) from t where name = 'Zoë'");
        try {
          st.execute("select * from missing_table");
        } catch (SQLException expected) {
          // the error and its STATEMENT are what the log must carry
        }
        st.execute("set work_mem = '64kB'");
        st.execute("select g from generate_series(1, 20000) g order by g desc");
        st.execute("checkpoint");
      }
      try (var ps = extended.prepareStatement("select * from t where name = ? and note = ?")) {
        for (int i = 0; i < 6; i++) {
          ps.setString(1, i % 2 == 0 ? "it's" : "x', 'y");
          ps.setNull(2, Types.VARCHAR);
          ps.executeQuery().close();
        }
      }
      try (var ps = extended.prepareStatement("insert into t values (?, ?, ?)")) {
        ps.setInt(1, 3);
        ps.setString(2, "O'Brien, ''quoted''");
        ps.setString(3, "line1\nline2");
        ps.executeUpdate();
      }
      lockWait();
    }
    try (Connection last = connect("simple", "pgdba-end")) {
      last.createStatement().execute("select 'pgdba-end-marker'");
    }
    Path logDir = pg.dataDirectory().resolve("log");
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> allWritten(logDir));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      var keep = Path.of("target", "RealPostgresLogIT-logs");
      Files.createDirectories(keep);
      try (Stream<Path> files = Files.list(logDir)) {
        for (Path f : files.toList()) {
          Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      throw new AssertionError("the server did not write all formats; see " + keep, e);
    }
    stderr = file(logDir, ".log");
    csv = file(logDir, ".csv");
    json = file(logDir, ".json");
    String examples = System.getProperty("pgdba.examples.dir");
    if (examples != null) {
      var dir = Path.of(examples);
      Files.createDirectories(dir);
      Files.copy(stderr, dir.resolve("postgresql.log"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(csv, dir.resolve("postgresql.csv"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(json, dir.resolve("postgresql.json"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** One session holds a lock, another waits past deadlock_timeout and then gives up. */
  private static void lockWait() throws SQLException {
    try (Connection holder = connect("simple", "pgdba-holder");
        Connection waiter = connect("simple", "pgdba-waiter")) {
      holder.setAutoCommit(false);
      holder.createStatement().execute("lock table t in access exclusive mode");
      try (var st = waiter.createStatement()) {
        st.execute("set lock_timeout = '400ms'");
        st.execute("select count(*) from t");
      } catch (SQLException expected) {
        // canceling statement due to lock timeout
      }
      holder.rollback();
    }
  }

  private static Connection connect(String mode, String app) throws SQLException {
    return DriverManager.getConnection(
        pg.jdbcUrl("postgres") + "&preferQueryMode=" + mode + "&ApplicationName=" + app,
        "postgres",
        "postgres");
  }

  private static boolean allWritten(Path logDir) throws IOException {
    for (String ext : List.of(".log", ".csv", ".json")) {
      Path f = file(logDir, ext);
      if (f == null) {
        return false;
      }
      String text = Files.readString(f);
      // every session that was authorized has logged its end
      if (!text.contains("pgdba-end-marker")
          || count(text, "disconnection: session time") < CONNECTIONS + 1
          || count(text, "disconnection: session time") != count(text, "connection authorized")) {
        return false;
      }
    }
    return true;
  }

  private static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  private static Path file(Path dir, String ext) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(ext)).findFirst().orElse(null);
    }
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** What must be equal whatever the format: all but the source file and line. */
  record Comparable(
      Phase phase,
      String name,
      double durationMs,
      String text,
      List<String> parameters,
      String timestamp,
      String database,
      String user,
      String application,
      Integer pid) {
    static Comparable of(ExecutedStatement s) {
      var o = s.origin();
      return new Comparable(
          s.phase(),
          s.preparedName(),
          s.durationMs(),
          s.text(),
          s.parameters(),
          String.valueOf(o.timestamp()),
          o.database(),
          o.user(),
          o.application(),
          o.pid());
    }
  }

  @Test
  void formatsAreDetected() {
    var s = LogCollector.read(stderr);
    assertThat(s.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(s.result.logLinePrefix()).isNotNull();
    assertThat(LogCollector.read(csv).result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(LogCollector.read(json).result.format()).isEqualTo(LogFormat.JSONLOG);
  }

  @Test
  void allFormatsGiveTheSameStatements() {
    var options = new LogReaderOptions(null, PREFIX);
    var fromStderr = LogCollector.read(LogSource.file(stderr), options);
    var fromCsv = LogCollector.read(csv);
    var fromJson = LogCollector.read(json);
    for (var c : List.of(fromStderr, fromCsv, fromJson)) {
      assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    }
    var expected = statements(fromCsv);
    assertThat(statements(fromStderr)).isEqualTo(expected);
    assertThat(statements(fromJson)).isEqualTo(expected);
    assertThat(recordsByPid(fromStderr)).isEqualTo(recordsByPid(fromCsv));
    assertThat(recordsByPid(fromJson)).isEqualTo(recordsByPid(fromCsv));
    assertThat(kinds(fromStderr)).isEqualTo(kinds(fromCsv)).isEqualTo(kinds(fromJson));
  }

  private static List<Comparable> statements(LogCollector c) {
    return c.events(ExecutedStatement.class).stream().map(Comparable::of).toList();
  }

  /**
   * Each process's records in its order: two processes logging in the same millisecond may reach
   * the stderr, csvlog and jsonlog files in a different order, one process never.
   */
  private static Map<String, List<String>> recordsByPid(LogCollector c) {
    return c.records.stream()
        .collect(Collectors.groupingBy(r -> String.valueOf(r.pid()), java.util.TreeMap::new,
            Collectors.mapping(RealPostgresLogIT::describe, Collectors.toList())));
  }

  /**
   * Record content except source/line, so that merged stderr parts are compared too. Background
   * processes write nothing after {@code %q} in stderr, where csvlog and jsonlog still have their
   * session id, SQLSTATE and query id: those are compared for client sessions only.
   */
  private static String describe(LogRecord r) {
    return String.join(
        "|",
        r.user() == null ? "" : r.sessionId() + "|" + r.sqlState() + "|" + r.queryId(),
        String.valueOf(r.timestamp()),
        r.severity(),
        String.valueOf(r.pid()),
        r.database(),
        r.user(),
        r.application(),
        r.host(),
        r.message(),
        r.detail(),
        r.hint(),
        r.context(),
        r.statement());
  }

  private static Map<String, Long> kinds(LogCollector c) {
    return c.events.stream()
        .collect(
            Collectors.groupingBy(
                e -> e instanceof ServerEvent se ? se.kind().name() : e.getClass().getSimpleName(),
                Collectors.counting()));
  }

  @Test
  void theWorkloadIsThereWithItsDetails() {
    var c = LogCollector.read(csv);
    var statements = c.events(ExecutedStatement.class);

    var simple = statements.stream().filter(s -> s.phase() == Phase.SIMPLE).toList();
    assertThat(simple)
        .extracting(ExecutedStatement::text)
        .contains(
            "insert into t values (1, 'it''s', 'a, b'), (2, 'Zoë', NULL)",
            "select name\n  from t\n where id = 1\n   and note = 'a, b'",
            "select count(*) from t where name = 'Zoë'");
    assertThat(simple).allSatisfy(s -> assertThat(s.durationMs()).isGreaterThanOrEqualTo(0));
    // the driver's SET application_name, then the seven statements that did not fail
    assertThat(simple.stream().filter(s -> "pgdba-simple".equals(s.origin().application())))
        .hasSize(8);

    var executes =
        statements.stream()
            .filter(s -> s.phase() == Phase.EXECUTE && s.text().startsWith("select * from t"))
            .toList();
    assertThat(executes).hasSize(6);
    assertThat(executes.get(0).text()).isEqualTo("select * from t where name = $1 and note = $2");
    assertThat(executes.get(0).parameters()).containsExactly("'it''s'", "NULL");
    assertThat(executes.get(1).parameters()).containsExactly("'x'', ''y'", "NULL");
    // pgjdbc switches to a named server-side statement after prepareThreshold (5) executions
    assertThat(executes).extracting(ExecutedStatement::preparedName).contains("<unnamed>");
    assertThat(executes.get(5).preparedName()).startsWith("S_");

    var insert =
        statements.stream()
            .filter(s -> s.phase() == Phase.EXECUTE && s.text().startsWith("insert"))
            .findFirst()
            .orElseThrow();
    assertThat(insert.parameters())
        .containsExactly("'3'", "'O''Brien, ''''quoted'''''", "'line1\nline2'");
    assertThat(statements).anyMatch(s -> s.phase() == Phase.PARSE);
    assertThat(statements).anyMatch(s -> s.phase() == Phase.BIND);

    var errors = c.events(LogError.class);
    assertThat(errors)
        .anySatisfy(
            e -> {
              assertThat(e.sqlState()).isEqualTo("42P01");
              assertThat(e.statement()).isEqualTo("select * from missing_table");
            });
    assertThat(errors).anyMatch(e -> "55P03".equals(e.sqlState())); // lock timeout

    var server = c.events(ServerEvent.class);
    assertThat(server).anyMatch(e -> e.kind() == Kind.CHECKPOINT);
    assertThat(server).anyMatch(e -> e.kind() == Kind.TEMP_FILE && e.value() > 0);
    assertThat(server).anyMatch(e -> e.kind() == Kind.LOCK_WAIT && e.value() >= 100);
    long connections = server.stream().filter(e -> e.kind() == Kind.CONNECTION).count();
    assertThat(connections).isGreaterThanOrEqualTo(CONNECTIONS + 1);
    assertThat(server.stream().filter(e -> e.kind() == Kind.DISCONNECTION))
        .hasSize((int) connections)
        .allSatisfy(e -> assertThat(e.value()).isGreaterThan(0));
  }
}
