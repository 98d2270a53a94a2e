package io.pgdba.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.cli.AnalyzeCommandIT;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A sequence of real analyses kept in real history stores: a real PostgreSQL runs a workload and
 * logs it, each phase's log is analysed by the pgdba jar with {@code --history}. Three steady
 * runs, then the table grows ten-fold (the query gets slower: a regression, a deviation from
 * the baseline kept at the first run), then an index is created (the query gets faster: a trend,
 * and the index's effect measured from the stored series).
 */
class HistoryIT {

  private static final String SECRET = "h1st0ry-Secret";

  @TempDir static Path dir;
  static TestPostgres pg;
  static long offset;
  static int phase;
  static Instant indexCreatedAt;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start(Map.ofEntries(
        Map.entry("logging_collector", "on"),
        Map.entry("lc_messages", "C"),
        Map.entry("log_directory", "log"),
        Map.entry("log_filename", "postgresql.log"),
        Map.entry("log_min_duration_statement", "0"),
        Map.entry("log_line_prefix", "'%m [%p] %q%u@%d/%a '")));
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("set log_min_duration_statement = -1");
      st.execute("create database shop");
      st.execute("create database history");
      st.execute("create role keeper login password '" + SECRET + "'");
      st.execute("alter database history owner to keeper");
    }
    try (var c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("set log_min_duration_statement = -1");
      st.execute("create table orders (id int primary key, customer int not null,"
          + " total numeric not null)");
      st.execute("insert into orders select g, g % 2000, g % 997"
          + " from generate_series(1, 100000) g");
      // Hint bits set and pages warm before the first measured run: else its first calls do
      // that work, and a spread the table's growth must stand out from widens by it.
      st.execute("vacuum (freeze, analyze) orders");
      for (int i = 0; i < 30; i++) {
        st.execute("select * from orders where customer = " + i);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** Runs the workload once and returns the log lines it wrote, as a file of their own. */
  static Path workload() throws Exception {
    phase++;
    try (Connection c = pg.connect("shop")) {
      try (var ps = c.prepareStatement("select * from orders where customer = ?")) {
        for (int i = 0; i < 30; i++) {
          ps.setInt(1, i * 7);
          ps.executeQuery().close();
        }
      }
      try (var ps = c.prepareStatement("select total from orders where id = ?")) {
        for (int i = 0; i < 100; i++) {
          ps.setInt(1, 1 + i * 13);
          ps.executeQuery().close();
        }
      }
      c.createStatement().execute("select 'phase-" + phase + "-end'");
    }
    Path log = pg.dataDirectory().resolve("log").resolve("postgresql.log");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> Files.readString(log).contains("phase-" + phase + "-end"));
    byte[] all = Files.readAllBytes(log);
    var slice = dir.resolve("phase-" + phase + ".log");
    Files.write(slice, Arrays.copyOfRange(all, (int) offset, all.length));
    offset = all.length;
    return slice;
  }

  /**
   * Runs {@code statements} on shop in one session with temp files logged and work_mem tiny, and
   * returns the log lines they wrote (the same slicing as {@link #workload()}).
   */
  static Path spilling(String name, String... statements) throws Exception {
    try (var c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("set log_temp_files = 0");
      st.execute("set work_mem = '64kB'");
      for (var s : statements) {
        st.execute(s);
      }
      st.execute("select '" + name + "-end'");
    }
    Path log = pg.dataDirectory().resolve("log").resolve("postgresql.log");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> Files.readString(log).contains(name + "-end"));
    byte[] all = Files.readAllBytes(log);
    var slice = dir.resolve(name + ".log");
    Files.write(slice, Arrays.copyOfRange(all, (int) offset, all.length));
    offset = all.length;
    return slice;
  }

  /**
   * A real PostgreSQL's temporary file lines, grouped by their STATEMENT, are stored per query;
   * the run where the query's sort outgrew work_mem says so.
   */
  @Test
  void aQueryWhoseSortStartedSpillingIsATempFilesRegression() throws Exception {
    var store = dir.resolve("temp-store").toString();
    var sort = "select count(*) from (select g from generate_series(1, %d) g order by g desc"
        + " offset 0) s";
    var small = spilling("temp-small", sort.formatted(500), sort.formatted(700));
    var big = spilling("temp-big", sort.formatted(1_000_000), sort.formatted(1_200_000));
    var args = List.of("analyze", "--history", store, "--history-name", "temp", "--output",
        "json", "--log");
    var first = AnalyzeCommandIT.pgdba(
        java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of(small.toString()))
            .toArray(String[]::new));
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.json().get("regressions")).isEmpty();
    var second = AnalyzeCommandIT.pgdba(
        java.util.stream.Stream.concat(args.stream(), java.util.stream.Stream.of(big.toString()))
            .toArray(String[]::new));
    assertThat(second.exit()).as(second.err()).isZero();
    var report = second.json();
    var fp = fingerprint(report, "select count(*) from (select g from generate_series");
    var logged = StreamSupport.stream(report.at("/log/tempFiles").spliterator(), false)
        .filter(t -> t.get("fingerprint").asText().equals(fp)).findFirst().orElseThrow(
            () -> new AssertionError("the log's temp files are not grouped under " + fp));
    assertThat(logged.get("totalBytes").asLong()).isGreaterThan(16L * 1024 * 1024);
    assertThat(regressions(report, "temp-files", fp)).singleElement().satisfies(r -> {
      assertThat(r.get("metric").asText()).isEqualTo("tempBytesPerCall");
      assertThat(r.get("before").asDouble()).isZero();
      assertThat(r.get("after").asDouble() * 2).isEqualTo(logged.get("totalBytes").asDouble());
    });
    try (var db = HistoryDatabase.open(store, null)) {
      var points = HistoryStore.open(db.dataSource())
          .series("temp", Instant.EPOCH, Instant.now().plusSeconds(3600)).get(fp);
      assertThat(points).hasSize(2);
      assertThat(points.get(0).tempFiles()).isZero();
      assertThat(points.get(0).tempBytes()).isZero();
      assertThat(points.get(1).tempFiles()).isEqualTo(logged.get("count").asLong());
      assertThat(points.get(1).tempBytes()).isEqualTo(logged.get("totalBytes").asLong());
    }
  }

  static void onShop(String... statements) throws Exception {
    try (var c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("set log_min_duration_statement = -1");
      for (var s : statements) {
        st.execute(s);
      }
    }
  }

  static JsonNode analyze(Path log, String history, String... more) throws Exception {
    var args = new ArrayList<>(List.of("analyze", "--log", log.toString(), "--history", history,
        "--history-name", "shop", "--output", "json"));
    args.addAll(List.of(more));
    var run = AnalyzeCommandIT.pgdba(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(SECRET);
    return run.json();
  }

  static String fingerprint(JsonNode report, String queryStart) {
    return StreamSupport.stream(report.get("queries").spliterator(), false)
        .filter(q -> q.get("query").asText().toLowerCase().startsWith(queryStart))
        .findFirst().orElseThrow().get("fingerprint").asText();
  }

  static List<JsonNode> regressions(JsonNode report, String kind, String fingerprint) {
    return StreamSupport.stream(report.get("regressions").spliterator(), false)
        .filter(r -> r.get("kind").asText().equals(kind)
            && r.get("fingerprint").asText().equals(fingerprint))
        .toList();
  }

  @Test
  void aSequenceOfRealAnalysesShowsTheRegressionTheBaselineAndTheIndexsEffect() throws Exception {
    var store = dir.resolve("store").toString();
    var remote = "postgresql://keeper:" + SECRET + "@127.0.0.1:" + pg.port() + "/history";

    var first = analyze(workload(), store, "--save-baseline", "before-growth");
    var byCustomer = fingerprint(first, "select * from orders where customer");
    assertThat(first.at("/history/priorRuns").asInt()).isZero();
    assertThat(first.get("regressions")).isEmpty();
    analyze(workload(), store);
    var third = analyze(workload(), store);
    assertThat(third.at("/history/priorRuns").asInt()).isEqualTo(2);

    // ten-fold, so that the change stands out from a busy machine's noise between runs (five-fold
    // was once judged within it when the tests ran beside another fork); the new rows are new
    // customers', so that the queried ones keep their 50 rows and the index makes the query far
    // faster than before the growth: the trend's split weighs the slow run among the earlier ones
    onShop("insert into orders select g, 2000 + g % 8000, g % 997"
        + " from generate_series(100001, 1000000) g", "vacuum (freeze, analyze) orders");
    var grown = analyze(workload(), store, "--baseline", "before-growth",
        "--target", "~from orders where customer:mean<=0.001");
    assertThat(grown.at("/history/priorRuns").asInt()).isEqualTo(3);
    assertThat(regressions(grown, "level", byCustomer))
        .as("level regressions of %s among %s", byCustomer, grown.get("regressions"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.get("changePercent").asDouble()).isGreaterThan(100));
    assertThat(regressions(grown, "baseline-deviation", byCustomer)).isNotEmpty();
    assertThat(regressions(grown, "target-exceeded", byCustomer)).singleElement()
        .satisfies(r -> assertThat(r.get("before").asDouble()).isEqualTo(0.001));

    onShop("create index orders_customer on orders (customer)", "analyze orders");
    indexCreatedAt = Instant.now();
    JsonNode last = null;
    for (int i = 0; i < 3; i++) {
      last = analyze(workload(), store);
    }
    var trend = StreamSupport.stream(last.get("trends").spliterator(), false)
        .filter(t -> t.get("fingerprint").asText().equals(byCustomer)).findFirst()
        .orElseThrow(() -> new AssertionError("no trend for the indexed query"));
    assertThat(trend.get("direction").asText()).isEqualTo("faster");
    assertThat(trend.get("changePercent").asDouble()).isLessThan(-50);
    assertThat(Instant.parse(trend.get("since").asText())).isAfter(indexCreatedAt);

    // the index's effect, measured from the series the CLI kept in the directory
    try (var db = HistoryDatabase.open(store, null)) {
      var series = HistoryStore.open(db.dataSource())
          .series("shop", Instant.EPOCH, Instant.now().plusSeconds(60));
      assertThat(series.get(byCustomer)).hasSize(phase);
      var effect = Effect.measure(series, List.of(byCustomer), indexCreatedAt);
      assertThat(effect.outcome()).isEqualTo("improved");
      assertThat(effect.summary()).matches("mean [0-9.,]+ ms → [0-9.,]+ ms over 90 calls");
      assertThat(effect.meanAfterMs()).isLessThan(effect.meanBeforeMs() / 5);
    }

    // a store in a database the user names: the first run creates the schema, the next compares
    assertThat(analyze(dir.resolve("phase-1.log"), remote).at("/history/priorRuns").asInt())
        .isZero();
    var remoteGrown = analyze(dir.resolve("phase-4.log"), remote);
    assertThat(remoteGrown.at("/history/priorRuns").asInt()).isEqualTo(1);
    assertThat(regressions(remoteGrown, "level", byCustomer)).isNotEmpty();
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("history"));
    ds.setUser("keeper");
    ds.setPassword(SECRET);
    assertThat(HistoryStore.open(ds).series("shop", Instant.EPOCH, Instant.now().plusSeconds(60))
        .get(byCustomer)).hasSize(2);
  }

  @Test
  void retentionDeletesOldRunsAndTheTextsNoRunNeeds() throws Exception {
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("postgres"));
    ds.setUser("postgres");
    var store = HistoryStore.open(ds);
    HistoryStore.open(ds); // migrating twice is a no-op
    var now = Instant.parse("2026-11-30T12:00:00Z");
    store.record(run("retention", now.minus(Duration.ofDays(500))), workload("old0000000000001"));
    store.record(run("retention", now.minus(Duration.ofDays(10))), workload("kept000000000001"));
    int deleted = store.deleteRunsBefore(now.minus(Duration.ofDays(400)));
    assertThat(deleted).isEqualTo(1);
    var series = store.series("retention", Instant.EPOCH, now);
    assertThat(series).containsOnlyKeys("kept000000000001");
    assertThat(store.texts(List.of("old0000000000001", "kept000000000001")))
        .containsOnlyKeys("kept000000000001");
  }

  /**
   * What a year of hourly runs costs: 2,000 queries x 48 runs stored, the bytes per stored point
   * printed (the README's sizes come from here) and bounded.
   */
  @Test
  void aPointCostsAboutAHundredBytes() throws Exception {
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      st.execute("create database sizes");
    }
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("sizes"));
    ds.setUser("postgres");
    // the 192,000 rows of the 96 batches go as multi-row INSERTs: the same rows in a fraction of
    // the round trips (the sizes measured are of the rows, not of how they were sent)
    ds.setReWriteBatchedInserts(true);
    var store = HistoryStore.open(ds);
    long empty = store.sizeBytes();
    var queries = new ArrayList<QueryStats>();
    for (int i = 0; i < 2000; i++) {
      var fp = String.format("%016x", i * 7919L);
      queries.add(new QueryStats(fp, "select * from t" + i + " where id = $1", null, List.of(),
          null, 100 + i, 1000.0 + i, 1, 50, 10, 9, 18, 19, null, null, Map.of(), Map.of(),
          Map.of(), List.of()));
    }
    var workload = new Workload(workload("x").totals(), queries);
    var t0 = Instant.parse("2026-11-01T00:00:00Z");
    for (int h = 0; h < 48; h++) {
      store.record(run("sizes", t0.plus(Duration.ofHours(h))), workload);
    }
    try (var c = ds.getConnection(); var st = c.createStatement()) {
      st.execute("vacuum analyze pgdba_history.query_figures");
    }
    double perPoint = (store.sizeBytes() - empty) / (2000.0 * 48);
    long started = System.nanoTime();
    var series = store.series("sizes", t0, t0.plus(Duration.ofDays(3)));
    double readMs = (System.nanoTime() - started) / 1e6;
    System.out.printf("history: %.0f bytes per stored point (figures, indexes and texts);"
        + " a year of hourly runs of 2,000 queries: %.2f GB; 96,000 points read in %.0f ms%n",
        perPoint, perPoint * 2000 * 24 * 365 / 1e9, readMs);
    assertThat(series).hasSize(2000);
    assertThat(perPoint).isLessThan(150);
  }

  /**
   * With --db the CLI keeps the target's version and settings hash as the operator does, so that
   * a regression after an upgrade or a configuration change can say so; without it, none.
   */
  @Test
  void withDbTheRunKeepsTheServersVersionAndSettingsHash() throws Exception {
    var log = dir.resolve("facts.log");
    Files.writeString(log, "2026-11-30 10:00:00.000 UTC [1] app@shop/psql LOG:  duration: 1.0 ms"
        + "  statement: select 1\n");
    var store = dir.resolve("facts-store").toString();
    var shop = "postgresql://keeper:" + SECRET + "@127.0.0.1:" + pg.port() + "/shop";
    facts(log, store);
    facts(log, store, "--db", shop);
    String version;
    try (var c = pg.connect("postgres"); var st = c.createStatement()) {
      try (var rs = st.executeQuery("show server_version")) {
        rs.next();
        version = rs.getString(1).split("\\s+")[0];
      }
      st.execute("alter system set deadlock_timeout = '1234ms'");
      st.execute("select pg_reload_conf()");
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (var c = pg.connect("shop"); var st = c.createStatement();
            var rs = st.executeQuery("show deadlock_timeout")) {
          rs.next();
          return rs.getString(1).equals("1234ms");
        }
      });
      facts(log, store, "--db", shop);
    } finally {
      try (var c = pg.connect("postgres"); var st = c.createStatement()) {
        st.execute("alter system reset deadlock_timeout");
        st.execute("select pg_reload_conf()");
      }
    }
    try (var db = HistoryDatabase.open(store, null)) {
      var runs = HistoryStore.open(db.dataSource())
          .runs("facts", Instant.EPOCH, Instant.now().plusSeconds(60));
      assertThat(runs).hasSize(3);
      assertThat(runs.get(0).serverVersion()).isNull();
      assertThat(runs.get(0).settingsHash()).isNull();
      assertThat(runs.get(1).serverVersion()).isEqualTo(version).startsWith("17");
      assertThat(runs.get(2).serverVersion()).isEqualTo(version);
      assertThat(runs.get(1).settingsHash()).matches("[0-9a-f]{16}");
      assertThat(runs.get(2).settingsHash()).matches("[0-9a-f]{16}")
          .isNotEqualTo(runs.get(1).settingsHash());
    }
  }

  private static void facts(Path log, String store, String... more) throws Exception {
    var args = new ArrayList<>(List.of("analyze", "--log", log.toString(), "--history", store,
        "--history-name", "facts", "--output", "json"));
    args.addAll(List.of(more));
    var run = AnalyzeCommandIT.pgdba(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(SECRET).doesNotContain("not recorded");
  }

  @Test
  void anUnreachableStoreIsOneLineWithoutThePassword() throws Exception {
    var log = dir.resolve("empty-phase.log");
    Files.writeString(log, "2026-11-30 10:00:00.000 UTC [1] app@shop/psql LOG:  duration: 1.0 ms"
        + "  statement: select 1\n");
    var run = AnalyzeCommandIT.pgdba("analyze", "--log", log.toString(), "--history",
        "postgresql://keeper:" + SECRET + "@127.0.0.1:1/history");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err().strip()).startsWith("pgdba: history store").doesNotContain("\n")
        .doesNotContain(SECRET).doesNotContain("Exception");
  }

  static RunContext run(String analysis, Instant at) {
    return new RunContext(analysis, at, null, null, "logs", null, null, List.of());
  }

  static Workload workload(String fingerprint) {
    var q = new QueryStats(fingerprint, "select " + fingerprint, null, List.of(), null, 10, 100,
        5, 20, 10, 9, 18, 19, null, null, Map.of(), Map.of(), Map.of(), List.of());
    var totals = new WorkloadTotals(10, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
        null, null);
    return new Workload(totals, List.of(q));
  }
}
