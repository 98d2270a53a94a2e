package io.pgdba.advisor.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.cli.AnalyzeCommandIT;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.SessionTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The patterns only a log's order of statements shows, from the log a real PostgreSQL writes
 * ({@code log_min_duration_statement = 0}, sessions in {@code log_line_prefix}) while an
 * application runs them through pgjdbc, read by the real CLI against the same database: an N+1
 * loop, a chatty transaction, a query repeated with identical parameters and a prepared statement
 * over a skewed column; and their near misses, which must not be flagged.
 */
class SessionPatternsIT {

  static final String PREFIX = "%m [%p] %c %x %u@%d ";

  private static final String SCHEMA = """
      create table posts (id int primary key, title text not null);
      insert into posts select g, 'post ' || g from generate_series(1, 200) g;
      create table comments (id int primary key, post_id int not null, body text not null);
      insert into comments select g, g % 200 + 1, 'comment ' || g from generate_series(1, 4000) g;
      create index comments_post_idx on comments (post_id);
      create table settings (key text primary key, value text not null);
      insert into settings values ('currency', 'EUR'), ('locale', 'fr');
      create table items (id int primary key, price numeric not null, stock int not null);
      insert into items select g, g, 1000 from generate_series(1, 100) g;
      create table orders (id int primary key);
      create table order_items (order_id int not null, item_id int not null);
      create table audit (msg text not null);
      create table tasks (id int primary key, status text not null, payload text);
      insert into tasks select g, case when g > 59900 then 'pending'
        else 'done-' || (g % 2) end, 'x' from generate_series(1, 60000) g;
      create index tasks_pending_idx on tasks (id) where status = 'pending';
      analyze;
      """;

