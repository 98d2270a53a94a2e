package io.pgdba.advisor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgdba.advisor.config.ServerState.Checkpoints;
import io.pgdba.advisor.config.ServerState.Connections;
import io.pgdba.advisor.config.ServerState.DatabaseStats;
import io.pgdba.advisor.config.ServerState.RoleSetting;
import io.pgdba.advisor.config.ServerState.Setting;
import io.pgdba.advisor.config.ServerState.Spill;
import io.pgdba.advisor.config.ServerState.TableChurn;
import io.pgdba.finding.Severity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rules on hand-made server states: each figure below is what PostgreSQL would report. */
class ConfigRulesTest {

  /** PostgreSQL 17 defaults as pg_settings gives them (unit and context included). */
  static Map<String, Setting> defaults() {
    var m = new HashMap<String, Setting>();
    put(m, "shared_buffers", "16384", "8kB", "postmaster");
    put(m, "work_mem", "4096", "kB", "user");
    put(m, "maintenance_work_mem", "65536", "kB", "user");
    put(m, "autovacuum_work_mem", "-1", "kB", "sighup");
    put(m, "effective_cache_size", "524288", "8kB", "user");
    put(m, "max_connections", "100", null, "postmaster");
    put(m, "max_parallel_workers", "8", null, "user");
    put(m, "max_parallel_workers_per_gather", "2", null, "user");
    put(m, "hash_mem_multiplier", "2", null, "user");
    put(m, "autovacuum_max_workers", "3", null, "postmaster");
    put(m, "autovacuum_vacuum_scale_factor", "0.2", null, "sighup");
    put(m, "autovacuum_vacuum_threshold", "50", null, "sighup");
    put(m, "autovacuum_vacuum_cost_limit", "-1", null, "sighup");
    put(m, "vacuum_cost_limit", "200", null, "user");
    put(m, "max_wal_size", "1024", "MB", "sighup");
    put(m, "checkpoint_timeout", "300", "s", "sighup");
    put(m, "checkpoint_completion_target", "0.9", null, "sighup");
    put(m, "random_page_cost", "4", null, "user");
    put(m, "effective_io_concurrency", "1", null, "user");
    put(m, "jit", "on", null, "user");
    put(m, "log_min_duration_statement", "-1", "ms", "superuser");
    put(m, "log_temp_files", "-1", "kB", "superuser");
    put(m, "log_checkpoints", "on", null, "sighup");
    put(m, "log_lock_waits", "off", null, "superuser");
    put(m, "deadlock_timeout", "1000", "ms", "superuser");
    put(m, "log_destination", "stderr", null, "sighup");
    put(m, "log_line_prefix", "%m [%p] ", null, "sighup");
    return m;
  }

  static void put(Map<String, Setting> m, String name, String value, String unit,
      String context) {
    m.put(name, new Setting(name, value, unit, "default", context, value, "integer"));
  }

  static ServerState state(Map<String, Setting> settings, long dbSize, List<Spill> spills,
      Checkpoints cp, List<TableChurn> tables, long connections) {
    return new ServerState(17, settings, List.of(), cp, null, 0,
        new DatabaseStats(990_000, 10_000, 0, 0, 0, dbSize, 3600), new Connections(
            connections, 1, connections - 1, 0), tables, spills, null);
  }

  static ServerState quiet(Map<String, Setting> settings) {
    return state(settings, 100 * Sizes.MB, List.of(), new Checkpoints(10, 0, 3600), List.of(),
        5);
  }

  static Resources resources(String memory, String cpus, String storage) {
    var m = new HashMap<String, String>();
    if (memory != null) {
      m.put("memory", memory);
    }
    if (cpus != null) {
      m.put("cpus", cpus);
    }
    if (storage != null) {
      m.put("storage", storage);
    }
    return Resources.from(m);
  }

  static Map<String, Change> byParameter(List<Change> changes) {
    return changes.stream().collect(Collectors.toMap(Change::parameter, c -> c, (a, b) -> a));
  }

