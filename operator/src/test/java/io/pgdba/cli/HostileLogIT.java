package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.testsupport.TestPostgres;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An attacker's log, run through {@code pgdba analyze --log --db} against a real PostgreSQL with
 * {@code log_statement = 'all'}: the server's own log lists every statement pgdba sent, and none
 * of them is anything but a catalog read, SET/SHOW, transaction control or an EXPLAIN of one
 * statement; nothing was written, no session was killed, no program or user function ran.
 *
 * <p>The log itself is what PostgreSQL wrote while the hostile statements really ran (in another
 * database of the same server, where they did create tables and call the function), so pgdba
 * reads exactly the text a server logs. The analysis runs as the least-privilege role the README
 * documents ({@code pg_monitor} and SELECT on the tables), which also proves that role suffices.
 */
class HostileLogIT {

  private static final String PASSWORD = "r3ader-marker-pw";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Texts an attacker can make the server log; each reads {@code orders} to reach EXPLAIN. */
  static List<String> corpus(Path marker) {
    String touch = "COPY (SELECT 1) TO PROGRAM 'touch " + marker + "'";
    return List.of(
        "SELECT id FROM orders WHERE customer_id = 1 --x\r; SET SESSION CHARACTERISTICS AS"
            + " TRANSACTION READ WRITE; COMMIT; CREATE TABLE pwned_cr(x int)",
        "SELECT id FROM orders WHERE customer_id = 2 /* outer /* inner */ still; */ ;"
            + " CREATE TABLE pwned_nested(x int)",
        "SELECT id FROM orders WHERE note = $q$;$q$ ; CREATE TABLE pwned_dollar(x int)",
        "SELECT id AS a$b FROM orders WHERE customer_id = 3; CREATE TABLE pwned_ident$(x int)",
        "SELECT id FROM orders WHERE note = E'\\'; CREATE TABLE pwned_estring(x int); --'",
        "SELECT id FROM orders WHERE note = 'a\\'; CREATE TABLE pwned_std(x int); --'",
        "SELECT id FROM orders WHERE note = U&'\\0041;' ; CREATE TABLE pwned_unicode(x int)",
        "SELECT id FROM orders WHERE customer_id = 12 -- c\n; CREATE TABLE pwned_lf(x int)",
        "SELECT id FROM orders WHERE customer_id = 11;\nSET default_transaction_read_only = off;"
            + " CREATE TABLE pwned_ro(x int)",
        "WITH gone AS (DELETE FROM guard RETURNING x) SELECT id FROM orders"
            + " WHERE customer_id IN (SELECT x FROM gone)",
        "SELECT id FROM orders WHERE customer_id = evil(7)",
        "SELECT id FROM orders WHERE customer_id = public.evil(8)",
        "SELECT id FROM orders WHERE customer_id = \"evil\"(9)",
        "SELECT set_config('default_transaction_read_only', 'off', false), id FROM orders"
            + " WHERE customer_id = 10",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'",
        "SELECT id FROM orders WHERE customer_id = (SELECT pg_terminate_backend(pid)::int"
            + " FROM pg_stat_activity WHERE application_name = 'victim' LIMIT 1)",
        "SELECT id FROM orders WHERE customer_id = 6; " + touch,
        touch,
        "SELECT id FROM orders WHERE customer_id = 5; DELETE FROM guard; DROP TABLE guard");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void nothingButCatalogReadsAndExplainsReachTheTarget(int major) throws Exception {
    Path marker = dir.resolve("program-ran");
    try (var pg = TestPostgres.start(major, Map.of(
        "logging_collector", "on",
        "log_destination", "csvlog",
        "log_statement", "all",
        "log_min_messages", "info",
        "lc_messages", "C"))) {
      setUp(pg);
      // The attacker's statements really run, in database "source": the server logs them. psql
      // sends each -c text as one Query message, so the server logs it whole.
      var texts = new ArrayList<String>();
      for (int round = 0; round < 2; round++) {
        texts.addAll(corpus(marker));
        for (int i = 0; i < 5; i++) {
          texts.add("SELECT * FROM orders WHERE customer_id = " + (40 + i));
        }
      }
      texts.add("SELECT 'source-done'");
      psql(pg, "source", texts);
      Path csv = awaitLog(pg, "source-done");
      Path workload = Files.copy(csv, dir.resolve("workload-pg" + major + ".csv"));
      assertThat(Files.readString(workload)).contains("pwned_cr").contains("\r");
      Files.deleteIfExists(marker);

      try (var victim = connect(pg, "shop", "postgres", "postgres", "victim")) {
        long relationsBefore = count(pg, "SELECT count(*) FROM pg_class");
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(
            "analyze", "--log", workload.toString(), "--db",
            "postgresql://pgdba_reader:" + PASSWORD + "@127.0.0.1:" + pg.port() + "/shop",
            "--output", "json");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString() + err).doesNotContain(PASSWORD);
        try (var st = pg.connect("shop").createStatement()) {
          st.execute("SELECT 'pgdba-done'");
        }
        var sent = statementsOf(awaitLog(pg, "pgdba-done"), "shop", "pgdba");
        assertThat(sent).as("pgdba's statements in the server log").isNotEmpty();
        assertThat(sent).allSatisfy(HostileLogIT::isAllowed);
        assertThat(sent).anyMatch(s -> s.startsWith("EXPLAIN (FORMAT JSON) SELECT"));
        // Nothing ran: no table, no delete, no killed session, no program, no user function.
        assertThat(count(pg, "SELECT count(*) FROM pg_class")).isEqualTo(relationsBefore);
        assertThat(count(pg, "SELECT count(*) FROM guard")).isEqualTo(1);
        assertThat(victim.isValid(5)).isTrue();
        try (var rs = victim.createStatement().executeQuery("SELECT 1")) {
          assertThat(rs.next()).isTrue();
        }
        assertThat(marker).doesNotExist();
        assertThat(serverLines(awaitLog(pg, "pgdba-done"), "shop"))
            .noneMatch(m -> m.contains("pgdba-evil-called"));

        // The least-privilege role still gets the advice, and every query left has a reason.
        JsonNode report = JSON.readTree(out.toString());
        // The table was loaded and analyzed at once: its inserts are its load, not workload
        // (on PostgreSQL 13 n_live_tup may count them twice; reltuples says what it holds).
        assertThat(report.get("recommendations").toString()).as(report.toString())
            .contains("customer_id");
        assertThat(report.toString()).contains("not built in");
      }
    }
  }