  /**
   * The skewed statement of a queue table: a generic plan for "any status" (a third of the table)
   * cannot use the partial index of the 100 pending tasks and scans the table whole.
   */
  static final String SKEWED = "select id, payload from tasks where status = ?";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void findsTheLogOnlyPatternsAndLeavesTheNearMissesAlone(int major) throws Exception {
    try (var pg = TestPostgres.start(major, Map.of(
        "logging_collector", "on",
        "log_destination", "stderr",
        "log_min_duration_statement", "0",
        "log_line_prefix", "'" + PREFIX + "'",
        "lc_messages", "C"))) {
      pg.createDatabase("shop");
      try (var c = pg.connect("shop"); var st = c.createStatement()) {
        st.execute(SCHEMA);
      }
      // Near miss: the same query with the same value, but each run seconds after the last.
      var farApart = new Thread(() -> {
        try (var c = connect(pg)) {
          for (int i = 0; i < 5; i++) {
            try (var st = c.createStatement()) {
              st.executeQuery("select value from settings where key = 'locale'").close();
            }
            Thread.sleep(2_300);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      farApart.start();
      try (var app = connect(pg)) {
        nPlusOne(app);
        differentQueries(app);
        chatty(app);
        chatty(app);
        repeated(app);
        skewed(app);
        prepared(app, "select title from posts where id = ?",
            List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
      }
      farApart.join();
      try (var c = pg.connect("shop"); var st = c.createStatement()) {
        st.execute("select 'workload-done'");
      }
      Path log = awaitLog(pg, "workload-done");
      var copy = Files.copy(log, pg.dataDirectory().getParent()
          .resolve("session-patterns-pg" + major + "-" + System.nanoTime() + ".log"));

      var run = AnalyzeCommandIT.pgdba("analyze", "--log", copy.toString(),
          "--log-line-prefix", PREFIX, "--db",
          "postgresql://postgres:postgres@127.0.0.1:" + pg.port() + "/shop", "--output", "json");
      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode json = run.json();
      Files.writeString(Path.of("target", "SessionPatternsIT-pg" + major + ".json"), run.out());
      var findings = new ArrayList<JsonNode>();
      json.get("findings").forEach(findings::add);
      String dump = json.get("findings").toPrettyString() + json.get("warnings");

      var loops = ofKind(findings, "query.n-plus-one");
      assertThat(loops).as(dump).hasSize(1);
      var loop = loops.get(0);
      assertThat(loop.at("/evidence/query").asText())
          .isEqualTo("select id, body from comments where post_id = $1");
      assertThat(loop.at("/evidence/maxPerLoop").asLong()).isEqualTo(50);
      assertThat(loop.at("/evidence/loopsInTransactions").asLong()).isEqualTo(1);
      assertThat(loop.at("/evidence/precededByQuery").asText())
          .isEqualTo("select id from posts order by id limit $1");
      assertThat(loop.get("sql").asText())
          .isEqualTo("select id, body from comments where post_id = ANY($1)");
      assertThat(loop.get("severity").asText()).isEqualToIgnoringCase("warning");

      var chatty = ofKind(findings, "query.chatty-transaction");
      assertThat(chatty).as(dump).hasSize(1);
      assertThat(chatty.get(0).at("/evidence/firstQuery").asText())
          .isEqualTo("insert into orders(id) values ($1)");
      assertThat(chatty.get(0).at("/evidence/transactions").asLong()).isEqualTo(2);
      assertThat(chatty.get(0).at("/evidence/maxStatements").asLong()).isEqualTo(31);
      assertThat(chatty.get(0).at("/evidence/queries")).hasSize(6);

      var repeats = ofKind(findings, "query.repeated-identical");
      assertThat(repeats).as(dump).hasSize(1);
      assertThat(repeats.get(0).at("/evidence/query").asText())
          .isEqualTo("select value from settings where key = $1");
      assertThat(repeats.get(0).at("/evidence/repeats").asLong()).isEqualTo(11);
      // the far-apart 'locale' lookups share the fingerprint but none was within the window
      assertThat(repeats.get(0).at("/evidence/calls").asLong()).isEqualTo(12 + 5);

      var generic = ofKind(findings, "query.generic-plan-regression");
      assertThat(generic).as(dump).hasSize(1);
      var g = generic.get(0);
      assertThat(g.at("/evidence/statement").asText())
          .isEqualTo("select id, payload from tasks where status = $1");
      assertThat(g.at("/evidence/cheapestCustomParameters").asText()).isEqualTo("'pending'");
      assertThat(g.at("/evidence/cheapestCustomPlan").asText()).contains("tasks_pending_idx");
      assertThat(g.at("/evidence/genericPlan").asText()).isEqualTo("Seq Scan on tasks");
      assertThat(g.at("/evidence/parameterSetsPlanned").asLong()).isGreaterThanOrEqualTo(2);
      assertThat(g.at("/evidence/ratio").asDouble()).isGreaterThanOrEqualTo(10);
      assertThat(g.get("sql").asText())
          .isEqualTo("ALTER ROLE postgres IN DATABASE shop SET plan_cache_mode ="
              + " force_custom_plan;");
      assertThat(g.get("rollbackSql").asText())
          .isEqualTo("ALTER ROLE postgres IN DATABASE shop RESET plan_cache_mode;");
      // the posts-by-id and comments statements were checked too, and left alone with a reason
      assertThat(json.get("warnings").toString()).contains("1 regress")
          .containsPattern("[1-9][0-9]* fine \\(within 10x of every custom plan");

      // the text report of the same run, kept for the README's sample
      var text = AnalyzeCommandIT.pgdba("analyze", "--log", copy.toString(),
          "--log-line-prefix", PREFIX, "--db",
          "postgresql://postgres:postgres@127.0.0.1:" + pg.port() + "/shop");
      assertThat(text.exit()).as(text.err()).isZero();
      assertThat(text.out()).contains("query.n-plus-one", "query.chatty-transaction",
          "query.repeated-identical", "query.generic-plan-regression");
      Files.writeString(Path.of("target", "SessionPatternsIT-pg" + major + ".txt"), text.out());
    }
  }

  /** The list, then one query per row of it, in one transaction. */
  private static void nPlusOne(Connection app) throws SQLException {
    app.setAutoCommit(false);
    var ids = new ArrayList<Integer>();
    try (var ps = app.prepareStatement("select id from posts order by id limit 50");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    try (var ps = app.prepareStatement("select id, body from comments where post_id = ?")) {
      for (int id : ids) {
        ps.setInt(1, id);
        ps.executeQuery().close();
      }
    }
    app.commit();
  }

  /** Near miss of N+1: twelve queries in a transaction, each a different fingerprint. */
  private static void differentQueries(Connection app) throws SQLException {
    app.setAutoCommit(false);
    String[] columns = {"id", "title", "id, title", "title, id", "count(*)", "max(id)",
        "min(id)", "max(title)", "min(title)", "count(title)", "sum(id)", "avg(id)"};
    for (String column : columns) {
      try (var ps = app.prepareStatement("select " + column + " from posts where id < ?")) {
        ps.setInt(1, 10);
        ps.executeQuery().close();
      }
    }
    app.commit();
  }

  /** A checkout sent one small statement at a time: 31 round trips in one transaction. */
  private static void chatty(Connection app) throws SQLException {
    app.setAutoCommit(false);
    int order;
    try (var st = app.createStatement();
        var rs = st.executeQuery("select coalesce(max(id), 0) + 1 from orders")) {
      rs.next();
      order = rs.getInt(1);
    }
    app.rollback();
    try (var insert = app.prepareStatement("insert into orders (id) values (?)")) {
      insert.setInt(1, order);
      insert.executeUpdate();
    }
    // other items in each checkout: the same lookup twice within seconds would be a repeat
    for (int item = order * 6 - 5; item <= order * 6; item++) {
      run(app, "select price from items where id = ?", item);
      run(app, "select stock from items where id = ?", item);
      run(app, "update items set stock = stock - 1 where id = ?", item);
      try (var ps = app.prepareStatement(
          "insert into order_items (order_id, item_id) values (?, ?)")) {
        ps.setInt(1, order);
        ps.setInt(2, item);
        ps.executeUpdate();
      }
      try (var ps = app.prepareStatement("insert into audit (msg) values (?)")) {
        ps.setString(1, "order " + order + " item " + item);
        ps.executeUpdate();
      }
    }
    app.commit();
  }

  /** The same lookup with the same value twelve times in a row. */
  private static void repeated(Connection app) throws SQLException {
    app.setAutoCommit(true);
    for (int i = 0; i < 12; i++) {
      try (var st = app.createStatement()) {
        st.executeQuery("select value from settings where key = 'currency'").close();
      }
    }
  }

  /** One prepared statement, each execution its own request (transaction). */
  private static void prepared(Connection app, String sql, List<?> values) throws SQLException {
    app.setAutoCommit(false);
    try (PreparedStatement ps = app.prepareStatement(sql)) {
      for (Object v : values) {
        ps.setObject(1, v);
        ps.executeQuery().close();
        app.commit();
      }
    }
  }

  /**
   * Mostly the common statuses, so that the server soon keeps the generic plan, then the rare
   * one; rounds seconds apart, so that no value repeats within the cache window.
   */
  private static void skewed(Connection app) throws Exception {
    app.setAutoCommit(false);
    try (PreparedStatement ps = app.prepareStatement(SKEWED)) {
      for (int round = 0; round < 6; round++) {
        if (round > 0) {
          Thread.sleep(SessionTracker.REPEAT_WINDOW_MS + 200);
        }
        for (String status : round < 5 ? List.of("done-0", "done-1") : List.of("pending")) {
          ps.setString(1, status);
          ps.executeQuery().close();
          app.commit();
        }
      }
    }
  }

  private static void run(Connection app, String sql, int value) throws SQLException {
    try (var ps = app.prepareStatement(sql)) {
      ps.setInt(1, value);
      ps.execute();
    }
  }

  private static Connection connect(TestPostgres pg) throws SQLException {
    var props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("password", "postgres");
    props.setProperty("ApplicationName", "shop-app");
    return DriverManager.getConnection(pg.jdbcUrl("shop"), props);
  }

  private static List<JsonNode> ofKind(List<JsonNode> findings, String kind) {
    return findings.stream().filter(f -> kind.equals(f.get("kind").asText())).toList();
  }

  private static Path awaitLog(TestPostgres pg, String marker) {
    Path dir = pg.dataDirectory().resolve("log");
    return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> newest(dir), p -> p != null && read(p).contains(marker));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Path newest(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".log")).sorted().reduce((a, b) -> b)
          .orElse(null);
    }
  }
}
