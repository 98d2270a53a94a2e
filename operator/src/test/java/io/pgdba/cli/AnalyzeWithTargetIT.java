package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pgdba analyze --db}: the jar against a real PostgreSQL 17 (no HypoPG there, so the
 * advisor's cost model answers) holding a 50,000-row table without an index on the column the
 * logged query filters on.
 */
class AnalyzeWithTargetIT {

  private static final String SECRET = "Sup3r-s3cret";

  @TempDir static Path dir;
  static TestPostgres pg;
  static Path log;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start(Map.of(
        "shared_preload_libraries", "pg_stat_statements", "pg_stat_statements.track", "top"));
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("create database shop");
      st.execute("create role reader login password '" + SECRET + "'");
      st.execute("grant pg_read_all_stats to reader");
    }
    try (var c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("create extension pg_stat_statements");
      st.execute("create table orders (id int primary key, customer int not null,"
          + " status text not null, total numeric not null)");
      st.execute("insert into orders select g, g % 5000, case when g % 10 = 0 then 'pending'"
          + " else 'done' end, g % 997 from generate_series(1, 50000) g");
      st.execute("analyze orders");
      st.execute("grant select on orders to reader");
      st.execute("select pg_stat_statements_reset()");
      for (int i = 0; i < 40; i++) {
        st.executeQuery("select * from orders where customer = " + i).close();
      }
    }
    var lines = new ArrayList<String>();
    for (int i = 0; i < 40; i++) {
      lines.add(String.format(java.util.Locale.ROOT,
          "2025-03-01 10:00:%02d UTC [1001]: user=app,db=shop,app=web,client=10.0.0.5 LOG:  "
              + "duration: %d.250 ms  statement: SELECT * FROM orders WHERE customer = %d",
          i, 5 + i % 7, i * 13));
    }
    log = Files.write(dir.resolve("shop.log"), lines);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static String uri(int port, String db) {
    return "postgresql://reader:" + SECRET + "@127.0.0.1:" + port + "/" + db;
  }

  @Test
  void logsPlusTargetGiveIndexAdvice() throws Exception {
    var run = AnalyzeCommandIT.pgdba("analyze", "--log", log.toString(), "--db",
        uri(pg.port(), "shop"), "--output", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(SECRET);
    var json = run.json();
    assertThat(json.at("/summary/statements").asLong()).isEqualTo(40);
    var recs = json.get("recommendations");
    assertThat(recs).as(json.toString()).isNotEmpty();
    var onCustomer = StreamSupport.stream(recs.spliterator(), false)
        .filter(r -> r.get("table").asText().equals("orders")
            && r.get("columns").toString().contains("customer"))
        .findFirst();
    assertThat(onCustomer).as(recs.toString()).isPresent();
    var rec = onCustomer.get();
    assertThat(rec.get("ddl").asText()).startsWith("CREATE INDEX CONCURRENTLY");
    assertThat(rec.get("rollbackDdl").asText()).startsWith("DROP INDEX");
    assertThat(rec.get("estimateMethod").asText()).isEqualTo("model");
    assertThat(rec.get("estimatedImprovementPercent").asDouble()).isGreaterThan(20);
    assertThat(json.get("warnings").toString()).contains("HypoPG is not installed");
  }

  @Test
  void sqlOutputIsTheDdlAndItsRollback() throws Exception {
    var run = AnalyzeCommandIT.pgdba("analyze", "--log", log.toString(), "--db",
        uri(pg.port(), "shop"), "--output", "sql");
    assertThat(run.exit()).as(run.err()).isZero();
    var statements = run.out().lines().filter(l -> !l.isBlank() && !l.startsWith("--")).toList();
    assertThat(statements).anyMatch(l -> l.startsWith("CREATE INDEX CONCURRENTLY")
        && l.contains("customer") && l.endsWith(";"));
    // The rollback is there, commented out: running the file must not undo the build.
    assertThat(statements).noneMatch(l -> l.startsWith("DROP INDEX"));
    assertThat(run.out().lines()).anyMatch(l -> l.startsWith("-- DROP INDEX") && l.endsWith(";"));
    assertThat(run.out().indexOf("CREATE INDEX")).isLessThan(run.out().indexOf("DROP INDEX"));
  }

  @Test
  void withoutLogsTheWorkloadComesFromPgStatStatements() throws Exception {
    var run = AnalyzeCommandIT.pgdba("analyze", "--db", uri(pg.port(), "shop"), "--output",
        "json");
    assertThat(run.exit()).as(run.err()).isZero();
    var json = run.json();
    assertThat(json.get("sources")).isEmpty();
    var orders = StreamSupport.stream(json.get("queries").spliterator(), false)
        .filter(q -> q.get("query").asText().contains("where customer = $1"))
        .findFirst();
    assertThat(orders).as(json.get("queries").toString()).isPresent();
    assertThat(orders.get().get("calls").asLong()).isEqualTo(40);
    assertThat(json.get("warnings").toString()).contains("pg_stat_statements");
  }

  @Test
  void anUnreachableTargetIsOneLineWithoutThePassword() throws Exception {
    var run = AnalyzeCommandIT.pgdba("analyze", "--log", log.toString(), "--db",
        uri(1, "shop"));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).startsWith("pgdba: ").contains("127.0.0.1:1").doesNotContain(SECRET);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMissingDatabaseIsOneLine() throws Exception {
    var run = AnalyzeCommandIT.pgdba("analyze", "--log", log.toString(), "--db",
        uri(pg.port(), "nosuchdb"));
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).contains("nosuchdb").doesNotContain(SECRET);
  }
}