  @Test
  void tooManyConnectionsForTheMemoryLowersMaxConnectionsToWhatFits() {
    var s = defaults();
    put(s, "max_connections", "1000", null, "postmaster");
    var changes = byParameter(ConfigRules.recommend(quiet(s), resources("2Gi", null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE));
    var c = changes.get("max_connections");
    // (2048MB - 128MB shared_buffers - 3 x 64MB autovacuum) / (4MB x 3) - 8 workers = 136 -> 130
    assertEquals("130", c.proposed());
    assertEquals("1000", c.current());
    assertTrue(c.restart());
    assertEquals(Severity.CRITICAL, c.severity());
    assertTrue(c.advice().contains("pooler"), c.advice());
  }

  @Test
  void spillsRaiseWorkMemOnlyAsFarAsTheMemoryLimitAllows() {
    var s = defaults();
    // 37 queries spilling 10MB per call, one spilling 300MB
    var spills = new java.util.ArrayList<Spill>();
    for (int i = 0; i < 37; i++) {
      spills.add(new Spill(10, 100 * Sizes.MB, 900));
    }
    spills.add(new Spill(1, 300 * Sizes.MB, 20_000));
    var state = state(s, 50 * Sizes.GB, spills, new Checkpoints(10, 0, 3600), List.of(), 20);
    var c = byParameter(ConfigRules.recommend(state, resources("16GB", "4", "ssd"),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("work_mem");
    // shared_buffers 4GB planned; (16GB - 4GB - 192MB) / (108 x 3) = 37MB -> 32MB
    assertEquals("32MB", c.proposed());
    assertEquals(37L, c.evidence().get("queriesThatWouldFit"));
    assertEquals(38L, c.evidence().get("spillingQueries"));
    assertTrue(c.advice().contains("ALTER ROLE"), c.advice());
    assertFalse(c.restart());
  }

  @Test
  void noMemoryGivenMeansNoMemorySizedProposalAbove64MB() {
    var spills = List.of(new Spill(10, 2 * Sizes.GB, 900));
    var state = state(defaults(), 50 * Sizes.GB, spills, new Checkpoints(10, 0, 3600),
        List.of(), 20);
    var changes = byParameter(ConfigRules.recommend(state, resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE));
    assertEquals("64MB", changes.get("work_mem").proposed());
    assertNull(changes.get("shared_buffers"));
    assertNull(changes.get("random_page_cost"));
  }

  @Test
  void requestedCheckpointsRaiseMaxWalSize() {
    var s = defaults();
    put(s, "max_wal_size", "32", "MB", "sighup");
    var state = state(s, Sizes.GB, List.of(), new Checkpoints(1, 40, 600), List.of(), 5);
    var c = byParameter(ConfigRules.recommend(state, resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("max_wal_size");
    // one requested checkpoint every 15 s where 300 s are allowed: 16 x 32MB
    assertEquals("512MB", c.proposed());
    assertEquals(40L, c.evidence().get("checkpointsRequested"));
    assertFalse(c.restart());
  }

  @Test
  void churningTableLowersTheScaleFactorButATunedTableIsLeftAlone() {
    var churn = new TableChurn("public", "orders", 200_000, 30_000, 60_000, 0, null, 1, 1,
        40 * Sizes.MB, null);
    var c = byParameter(ConfigRules.recommend(state(defaults(), Sizes.GB, List.of(),
        new Checkpoints(10, 0, 3600), List.of(churn), 5), resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("autovacuum_vacuum_scale_factor");
    assertEquals("0.05", c.proposed());
    assertTrue(c.advice().contains("public.orders: 30000 dead of 200000 live"), c.advice());
    assertTrue(c.advice().contains("vacuum at 40050"), c.advice());
    var tuned = new TableChurn("public", "orders", 200_000, 30_000, 60_000, 0, null, 1, 1,
        40 * Sizes.MB, 0.01);
    assertNull(byParameter(ConfigRules.recommend(state(defaults(), Sizes.GB, List.of(),
        new Checkpoints(10, 0, 3600), List.of(tuned), 5), resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("autovacuum_vacuum_scale_factor"));
  }

  @Test
  void sharedBuffersGrowOnlyWhenTheCacheMissesAndNoFurtherThanTwiceTheData() {
    var missing = new ServerState(17, defaults(), List.of(), new Checkpoints(10, 0, 3600), null,
        0, new DatabaseStats(900_000, 100_000, 0, 0, 0, 600 * Sizes.MB, 3600),
        new Connections(5, 1, 4, 0), List.of(), List.of(), null);
    var c = byParameter(ConfigRules.recommend(missing, resources("8GB", null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("shared_buffers");
    // a quarter of 8GB is 2GB, but 600MB of data twice over is 1280MB
    assertEquals("1280MB", c.proposed());
    assertTrue(c.restart());
    assertEquals(0.9, c.evidence().get("cacheHitRatio"));
    // the same server serving 99 % of reads from its cache keeps its 128MB
    assertNull(byParameter(ConfigRules.recommend(quiet(defaults()), resources("8GB", null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("shared_buffers"));
  }

  /** The example of the README's comparison with pgtune: 8GB, 4 CPUs, SSD, 100 connections. */
  @Test
  void theReadmeComparisonHolds() {
    var state = new ServerState(17, defaults(), List.of(), new Checkpoints(10, 0, 3600), null,
        0, new DatabaseStats(900_000, 100_000, 0, 0, 0, 600 * Sizes.MB, 3600),
        new Connections(30, 5, 25, 0), List.of(),
        List.of(new Spill(100, 2000 * Sizes.MB, 800)), null);
    var changes = byParameter(ConfigRules.recommend(state, resources("8GB", "4", "ssd"),
        Environment.SELF_MANAGED, WorkloadSignals.NONE));
    assertEquals("1280MB", changes.get("shared_buffers").proposed());
    assertEquals("16MB", changes.get("work_mem").proposed());
    assertTrue(changes.get("work_mem").advice().contains("about 64MB"));
    assertNull(changes.get("effective_cache_size"));
    assertNull(changes.get("max_parallel_workers_per_gather"));
    assertEquals("1.1", changes.get("random_page_cost").proposed());
  }

  @Test
  void mostlyIdleConnectionsAskForAPoolerWithoutAValue() {
    var state = state(defaults(), Sizes.GB, List.of(), new Checkpoints(10, 0, 3600), List.of(),
        90);
    var c = byParameter(ConfigRules.recommend(state, resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("max_connections");
    assertEquals("connection-pooler", c.kind());
    assertNull(c.proposed());
    assertEquals(89L, c.evidence().get("idleConnections"));
    assertTrue(c.advice().startsWith("89 of 90 connections are idle"), c.advice());
  }

  @Test
  void storageDecidesRandomPageCost() {
    var ssd = byParameter(ConfigRules.recommend(quiet(defaults()), resources(null, null, "ssd"),
        Environment.SELF_MANAGED, WorkloadSignals.NONE));
    assertEquals("1.1", ssd.get("random_page_cost").proposed());
    assertEquals("200", ssd.get("effective_io_concurrency").proposed());
    var hdd = byParameter(ConfigRules.recommend(quiet(defaults()), resources(null, null, "hdd"),
        Environment.SELF_MANAGED, WorkloadSignals.NONE));
    assertNull(hdd.get("random_page_cost"));
  }

  @Test
  void aPerRoleOverrideIsNamed() {
    var state = new ServerState(17, defaults(),
        List.of(new RoleSetting("app", "reporting", "log_lock_waits", "on")),
        new Checkpoints(10, 0, 3600), null, 0,
        new DatabaseStats(1, 0, 0, 0, 0, Sizes.MB, 1), new Connections(1, 1, 0, 0), List.of(),
        null, null);
    var c = byParameter(ConfigRules.recommend(state, resources(null, null, null),
        Environment.SELF_MANAGED, WorkloadSignals.NONE)).get("log_lock_waits");
    assertEquals(List.of("role reporting in database app = on"),
        c.evidence().get("overriddenFor"));
  }

  /**
   * Everything a bad server can make the rules propose, under CloudNativePG: not one of the
   * parameters its webhook rejects, and the stderr prefix is not proposed for its csvlog.
   */
  @Test
  void cloudNativePgFixedParametersAreNeverProposed() {
    var s = defaults();
    put(s, "max_connections", "1000", null, "postmaster");
    put(s, "log_line_prefix", "", null, "sighup");
    put(s, "log_checkpoints", "off", null, "sighup");
    put(s, "checkpoint_completion_target", "0.5", null, "sighup");
    put(s, "shared_buffers", "262144", "8kB", "postmaster");
    var churn = new TableChurn("public", "t", 200_000, 30_000, 60_000, 3, null, 1, 1,
        Sizes.GB, null);
    var state = state(s, 10 * Sizes.GB, List.of(new Spill(5, Sizes.GB, 10)),
        new Checkpoints(1, 40, 600), List.of(churn), 50);
    var signals = new WorkloadSignals(true, 1000, 5, 10, Sizes.GB, 3, 1, 2, 0.5, 4);
    var cnpg = ConfigRules.recommend(state, resources("4Gi", "8", "network"),
        Environment.CLOUDNATIVEPG, signals);
    var self = ConfigRules.recommend(state, resources("4Gi", "8", "network"),
        Environment.SELF_MANAGED, signals);
    assertTrue(self.size() >= 10, "a bad server gives many changes: " + self);
    assertTrue(self.stream().anyMatch(c -> c.parameter().equals("log_line_prefix")));
    for (var c : cnpg) {
      assertFalse(Environment.CNPG_FIXED.contains(c.parameter()), c.parameter());
    }
    assertEquals(self.size() - 1, cnpg.size());
    for (var fixed : Set.of("wal_level", "huge_pages", "shared_preload_libraries", "port",
        "archive_mode", "ssl", "log_destination", "max_wal_senders_not_fixed")) {
      assertEquals(fixed.endsWith("not_fixed"),
          Environment.CLOUDNATIVEPG.mayPropose(fixed), fixed);
      assertTrue(Environment.SELF_MANAGED.mayPropose(fixed));
    }
  }

  @Test
  void environmentIsRecognisedFromTheServersOwnParameters() {
    assertEquals(Environment.CLOUDNATIVEPG,
        Environment.detect(null, Set.of("cnpg.config_sha256", "work_mem")));
    assertEquals(Environment.RDS, Environment.detect(null, Set.of("rds.force_ssl")));
    assertEquals(Environment.CLOUD_SQL, Environment.detect(null, Set.of("cloudsql.iam")));
    assertEquals(Environment.AZURE, Environment.detect(null, Set.of("azure.extensions")));
    assertEquals(Environment.SELF_MANAGED, Environment.detect(null, Set.of("work_mem")));
    assertEquals(Environment.CLOUDNATIVEPG, Environment.detect("cnpg", Set.of()));
  }

  @Test
  void sizesReadKubernetesAndPostgresUnits() {
    assertEquals(4L << 30, Sizes.parse("4Gi"));
    assertEquals(4L << 30, Sizes.parse("4GB"));
    assertEquals(4_000_000_000L, Sizes.parse("4G"));
    assertEquals(512L << 20, Sizes.parse("512Mi"));
    assertEquals(0.5, Sizes.parseCpus("500m"));
    assertEquals("64MB", Sizes.format(64 * Sizes.MB));
    assertEquals("1536MB", Sizes.format(1536 * Sizes.MB));
    assertEquals("2GB", Sizes.format(2 * Sizes.GB));
    assertEquals(64 * Sizes.MB, Sizes.ceilPowerOfTwoMb(40 * Sizes.MB));
    assertEquals(32 * Sizes.MB, Sizes.floorPowerOfTwoMb(40 * Sizes.MB));
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Sizes.parse("lots"));
    assertEquals("'lots' is not a size like 4GB, 4Gi or 4096MB", e.getMessage());
  }
}
