package io.pgdba.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The follow-up of an applied index from runs kept in a real store: waiting for runs after the
 * apply, the effect once they came (a run whose log straddles the apply counts on neither side),
 * an index no query scans, and a regression whose evidence says the server changed.
 */
class IndexFollowUpIT {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant APPLIED = T0.plus(Duration.ofHours(3)).plusSeconds(1800);
  static final String FP = "0123456789abcdef";
  static final String INDEX = "public.orders_customer_id_idx";

  static TestPostgres pg;
  static HistoryStore store;

  @BeforeAll
  static void start() throws Exception {
    pg = TestPostgres.start();
    var ds = new PGSimpleDataSource();
    ds.setURL(pg.jdbcUrl("postgres"));
    ds.setUser("postgres");
    store = HistoryStore.open(ds);
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** One hourly run ending at {@code hour}, whose log began an hour before. */
  static RunContext run(String analysis, int hour, String version, Map<String, Long> scans) {
    var at = T0.plus(Duration.ofHours(hour));
    return new RunContext(analysis, at, at.minus(Duration.ofHours(1)), at, "logs", version,
        version == null ? null : "hash-" + version, List.of(INDEX), scans);
  }

  static Workload workload(double meanMs, long calls) {
    var q = new QueryStats(FP, "select * from orders where customer_id = $1", null, List.of(),
        null, calls, calls * meanMs, meanMs * 0.9, meanMs * 1.1, meanMs, meanMs,
        meanMs * 1.02, meanMs * 1.05, null, null, Map.of(), Map.of(), Map.of(), List.of());
    var totals = new WorkloadTotals(calls, calls * meanMs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 1, 0, null, null);
    return new Workload(totals, List.of(q));
  }

  static IndexFollowUp followUp(String analysis) throws HistoryException {
    return IndexFollowUp.of(store, analysis, List.of(FP), APPLIED, INDEX, 2, Duration.ofDays(30));
  }

  @Test
  void theEffectIsMeasuredFromTheRunsAfterTheApplyOnly() throws Exception {
    String a = "ns/improved";
    for (int h = 1; h <= 3; h++) {
      store.record(run(a, h, "17.2", Map.of()), workload(15.7, 400));
    }
    // the log of this run began before the apply: half slow, half fast, on neither side
    store.record(run(a, 4, "17.2", Map.of(INDEX, 3L)), workload(8.0, 400));
    var waiting = followUp(a);
    assertThat(waiting.measured()).isFalse();
    assertThat(waiting.summary()).isEqualTo("waiting for runs after the apply (0 of 2)");

    store.record(run(a, 5, "17.2", Map.of(INDEX, 210L)), workload(0.4, 600));
    assertThat(followUp(a).summary()).isEqualTo("waiting for runs after the apply (1 of 2)");

    store.record(run(a, 6, "17.2", Map.of(INDEX, 830L)), workload(0.4, 600));
    var measured = followUp(a);
    assertThat(measured.measured()).isTrue();
    assertThat(measured.slower()).isFalse();
    assertThat(measured.effect().outcome()).isEqualTo("improved");
    assertThat(measured.summary()).isEqualTo("mean 15.7 ms → 0.40 ms over 1,200 calls");
    assertThat(measured.runsAfter()).isEqualTo(2);
    assertThat(measured.indexScans()).isEqualTo(830L);
    assertThat(measured.unusedOver(2)).isFalse();
  }

  @Test
  void slowerQueriesAndAnUnscannedIndexAreSaid() throws Exception {
    String a = "ns/slower";
    for (int h = 1; h <= 3; h++) {
      store.record(run(a, h, null, Map.of()), workload(2.0, 400));
    }
    store.record(run(a, 5, null, Map.of(INDEX, 0L)), workload(6.0, 400));
    store.record(run(a, 6, null, Map.of(INDEX, 0L)), workload(6.1, 400));
    var f = followUp(a);
    assertThat(f.slower()).isTrue();
    assertThat(f.unusedOver(2)).isTrue();
    assertThat(f.unusedOver(3)).as("only two runs asked").isFalse();
    assertThat(f.usageRuns()).isEqualTo(2);
  }

  @Test
  void queriesThatNoRunSawAfterTheApplyAreNotEnoughData() throws Exception {
    String a = "ns/quiet";
    store.record(run(a, 1, null, Map.of()), workload(2.0, 400));
    store.record(run(a, 5, null, Map.of()), workload(0, 0));
    store.record(run(a, 6, null, Map.of()), workload(0, 0));
    var f = followUp(a);
    assertThat(f.measured()).isFalse();
    assertThat(f.summary()).isEqualTo("no run since the index was applied has seen its queries");
    assertThat(f.indexScans()).isNull();
    assertThat(f.unusedOver(1)).as("no run asked the target").isFalse();
  }

  @Test
  void aRegressionAfterAnUpgradeSaysTheServerChanged() throws Exception {
    String a = "ns/upgrade";
    var options = HistoryOptions.defaults();
    for (int h = 1; h <= 4; h++) {
      History.recordAndCompare(store, run(a, h, "16.4", Map.of()), workload(2.0, 400), options);
    }
    var report = History.recordAndCompare(store, run(a, 5, "17.2", Map.of()),
        workload(9.0, 400), options);
    assertThat(report.regressions()).isNotEmpty().allSatisfy(r -> {
      assertThat(r.evidence()).containsEntry("serverChanged", "the server changed from 16.4 to"
          + " 17.2 between the runs of 2026-11-01T04:00:00Z and 2026-11-01T05:00:00Z");
      assertThat(r.evidence()).containsEntry("settingsChanged", "the server's settings changed"
          + " between the runs of 2026-11-01T04:00:00Z and 2026-11-01T05:00:00Z");
    });
    var finding = RegressionFindings.of(report).get(0);
    assertThat(finding.evidence()).containsKey("serverChanged");

    // the same server afterwards: a later regression is not blamed on an old upgrade... within
    // the window it still is, with the runs it happened between
    var stored = store.runs(a, T0, T0.plus(Duration.ofDays(1)));
    assertThat(stored).extracting(RunInfo::serverVersion)
        .containsExactly("16.4", "16.4", "16.4", "16.4", "17.2");
    assertThat(stored).extracting(RunInfo::settingsHash).doesNotContainNull();
  }

  @Test
  void eachQuerysErrorsAreStoredWithItsFigures() throws Exception {
    var w = workload(2.0, 400);
    var withErrors = new Workload(w.totals(), w.queries(), Map.of(FP, 7L, "not-run", 2L));
    long logs = store.record(run("ns/errors", 1, null, Map.of()), withErrors);
    long stats = store.record(new RunContext("ns/errors", T0.plus(Duration.ofHours(2)), null,
        null, "pg_stat_statements", null, null, List.of()), withErrors);
    try (var c = pg.connect("postgres"); var ps = c.prepareStatement(
        "SELECT errors FROM pgdba_history.query_figures WHERE run_id = ?")) {
      ps.setLong(1, logs);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(7);
        assertThat(rs.next()).as("only queries that ran have figures").isFalse();
      }
      ps.setLong(1, stats);
      try (var rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        rs.getLong(1);
        assertThat(rs.wasNull()).as("pg_stat_statements does not say").isTrue();
      }
    }
  }

  @Test
  void aSteadyServerAddsNoNote() throws Exception {
    String a = "ns/steady";
    var options = HistoryOptions.defaults();
    for (int h = 1; h <= 4; h++) {
      History.recordAndCompare(store, run(a, h, "17.2", Map.of()), workload(2.0, 400), options);
    }
    var report = History.recordAndCompare(store, run(a, 5, "17.2", Map.of()),
        workload(9.0, 400), options);
    assertThat(report.regressions()).isNotEmpty().allSatisfy(r -> assertThat(r.evidence())
        .doesNotContainKeys("serverChanged", "settingsChanged"));
  }
}