  static void isAllowed(String sql) {
    String s = sql.strip();
    String upper = s.toUpperCase(Locale.ROOT);
    // pgdba may read the guard table (row estimates of every table), never write it
    for (String hostile : List.of("PWNED", "PG_TERMINATE_BACKEND", "PROGRAM", "EVIL", "DELETE FROM GUARD",
        "READ WRITE", "DEFAULT_TRANSACTION_READ_ONLY = OFF")) {
      assertThat(upper).as(s).doesNotContain(hostile);
    }
    // pg-index-health's SQL (the table advisor) opens with its licence comment: the hostile
    // markers were checked on the whole text above, the statement itself is what follows
    s = s.replaceFirst("(?s)^(\\s*(/\\*.*?\\*/|--[^\\n]*\\n))+\\s*", "");
    // a string literal of pgdba's own SQL (string_agg(..., '; ')) is no statement separator
    String body = s.toUpperCase(Locale.ROOT).replaceAll("'(?:[^']|'')*'", "''");
    boolean allowed =
        Pattern.compile("(?s)EXPLAIN \\(FORMAT (JSON|TEXT)\\) (SELECT|WITH|UPDATE|DELETE|INSERT"
            + "|EXECUTE pgdba_explain).*").matcher(s).matches()
        || Pattern.compile("(?s)PREPARE pgdba_explain AS (SELECT|WITH|UPDATE|DELETE|INSERT) .*")
            .matcher(s).matches()
        || s.equals("DEALLOCATE pgdba_explain")
        || s.matches("SET plan_cache_mode = [a-z_]+")
        // what pgjdbc sends for setReadOnly(true) (readOnlyMode=always)
        || s.equals("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        || Pattern.compile("(?is)(SELECT|WITH)\\s.*").matcher(s).matches()
            && !body.contains("INSERT ") && !body.contains("UPDATE ")
            && !body.contains("DELETE ") && !body.contains(";")
        || s.matches("(?i)SHOW [a-z_]+")
        || s.matches("(?i)(BEGIN|COMMIT|ROLLBACK|BEGIN READ ONLY|SAVEPOINT \\w+"
            + "|RELEASE SAVEPOINT \\w+|ROLLBACK TO SAVEPOINT \\w+)");
    assertThat(allowed).as("not a statement pgdba may send: " + s).isTrue();
  }

  private static void setUp(TestPostgres pg) throws SQLException {
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("SET log_statement = 'none'");
      st.execute("CREATE DATABASE shop");
      st.execute("CREATE DATABASE source");
      // The role the README documents, statement for statement: no superuser, no write grant.
      st.execute("CREATE ROLE pgdba_reader LOGIN PASSWORD '" + PASSWORD + "'");
      st.execute("GRANT pg_monitor TO pgdba_reader");
      st.execute("REVOKE CONNECT ON DATABASE shop FROM PUBLIC");
      st.execute("GRANT CONNECT ON DATABASE shop TO pgdba_reader");
    }
    for (String db : List.of("shop", "source")) {
      try (var c = pg.connect(db); var st = c.createStatement()) {
        st.execute("SET log_statement = 'none'");
        st.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL,"
            + " note text)");
        st.execute("INSERT INTO orders SELECT g, g % 5000, 'n' || g"
            + " FROM generate_series(1, 50000) g");
        st.execute("ANALYZE orders");
        st.execute("CREATE TABLE guard (x int)");
        st.execute("INSERT INTO guard VALUES (1)");
        // A side effect the planner would show in the server log if it ever evaluated it.
        st.execute("CREATE FUNCTION evil(int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS"
            + " $$BEGIN RAISE LOG 'pgdba-evil-called %', $1; RETURN $1; END$$");
        st.execute("GRANT USAGE ON SCHEMA public TO pgdba_reader");
        st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgdba_reader");
        st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO"
            + " pgdba_reader");
      }
    }
  }

  private static Connection connect(TestPostgres pg, String db, String user, String password,
      String application) throws SQLException {
    var p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("ApplicationName", application);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + db, p);
  }

  private static void psql(TestPostgres pg, String db, List<String> texts) throws Exception {
    var cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-h", "127.0.0.1", "-p",
        Integer.toString(pg.port()), "-U", "postgres", "-d", db));
    for (String t : texts) {
      cmd.add("-c");
      cmd.add(t);
    }
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PGPASSWORD", "postgres");
    pb.environment().put("PGAPPNAME", "workload");
    pb.environment().put("PGOPTIONS", "-c log_statement=none -c log_min_duration_statement=0");
    var process = pb.start();
    assertThat(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  private static long count(TestPostgres pg, String sql) throws SQLException {
    try (var c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("SET log_statement = 'none'");
      try (var rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The csvlog file once it holds {@code marker} (the collector writes asynchronously). */
  static Path awaitLog(TestPostgres pg, String marker) {
    Path logDir = pg.dataDirectory().resolve("log");
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> csvFile(logDir), p -> p != null && read(p).contains(marker));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Path csvFile(Path logDir) throws Exception {
    if (!Files.isDirectory(logDir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(logDir)) {
      return files.filter(f -> f.toString().endsWith(".csv")).sorted().reduce((a, b) -> b)
          .orElse(null);
    }
  }

  private static List<CSVRecord> records(Path csv) throws Exception {
    try (Reader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      return CSVFormat.DEFAULT.parse(in).getRecords();
    }
  }

  /** Statement texts the server logged for one application in one database. */
  static List<String> statementsOf(Path csv, String db, String application) throws Exception {
    var out = new ArrayList<String>();
    var prefix = Pattern.compile("(?s)(statement|execute [^:]+|parse [^:]+): (.*)");
    for (var r : records(csv)) {
      if (r.size() > 22 && db.equals(r.get(2)) && application.equals(r.get(22))
          && "LOG".equals(r.get(11))) {
        var m = prefix.matcher(r.get(13));
        if (m.matches()) {
          out.add(m.group(2));
        }
      }
    }
    return out;
  }

  private static List<String> serverLines(Path csv, String db) throws Exception {
    return records(csv).stream().filter(r -> r.size() > 13 && db.equals(r.get(2)))
        .map(r -> r.get(13)).toList();
  }
}
