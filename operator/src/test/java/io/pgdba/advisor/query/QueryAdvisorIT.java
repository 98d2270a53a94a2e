package io.pgdba.advisor.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.WorkloadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The query advisor end to end on PostgreSQL 13 and 17: a log whose queries hold each
 * anti-pattern, and near misses that must be left alone, analysed against a database holding the
 * tables; each rewrite is then run next to its original on the test data to show the same rows.
 */
class QueryAdvisorIT {

  private static final String SCHEMA = """
      create table customers (id int primary key, email text not null, name text not null,
        region text, created_at timestamptz not null, score int);
      create index customers_email_idx on customers (email);
      create index customers_created_idx on customers (created_at);
      create index customers_score_idx on customers (score);
      create index customers_lower_name_idx on customers (lower(name));
      create table orders (id int primary key, customer_id int not null, status text not null,
        total numeric not null, created_at timestamptz not null);
      create index orders_customer_idx on orders (customer_id);
      create table events (id int primary key, customer_id int not null, kind text not null);
      create index events_customer_idx on events (customer_id);
      insert into events select g, g % 20000 + 1, (array['click','view'])[g % 2 + 1]
        from generate_series(1, 200000) g;
      create table coupons (code text, customer_id int);
      create table wide (id int primary key);
      insert into customers select g, 'user' || g || '@example.com', 'Name ' || g,
        (array['north','south','east','west'])[g % 4 + 1],
        timestamptz '2025-01-01' + g * interval '7 minutes', g % 1000
        from generate_series(1, 20000) g;
      insert into orders select g, g % 20000 + 1,
        (array['open','paid','shipped','cancelled','paid'])[g % 5 + 1], g % 500,
        timestamptz '2025-01-01' + g * interval '3 minutes'
        from generate_series(1, 60000) g;
      insert into coupons select 'C' || g, g * 7 from generate_series(1, 500) g;
      create function boom(text) returns text immutable language plpgsql
        as 'begin raise exception ''boom called with %'', $1; end';
      """;

  /** Logged text is attacker-controlled: a folded user function, a stacked statement. */
  static final String HOSTILE_FUNCTION =
      "SELECT id, boom('x') AS b FROM customers WHERE score = 43.0";
  static final String HOSTILE_STACKED =
      "SELECT id FROM customers WHERE id::text = '99'; DROP TABLE coupons";

  /** Detected, but the planner prices the EXISTS form higher: left out, with a warning. */
  static final String PRICED_HIGHER = "SELECT DISTINCT c.id, c.email FROM customers c"
      + " JOIN orders o ON o.customer_id = c.id WHERE c.region = 'south'";

  /** kind -> query; each must be flagged with that kind. */
  static final Map<String, String> FLAGGED = new LinkedHashMap<>();

  /** Near misses: none may be flagged at all. */
  static final List<String> LEFT_ALONE = new ArrayList<>();

