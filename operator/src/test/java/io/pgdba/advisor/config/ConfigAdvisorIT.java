package io.pgdba.advisor.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.cli.Main;
import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real servers configured badly on purpose, on the oldest and the newest supported PostgreSQL:
 * a tiny work_mem under a spilling workload, a small max_wal_size under write load, default
 * autovacuum on a churning table, and too many connections for the memory given.
 */
class ConfigAdvisorIT {

  private static final Map<String, TestPostgres> SERVERS = new HashMap<>();

  /** A server that spills, checkpoints by volume and leaves dead tuples, with the workload run. */
  private static synchronized TestPostgres busy(int major) throws Exception {
    var key = "busy" + major;
    if (SERVERS.containsKey(key)) {
      return SERVERS.get(key);
    }
    var pg = TestPostgres.start(major, Map.of(
        "shared_preload_libraries", "pg_stat_statements",
        "work_mem", "64kB",
        "max_wal_size", "32MB",
        "min_wal_size", "32MB",
        "max_connections", "20",
        // the churn must stay as planted: an autoanalyze on a slow run re-estimates its dead
        // rows, an autovacuum removes them (the advisor does not read naptime)
        "autovacuum_naptime", "3600"));
    SERVERS.put(key, pg);
    pg.createDatabase("shop");
    try (Connection c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("create extension pg_stat_statements");
      st.execute("create table items (id int, payload text)");
      // about 120MB of WAL: a few checkpoints requested by volume, none by time yet
      st.execute("insert into items select g, md5(g::text) || md5((g * 7)::text)"
          + " from generate_series(1, 1000000) g");
      st.execute("create table churn (id int primary key, v int)");
      st.execute("insert into churn select g, 0 from generate_series(1, 200000) g");
    }
    // The inserts' statistics must be counted before the VACUUM sets the live rows: reported
    // after it (they are sent asynchronously), they would count the rows twice.
    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (Connection c = pg.connect("shop"); var st = c.createStatement();
          var rs = st.executeQuery("select n_tup_ins from pg_stat_user_tables"
              + " where relname = 'churn'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(200_000);
      }
    });
    try (Connection c = pg.connect("shop"); var st = c.createStatement()) {
      // a manual vacuum now: autovacuum then has no insert-driven reason to pass by
      st.execute("vacuum analyze churn");
      st.execute("update churn set v = v + 1 where id % 100 < 15");
      st.execute("select pg_stat_statements_reset()");
      for (int i = 0; i < 3; i++) {
        st.executeQuery("select count(*) from (select payload from items where id <= 200000"
            + " order by payload offset 0) s").close();
      }
    }
    // statistics reach other sessions asynchronously (a collector before 15, at idle after)
    Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      try (Connection c = pg.connect("shop"); var st = c.createStatement();
          var rs = st.executeQuery("select n_dead_tup, n_live_tup from pg_stat_user_tables"
              + " where relname = 'churn'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(30_000);
        assertThat(rs.getLong(2)).isEqualTo(200_000);
      }
    });
    return pg;
  }

  @AfterAll
  static void stop() {
    SERVERS.values().forEach(TestPostgres::close);
  }

  private static List<Finding> advise(TestPostgres pg, String db, Map<String, String> settings,
      List<String> warnings) throws Exception {
    var target = new ConnectionSettings("localhost", pg.port(), db, "postgres", "postgres",
        "disable", null, 5);
    try (var session = ReadOnlySession.open(target)) {
      var catalog = new CatalogReader().read(session);
      var totals = new WorkloadTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          null, null);
      var context = new AdvisorContext(session, catalog, new Workload(totals, List.of()), false,
          settings, warnings);
      return new ConfigAdvisor().advise(context);
    }
  }

  private static Map<String, Finding> byObject(List<Finding> findings) {
    return findings.stream().collect(Collectors.toMap(Finding::object, f -> f, (a, b) -> a));
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void tinyWorkMemUnderASpillingWorkloadIsRaisedToAValueThatStopsTheSpill(int major)
      throws Exception {
    var pg = busy(major);
    var findings = byObject(advise(pg, "shop", Map.of("memory", "8GB"), new ArrayList<>()));
    var f = findings.get("work_mem");
    assertThat(f).as("work_mem finding").isNotNull();
    assertThat(f.kind()).isEqualTo("config.work_mem");
    assertThat(f.category()).isEqualTo(Category.CONFIG);
    // pgdba's own catalog queries spill too at 64kB, so the count depends on the test order
    assertThat(f.evidence()).containsEntry("current", "64kB").containsEntry("restart", false)
        .containsEntry("spillSource", "pg_stat_statements");
    long spilling = (Long) f.evidence().get("spillingQueries");
    assertThat(spilling).isPositive();
    // pgdba's own and other tests' queries spill here too, some more than any work_mem proposed
    assertThat((Long) f.evidence().get("queriesThatWouldFit")).isBetween(1L, spilling);
    String proposed = (String) f.evidence().get("proposed");
    long workMem = Sizes.parse(proposed);
    assertThat(workMem).isBetween(32 * Sizes.MB, 128 * Sizes.MB);
    assertThat(Long.bitCount(workMem)).isEqualTo(1);
    // the safety limit: shared_buffers as planned + 28 backends x (1 + hash_mem_multiplier)
    // x work_mem + 3 autovacuum workers x 64MB within the 8GB given
    // every block of this small server is cached: shared_buffers is left alone
    assertThat(findings).doesNotContainKey("shared_buffers");
    long sharedBuffers = 128 * Sizes.MB;
    assertThat(sharedBuffers + 28 * workMem * (major >= 15 ? 3 : 2) + 192 * Sizes.MB)
        .isLessThanOrEqualTo(8 * Sizes.GB);
    assertThat(f.advice()).contains(f.evidence().get("queriesThatWouldFit") + " of the "
        + spilling + " queries that wrote",
        "would sort and hash in memory with work_mem = " + proposed,
        "Worst case memory at max_connections:", "limit 8GB");
    assertThat(f.sql()).isEqualTo("ALTER SYSTEM SET work_mem = '" + proposed + "';");
    assertThat(f.rollbackSql()).isEqualTo("ALTER SYSTEM SET work_mem = '64kB';");
    // the test server gets its settings with -c, which outranks ALTER SYSTEM
    assertThat(f.evidence()).containsEntry("source", "command line");
    assertThat(f.advice()).contains("set on the server's command line, which overrides");
    // the simulation holds: at the proposed value the same query sorts in memory
    try (Connection c = pg.connect("shop"); var st = c.createStatement()) {
      st.execute("set work_mem = '" + proposed + "'");
      var plan = new StringBuilder();
      try (var rs = st.executeQuery("explain (analyze, costs off) select count(*) from"
          + " (select payload from items where id <= 200000 order by payload offset 0) s")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      assertThat(plan.toString()).contains("Sort Method: quicksort").doesNotContain("Disk:");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void smallMaxWalSizeUnderWriteLoadIsRaised(int major) throws Exception {
    var f = byObject(advise(busy(major), "shop", Map.of(), new ArrayList<>())).get("max_wal_size");
    assertThat(f).as("max_wal_size finding").isNotNull();
    assertThat(f.evidence()).containsEntry("current", "32MB").containsEntry("restart", false);
    assertThat((Long) f.evidence().get("checkpointsRequested")).isGreaterThanOrEqualTo(3);
    long proposed = Sizes.parse((String) f.evidence().get("proposed"));
    assertThat(proposed).isGreaterThanOrEqualTo(64 * Sizes.MB).isLessThanOrEqualTo(64 * Sizes.GB);
    assertThat(f.advice()).contains("checkpoints were requested because max_wal_size = 32MB");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void defaultAutovacuumOnAChurningTableLowersTheScaleFactor(int major) throws Exception {
    var f = byObject(advise(busy(major), "shop", Map.of(), new ArrayList<>()))
        .get("autovacuum_vacuum_scale_factor");
    assertThat(f).as("autovacuum finding").isNotNull();
    assertThat(f.evidence()).containsEntry("current", "0.2").containsEntry("proposed", "0.05")
        .containsEntry("laggingTables", 1L).containsEntry("deadTuples", 30_000L);
    assertThat(f.advice()).contains("public.churn: 30000 dead of 200000 live (13 %),"
        + " vacuum at 40050");
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void tooManyConnectionsForTheMemoryLowersMaxConnections(int major) throws Exception {
    var key = "conns" + major;
    TestPostgres pg;
    synchronized (ConfigAdvisorIT.class) {
      pg = SERVERS.computeIfAbsent(key,
          k -> TestPostgres.start(major, Map.of("max_connections", "1000")));
    }
    var warnings = new ArrayList<String>();
    var f = byObject(advise(pg, "postgres", Map.of("memory", "2Gi", "memory.source",
        "pod limit"), warnings)).get("max_connections");
    assertThat(f).as("max_connections finding").isNotNull();
    // (2048MB - 128MB - 3 x 64MB) / (4MB x (1 + hash_mem_multiplier)) - 8 parallel workers
    assertThat(f.evidence()).containsEntry("current", "1000")
        .containsEntry("proposed", major >= 15 ? "130" : "200")
        .containsEntry("restart", true).containsEntry("memoryLimit", "2GB");
    assertThat(f.sql()).isEqualTo("ALTER SYSTEM SET max_connections = '"
        + (major >= 15 ? "130" : "200") + "';");
    assertThat(warnings).anyMatch(w -> w.contains("CPUs unknown"));
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {17})
  void theCommandLinePrintsTheScriptAndThePatches(int major) throws Exception {
    var pg = busy(major);
    var out = new StringWriter();
    var err = new StringWriter();
    String uri = "postgresql://postgres:postgres@localhost:" + pg.port() + "/shop"
        + "?sslmode=disable";
    int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("analyze", "--db", uri, "--memory", "8GB", "--cpus", "4", "--storage", "ssd",
            "--output", "config");
    assertThat(exit).as(err.toString()).isZero();
    var json = new StringWriter();
    exit = Main.commandLine(new PrintWriter(json, true), new PrintWriter(err, true))
        .execute("analyze", "--db", uri, "--memory", "8GB", "--output", "json");
    assertThat(exit).isZero();
    var tree = new ObjectMapper().readTree(json.toString());
    String workMem = tree.at("/configuration/parameters/work_mem").asText();
    assertThat(workMem).endsWith("MB");
    assertThat(tree.at("/configuration/restartNeeded").isEmpty()).isTrue();
    assertThat(out.toString()).contains("ALTER SYSTEM SET work_mem = '" + workMem + "';\n",
        "ALTER SYSTEM SET random_page_cost = '1.1';\n", "SELECT pg_reload_conf();\n",

        "--     parameters:\n", "--       work_mem: \"" + workMem + "\"\n",
        "-- work_mem = '" + workMem + "'\n")
        .doesNotContain("postgres:postgres");
    assertThat(tree.at("/configuration/cloudNativePgPatch").asText())
        .contains("      max_wal_size: \"");
    var bad = new StringWriter();
    exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(bad, true))
        .execute("analyze", "--db", uri, "--memory", "lots");
    assertThat(exit).isEqualTo(2);
    assertThat(bad.toString()).contains("--memory: 'lots' is not a size like 4GB");
  }
}
