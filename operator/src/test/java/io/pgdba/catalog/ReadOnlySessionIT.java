package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.catalog.TargetConnectionException.Reason;
import io.pgdba.testsupport.TestPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Analysis sessions on PostgreSQL 13 and 17: writes fail, limits are set, errors are one line. */
class ReadOnlySessionIT {

  // Distinctive so that a leak anywhere in a message would be found.
  private static final String PASSWORD = "Zq9-distinctive-S3cret";
  private static final Map<Integer, TestPostgres> SERVERS = new HashMap<>();

  private static synchronized TestPostgres server(int major) throws Exception {
    if (SERVERS.containsKey(major)) {
      return SERVERS.get(major);
    }
    var pg = TestPostgres.start(major, Map.of());
    SERVERS.put(major, pg);
    try (Connection c = pg.connect("postgres")) {
      c.createStatement().execute("create role app login password '" + PASSWORD + "'");
      c.createStatement().execute("create database shop owner app");
      c.createStatement().execute("create table public.secret (x int)");
    }
    try (Connection c = pg.connect("shop")) {
      c.createStatement()
          .execute("create table public.t (id int) ; alter table public.t owner to app;");
    }
    // Passwords are checked for everyone but the superuser the test support connects as.
    Files.writeString(
        pg.dataDirectory().resolve("pg_hba.conf"),
        String.join(
            "\n",
            "host all postgres 127.0.0.1/32 trust",
            "host all postgres ::1/128 trust",
            "host all all 127.0.0.1/32 md5",
            "host all all ::1/128 md5",
            ""));
    try (Connection c = pg.connect("postgres")) {
      c.createStatement().execute("select pg_reload_conf()");
    }
    return pg;
  }

  private static ConnectionSettings app(TestPostgres pg, String db, String password) {
    return new ConnectionSettings("localhost", pg.port(), db, "app", password, "disable", null, 5);
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestPostgres::close);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void writesFailThroughTheSessionButNotThroughAPlainConnection(int major) throws Exception {
    var pg = server(major);
    var target = app(pg, "shop", PASSWORD);
    // The same user can write through an ordinary connection: what fails below is the session.
    try (Connection plain =
        DriverManager.getConnection(ReadOnlySession.url(target), "app", PASSWORD)) {
      plain.createStatement().execute("insert into public.t values (1)");
    }
    try (Connection c = ReadOnlySession.open(target, SessionOptions.defaults())) {
      for (String write :
          new String[] {
            "insert into public.t values (2)",
            "create table public.u (id int)",
            "create index t_id on public.t (id)",
            "begin; insert into public.t values (3)"
          }) {
        assertThatThrownBy(() -> c.createStatement().execute(write))
            .as(write)
            .isInstanceOf(SQLException.class)
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("25006");
        if (!c.getAutoCommit()) {
          c.rollback();
        }
        c.createStatement().execute("rollback");
      }
      // Reads still work, and an explicit transaction is read-only as well.
      c.setAutoCommit(false);
      var rs = c.createStatement().executeQuery("select count(*), current_setting('transaction_read_only') from public.t");
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(1);
      assertThat(rs.getString(2)).isEqualTo("on");
      c.rollback();
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void timeoutsAndApplicationNameAreSet(int major) throws Exception {
    var pg = server(major);
    var options =
        SessionOptions.defaults()
            .withStatementTimeout(Duration.ofMillis(300))
            .withLockTimeout(Duration.ofMillis(1500));
    try (Connection c = ReadOnlySession.open(app(pg, "shop", PASSWORD), options)) {
      var rs =
          c.createStatement()
              .executeQuery(
                  "select current_setting('statement_timeout'), current_setting('lock_timeout'),"
                      + " current_setting('application_name'),"
                      + " current_setting('default_transaction_read_only')");
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("300ms");
      assertThat(rs.getString(2)).isEqualTo("1500ms");
      assertThat(rs.getString(3)).isEqualTo("pgdba");
      assertThat(rs.getString(4)).isEqualTo("on");
      var target = app(pg, "shop", PASSWORD);
      assertThatThrownBy(() -> c.createStatement().execute("select pg_sleep(5)"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                var t = TargetConnectionException.from(e, target);
                assertThat(t.reason()).isEqualTo(Reason.TIMEOUT);
                assertThat(t.getMessage())
                    .startsWith("statement timeout on localhost:" + pg.port() + ": ");
              });
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void wrongPasswordIsAnAuthenticationFailureWithoutThePassword(int major) throws Exception {
    var pg = server(major);
    String wrong = PASSWORD + "-wrong";
    var target = app(pg, "shop", wrong);
    assertThatThrownBy(() -> ReadOnlySession.open(target, SessionOptions.defaults()))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
              assertThat(e.getMessage()).isEqualTo("authentication failed for user \"app\"");
              assertThat(e.sqlState()).isEqualTo("28P01");
              assertNoPassword(e, wrong);
            });
    assertThat(target.toString()).doesNotContain(wrong);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void missingDatabaseAndMissingPrivilege(int major) throws Exception {
    var pg = server(major);
    assertThatThrownBy(() -> ReadOnlySession.open(app(pg, "nope", PASSWORD)))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.DATABASE_MISSING);
              assertThat(e.getMessage())
                  .isEqualTo("database \"nope\" does not exist on localhost:" + pg.port());
              assertNoPassword(e, PASSWORD);
            });
    var target = app(pg, "postgres", PASSWORD);
    try (Connection c = ReadOnlySession.open(target)) {
      assertThatThrownBy(() -> c.createStatement().executeQuery("select * from public.secret"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                var t = TargetConnectionException.from(e, target);
                assertThat(t.reason()).isEqualTo(Reason.PRIVILEGE_MISSING);
                assertThat(t.getMessage())
                    .isEqualTo(
                        "missing privilege for user \"app\" on localhost:"
                            + pg.port()
                            + ": permission denied for table secret");
              });
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void closedPortIsUnreachableAndSslIsReported(int major) throws Exception {
    var pg = server(major);
    int closed;
    try (var s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    var target =
        new ConnectionSettings("127.0.0.1", closed, "shop", "app", PASSWORD, "disable", null, 2);
    assertThatThrownBy(() -> ReadOnlySession.open(target))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.UNREACHABLE);
              assertThat(e.getMessage())
                  .isEqualTo("cannot connect to 127.0.0.1:" + closed + ": connection refused");
            });
    // The embedded server has no TLS: requiring it is an SSL error, not "unreachable".
    var tls = new ConnectionSettings("localhost", pg.port(), "shop", "app", PASSWORD, "require",
        null, 5);
    assertThatThrownBy(() -> ReadOnlySession.open(tls))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.SSL);
              assertThat(e.getMessage())
                  .startsWith("cannot connect to localhost:" + pg.port() + " with sslmode=require: ");
              assertNoPassword(e, PASSWORD);
            });
  }

  private static void assertNoPassword(Throwable e, String password) {
    assertThat(e.toString()).doesNotContain(password);
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(password);
    }
  }
}