  static {
    FLAGGED.put("not-in", "SELECT id, email FROM customers"
        + " WHERE id NOT IN (SELECT customer_id FROM coupons) AND region = 'north'");
    FLAGGED.put("or", "SELECT o.id, c.email FROM orders o JOIN customers c"
        + " ON c.id = o.customer_id WHERE o.id = 42 OR c.email = 'user77@example.com'");
    FLAGGED.put("date", "SELECT id, email FROM customers WHERE date(created_at) = '2025-01-05'");
    FLAGGED.put("cast-date", "SELECT id FROM customers WHERE created_at::date = '2025-01-06'");
    FLAGGED.put("lower", "SELECT id FROM customers WHERE lower(email) = 'user5@example.com'");
    FLAGGED.put("numeric", "SELECT id, email FROM customers WHERE score = 42.0");
    FLAGGED.put("text-cast", "SELECT email FROM customers WHERE id::text = '4242'");
    FLAGGED.put("like", "SELECT id FROM customers WHERE email LIKE '%77@example%'");
    FLAGGED.put("offset", "SELECT id, email FROM customers ORDER BY id LIMIT 20 OFFSET 5000");
    FLAGGED.put("lookup", "SELECT o.id, (SELECT c.email FROM customers c"
        + " WHERE c.id = o.customer_id) AS email FROM orders o"
        + " WHERE o.status = 'open' AND o.total < 50");
    FLAGGED.put("count-per-row", "SELECT c.id, (SELECT count(*) FROM orders o"
        + " WHERE o.customer_id = c.id) AS n FROM customers c WHERE c.region = 'north'");
    FLAGGED.put("exists", "SELECT c.id FROM customers c WHERE c.region = 'east'"
        + " AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) > 0");
    FLAGGED.put("distinct", "SELECT DISTINCT c.id, c.email FROM customers c"
        + " JOIN events e ON e.customer_id = c.id WHERE e.kind = 'click'");
    FLAGGED.put("random", "SELECT id FROM customers ORDER BY random() LIMIT 5");
    FLAGGED.put("wide", "SELECT * FROM wide WHERE id = 3");
    FLAGGED.put("union", "SELECT id, status FROM orders WHERE status = 'open' AND total < 20"
        + " UNION SELECT id, status FROM orders WHERE status = 'cancelled' AND total < 20");
    FLAGGED.put("in-list", "SELECT id FROM customers WHERE id IN ("
        + IntStream.rangeClosed(1, 150).mapToObj(Integer::toString)
            .collect(Collectors.joining(", ")) + ")");

    LEFT_ALONE.add("SELECT id FROM customers WHERE id NOT IN"
        + " (SELECT customer_id FROM orders WHERE status = 'paid')");
    LEFT_ALONE.add("SELECT id FROM customers WHERE id = 7 OR region = 'west'");
    LEFT_ALONE.add("SELECT id FROM orders WHERE date(created_at) = '2025-01-05'");
    LEFT_ALONE.add("SELECT id FROM customers WHERE lower(name) = 'name 5'");
    LEFT_ALONE.add("SELECT id FROM customers WHERE name LIKE 'Name 1%'");
    LEFT_ALONE.add("SELECT id FROM customers ORDER BY id LIMIT 20 OFFSET 40");
    LEFT_ALONE.add("SELECT DISTINCT c.region FROM customers c"
        + " JOIN orders o ON o.customer_id = c.id WHERE o.status = 'open'");
    LEFT_ALONE.add("SELECT * FROM coupons WHERE code = 'C7'");
    LEFT_ALONE.add(PRICED_HIGHER);
    LEFT_ALONE.add("SELECT customer_id FROM orders WHERE status = 'open'"
        + " UNION SELECT customer_id FROM orders WHERE status = 'paid'");
    LEFT_ALONE.add("SELECT id FROM customers WHERE id IN (1, 2, 3, 4, 5)");
    LEFT_ALONE.add("SELECT id FROM customers WHERE score = 42");
  }

  @TempDir static Path dir;
  private static final Map<Integer, Fixture> FIXTURES = new HashMap<>();

  record Fixture(TestPostgres pg, String database, AnalysisReport report) {}

  static synchronized Fixture fixture(int major) throws Exception {
    var existing = FIXTURES.get(major);
    if (existing != null) {
      return existing;
    }
    var pg = TestPostgres.shared(major);
    String db = "query_advisor";
    pg.createDatabase(db);
    try (var c = pg.connect(db); var st = c.createStatement()) {
      st.execute(SCHEMA);
      st.execute("alter table wide " + IntStream.rangeClosed(1, 24)
          .mapToObj(i -> "add column c" + i + " text").collect(Collectors.joining(", ")));
      st.execute("insert into wide select g" + ", md5(g::text)".repeat(24)
          + " from generate_series(1, 200) g");
      st.execute("analyze");
    }
    var lines = new ArrayList<String>();
    int i = 0;
    var all = new ArrayList<String>(FLAGGED.values());
    all.addAll(LEFT_ALONE);
    all.add(HOSTILE_FUNCTION);
    all.add(HOSTILE_STACKED);
    for (String sql : all) {
      for (int k = 0; k < 3; k++) {
        lines.add(String.format(Locale.ROOT,
            "2025-03-01 10:%02d:%02d UTC [%d]: user=app,db=%s,app=web,client=10.0.0.5 LOG:  "
                + "duration: %d.250 ms  statement: %s",
            i / 60, i % 60, 1000 + i, db, 20 + k, sql));
        i++;
      }
    }
    Path log = Files.write(dir.resolve("pg" + major + ".log"), lines);
    var request = new AnalysisRequest(List.of(LogSource.file(log)), LogReaderOptions.auto(),
        WorkloadOptions.defaults(),
        new ConnectionSettings("localhost", pg.port(), db, "postgres", null, "disable", null, 10),
        AdvisorOptions.defaults(), 1000, Map.of(QueryAdvisor.VERIFY_SETTING, "true"));
    var report = new Analyzer().run(request, Analyzer.Progress.NONE);
    if (Boolean.getBoolean("pgdba.debugFindings")) {
      report.findings().forEach(f -> System.out.println("FINDING " + major + " " + f.kind() + " "
          + f.evidence() + "\n  SQL " + f.sql()));
      report.warnings().forEach(w -> System.out.println("WARNING " + major + " " + w));
      System.out.println(io.pgdba.report.TextReport.render(report,
          io.pgdba.report.ReportOptions.defaults()));
    }
    var fixture = new Fixture(pg, db, report);
    FIXTURES.put(major, fixture);
    return fixture;
  }

  private static List<Finding> findingsFor(AnalysisReport report, String sql) {
    return report.findings().stream()
        .filter(f -> f.category() == Category.QUERY && sql.equals(f.evidence().get("original")))
        .toList();
  }

  private static Finding only(AnalysisReport report, String key, String kind) {
    var found = findingsFor(report, FLAGGED.get(key));
    assertThat(found).as(key + ": " + report.findings()).extracting(Finding::kind)
        .contains("query." + kind);
    return found.stream().filter(f -> f.kind().equals("query." + kind)).findFirst().get();
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void eachAntiPatternIsFound(int major) throws Exception {
    var report = fixture(major).report();
    assertThat(only(report, "not-in", "not-in-nullable").sql())
        .contains("NOT EXISTS (SELECT 1 FROM coupons WHERE coupons.customer_id = customers.id)")
        .doesNotContain("NOT IN");
    assertThat(only(report, "or", "or-to-union").sql()).contains("UNION ALL")
        .contains("IS NOT TRUE");
    assertThat(only(report, "date", "function-on-indexed-column").sql())
        .contains("customers.created_at >= CAST('2025-01-05' AS date)");
    assertThat(only(report, "cast-date", "function-on-indexed-column").sql())
        .contains("customers.created_at < CAST('2025-01-06' AS date) + 1");
    var lower = only(report, "lower", "function-on-indexed-column");
    assertThat(lower.sql()).startsWith("CREATE INDEX CONCURRENTLY IF NOT EXISTS")
        .contains("(lower(email))");
    assertThat(lower.rollbackSql()).startsWith("DROP INDEX CONCURRENTLY IF EXISTS");
    assertThat(only(report, "numeric", "function-on-indexed-column").sql())
        .endsWith("WHERE customers.score = 42");
    assertThat(only(report, "text-cast", "function-on-indexed-column").sql())
        .endsWith("WHERE customers.id = 4242");
    assertThat(only(report, "like", "leading-wildcard").sql())
        .contains("USING gin (email gin_trgm_ops)").contains("CREATE EXTENSION IF NOT EXISTS");
    assertThat(only(report, "offset", "large-offset").sql())
        .contains("WHERE customers.id > $1").doesNotContain("OFFSET");
    assertThat(only(report, "lookup", "correlated-subquery").sql())
        .contains("LEFT JOIN public.customers AS c ON c.id = o.customer_id");
    assertThat(only(report, "count-per-row", "correlated-subquery").sql())
        .contains("coalesce(o.n, 0)").contains("GROUP BY customer_id");
    assertThat(only(report, "exists", "count-for-existence").sql())
        .contains("EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)");
    assertThat(only(report, "distinct", "distinct-over-join").sql())
        .doesNotContain("DISTINCT").contains("EXISTS (SELECT 1 FROM events e");
    assertThat(only(report, "random", "order-by-random").sql()).isNull();
    assertThat(only(report, "wide", "select-star-wide").evidence()).containsEntry("columns", 25);
    assertThat(only(report, "union", "union-without-all").sql()).contains("UNION ALL");
    assertThat(only(report, "in-list", "huge-in-list").sql()).contains("id = ANY ($1)");
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void nearMissesAreLeftAlone(int major) throws Exception {
    var report = fixture(major).report();
    for (String sql : LEFT_ALONE) {
      assertThat(findingsFor(report, sql)).as(sql).isEmpty();
    }
    assertThat(report.warnings()).anyMatch(w -> w.startsWith("1 query rewrite(s) left out")
        && w.contains("query.distinct-over-join"));
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void provenRewritesCarryBothCostsAndThePlanChange(int major) throws Exception {
    var report = fixture(major).report();
    for (String key : List.of("or", "date", "numeric", "lookup", "count-per-row", "distinct")) {
      var f = report.findings().stream()
          .filter(x -> FLAGGED.get(key).equals(x.evidence().get("original"))).findFirst().get();
      var e = f.evidence();
      assertThat((Double) e.get("rewriteCost")).as(key + " " + e)
          .isLessThan((Double) e.get("originalCost"));
      assertThat(e.get("rewritePlan")).as(key).isNotEqualTo(e.get("originalPlan"));
    }
    var date = only(report, "date", "function-on-indexed-column").evidence();
    assertThat(date.get("planNodesGone").toString()).contains("Seq Scan on customers");
    assertThat(date.get("planNodesNew").toString()).contains("customers_created_idx");
  }

  /** Every rewrite that claims the same rows returns them, run next to its original here. */
  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void eachRewriteReturnsTheSameRows(int major) throws Exception {
    var fixture = fixture(major);
    int compared = 0;
    try (var c = fixture.pg().connect(fixture.database())) {
      for (var f : fixture.report().findings()) {
        String sql = f.sql();
        var original = (String) f.evidence().get("original");
        if (sql == null || !sql.startsWith("SELECT") || sql.contains("$1")
            || original.equals(HOSTILE_FUNCTION)) {
          continue;
        }
        assertThat(rows(c, sql)).as(f.kind() + ": " + sql).isEqualTo(rows(c, original));
        assertThat(f.evidence().get("verifiedRows").toString()).as(f.kind())
            .startsWith("same ");
        compared++;
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(10);
    assertThat(fixture.report().warnings()).anyMatch(w -> w.startsWith("--verify-rewrites ran ")
        && w.endsWith(" 0 did not"));
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void hostileLoggedTextNeverRunsOnTheTarget(int major) throws Exception {
    var fixture = fixture(major);
    var report = fixture.report();
    var folded = findingsFor(report, HOSTILE_FUNCTION);
    assertThat(folded).extracting(Finding::kind)
        .containsExactly("query.function-on-indexed-column");
    assertThat(folded.get(0).evidence().get("planComparison").toString())
        .contains("not run").contains("boom").contains("user-defined");
    assertThat(folded.get(0).evidence().get("verifiedRows").toString()).startsWith("not run");
    assertThat(report.findings().toString() + report.warnings()).doesNotContain("boom called");
    assertThat(findingsFor(report, HOSTILE_STACKED)).isEmpty();
    try (var c = fixture.pg().connect(fixture.database()); var st = c.createStatement();
        var rs = st.executeQuery("select count(*) from coupons")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(500);
    }
  }

  private static Map<List<String>, Integer> rows(java.sql.Connection c, String sql)
      throws SQLException {
    var rows = new ArrayList<List<String>>();
    try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        var row = new ArrayList<String>();
        for (int k = 1; k <= n; k++) {
          row.add(rs.getString(k));
        }
        rows.add(row);
      }
    }
    assertThat(rows).as(sql).isNotEmpty();
    return QueryAdvisor.multiset(rows);
  }
}
