package io.pgdba.advisor.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The table advisor on a real server, PostgreSQL 13 (bloat estimated from the statistics) and 17
 * (pgstattuple installed): every planted problem gives its finding with its severity and
 * evidence; the clean database of the same shape, the same workload and thresholds gives none.
 */
class TableAdvisorIT {

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnPostgres13 extends Scenario {
    OnPostgres13() {
      super(13, false);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OnPostgres17 extends Scenario {
    OnPostgres17() {
      super(17, true);
    }
  }

  abstract static class Scenario {
    private final int major;
    private final boolean pgstattuple;
    private TestPostgres pg;
    private List<Finding> planted;
    private List<Finding> clean;
    private final List<String> warnings = new ArrayList<>();

    Scenario(int major, boolean pgstattuple) {
      this.major = major;
      this.pgstattuple = pgstattuple;
    }

    @BeforeAll
    void start() throws Exception {
      long t0 = System.nanoTime();
      pg = TestPostgres.start(major, Map.of("autovacuum", "off", "fsync", "off",
          "synchronous_commit", "off"));
      pg.createDatabase("planted");
      pg.createDatabase("clean");
      try (var c = pg.connect("planted")) {
        TableScenario.plant(c, pgstattuple);
      }
      try (var c = pg.connect("clean")) {
        TableScenario.clean(c);
      }
      long t1 = System.nanoTime();
      planted = advise("planted");
      long t2 = System.nanoTime();
      clean = advise("clean");
      System.out.printf("PG%d: setup %d ms, advisor on planted %d ms%n", major,
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
      // the text report of these findings, for the README's excerpt
      java.nio.file.Files.writeString(java.nio.file.Path.of("target/table-findings-pg" + major
          + ".txt"), io.pgdba.report.TextReport.render(new io.pgdba.analysis.AnalysisReport(
              List.of(), TableScenario.workload(), null, List.of(), planted),
          io.pgdba.report.ReportOptions.defaults()));
    }

    @AfterAll
    void stop() {
      pg.close();
    }

    private List<Finding> advise(String database) throws Exception {
      return advise(database, TableScenario.SETTINGS, warnings);
    }

    private List<Finding> advise(String database, Map<String, String> settings,
        List<String> warnings) throws Exception {
      try (Connection session = ReadOnlySession.open(new ConnectionSettings("localhost",
          pg.port(), database, "postgres", null, "disable", null, 10))) {
        var catalog = new CatalogReader().read(session);
        var context = new AdvisorContext(session, catalog, TableScenario.workload(), true,
            settings, warnings);
        var findings = new TableAdvisor().advise(context);
        // the advisor's own statement timeout is gone again: the session is as it was given
        try (var st = session.createStatement();
            var rs = st.executeQuery("show statement_timeout")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("1min");
        }
        return findings;
      }
    }

    private Finding one(String kind, String object) {
      var found = planted.stream()
          .filter(f -> f.kind().equals(kind) && f.object().equals(object)).toList();
      assertThat(found).as(kind + " on " + object + " in " + kinds(planted)).hasSize(1);
      return found.get(0);
    }

    private static String kinds(List<Finding> fs) {
      return fs.stream().map(f -> f.kind() + " " + f.object())
          .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    @Test
    void theCleanSchemaHasNoFinding() {
      assertThat(clean).as("findings on the clean schema:" + kinds(clean)).isEmpty();
    }

    @Test
    void everyStatementIsBoundedByTheAdvisorsTimeout() throws Exception {
      var settings = new java.util.HashMap<>(TableScenario.SETTINGS);
      settings.put("table.statement-timeout-ms", "1");
      var timedOut = new ArrayList<String>();
      advise("planted", settings, timedOut);
      assertThat(timedOut).isNotEmpty()
          .anySatisfy(w -> assertThat(w).contains("canceling statement due to statement timeout"));
    }

    @Test
    void noWarningsButTheExpectedOnes() {
      assertThat(warnings).as(String.join("\n", warnings)).isEmpty();
    }

    @Test
    void theChecksEveryDbaRuns() {
      var noPk = one("table.no-primary-key", "public.audit_log");
      assertThat(noPk.severity()).isEqualTo(Severity.WARNING);
      assertThat(noPk.evidence()).containsEntry("check", "pg-index-health")
          .containsEntry("uniqueNotNullIndex", false);
      assertThat((long) noPk.evidence().get("rows")).isEqualTo(20_000);

      var fk = one("table.fk-without-index", "public.orders.customer_id");
      assertThat(fk.severity()).isEqualTo(Severity.WARNING);
      assertThat(fk.evidence()).containsEntry("constraint", "orders_customer_id_fkey");
      assertThat(fk.sql()).isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS"
          + " idx_orders_customer_id ON public.orders USING btree (customer_id)");
      assertThat(fk.rollbackSql())
          .isEqualTo("DROP INDEX CONCURRENTLY IF EXISTS public.idx_orders_customer_id");

      var invalid = one("table.invalid-index", "public.orders_note_key");
      assertThat(invalid.severity()).isEqualTo(Severity.WARNING);
      assertThat(invalid.sql()).contains("DROP INDEX CONCURRENTLY").contains("orders_note_key");

      var dup = one("table.duplicate-index", "public.orders_created_twin");
      assertThat(dup.evidence()).containsEntry("kept", "orders_created_idx");
      assertThat(dup.sql()).isEqualTo(
          "DROP INDEX CONCURRENTLY IF EXISTS public.orders_created_twin");
      assertThat(dup.rollbackSql()).contains("CREATE INDEX CONCURRENTLY")
          .contains("orders_created_twin").contains("(created_at)");

      var redundant = one("table.redundant-index", "public.orders_status_idx");
      assertThat(redundant.evidence()).containsEntry("coveredBy", "orders_status_created_idx");

      var unused = one("table.unused-index", "public.orders_total_idx");
      assertThat(unused.evidence()).containsEntry("scans", 0L);
      // one reason per index: the duplicate and the redundant one are not "unused" as well
      assertThat(planted).noneMatch(f -> f.kind().equals("table.unused-index")
          && (f.object().equals("public.orders_created_twin")
              || f.object().equals("public.orders_status_idx")));

      var seq = one("table.sequence-overflow", "public.ticket_seq");
      assertThat(seq.severity()).isEqualTo(Severity.CRITICAL);
      assertThat((double) seq.evidence().get("remainingPercent")).isLessThan(3);
      // the int4 key's own sequence is told with its column, not twice
      assertThat(planted).noneMatch(f -> f.kind().equals("table.sequence-overflow")
          && f.object().equals("public.events_id_seq"));

      var xid = one("table.xid-wraparound", "public.events");
      assertThat(xid.severity()).isEqualTo(Severity.WARNING);
      assertThat((long) xid.evidence().get("xidAge")).isGreaterThan(5_000);
      assertThat(xid.sql()).isEqualTo("VACUUM (FREEZE, VERBOSE) public.events");

      var missing = one("table.missing-statistics", "public.imports");
      assertThat(missing.sql()).isEqualTo("ANALYZE VERBOSE public.imports");
      var stale = one("table.stale-statistics", "public.sessions");
      assertThat((long) stale.evidence().get("modifiedSinceAnalyze")).isEqualTo(20_000);
      var vacuum = one("table.never-vacuumed", "public.sessions");
      assertThat((long) vacuum.evidence().get("deadTuples")).isGreaterThanOrEqualTo(20_000);
    }

    @Test
    void bloatSaysHowItWasMeasured() {
      var heap = one("table.bloat", "public.bloated");
      var index = one("table.index-bloat", "public.bloated_pkey");
      String method = pgstattuple ? "pgstattuple_approx" : "estimated from statistics"
          + " (pg-index-health)";
      assertThat(heap.evidence()).containsEntry("method", method);
      assertThat(index.evidence().get("method"))
          .isEqualTo(pgstattuple ? "pgstatindex" : "estimated from statistics (pg-index-health)");
      assertThat((double) heap.evidence().get("bloatPercent")).isGreaterThan(50);
      assertThat(heap.severity()).isEqualTo(Severity.WARNING);
      assertThat(heap.advice()).contains("autovacuum is disabled on this table")
          .contains("VACUUM FULL").contains("ACCESS EXCLUSIVE").contains("pg_repack");
      assertThat(index.sql()).isEqualTo("REINDEX INDEX CONCURRENTLY public.bloated_pkey");
    }

    @Test
    void dataTypes() {
      var int4 = one("table.int4-overflow", "public.events.id");
      assertThat(int4.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(int4.evidence()).containsEntry("sequence", "public.events_id_seq")
          .containsEntry("maxValue", 2147483647L);
      assertThat((String) int4.evidence().get("overflowDate")).matches("\\d{4}-\\d{2}-\\d{2}");
      assertThat(int4.advice()).contains("bigint");

      assertThat(one("table.timestamp-without-time-zone", "public.events.created_at")
          .evidence()).containsEntry("check", "pg-index-health");
      assertThat(one("table.money-type", "public.payments.amount").severity())
          .isEqualTo(Severity.WARNING);
      one("table.char-type", "public.customers.country");
      one("table.serial-not-identity", "public.events.id");
      assertThat(one("table.id-type", "public.payments.id").evidence())
          .containsEntry("type", "numeric");
      assertThat(one("table.id-type", "public.legacy_refs.ref_id").evidence())
          .containsEntry("suggested", "bigint");
      var varchar = one("table.varchar-oversized", "public.customers.email");
      assertThat(varchar.evidence()).containsEntry("declared", 1000);
      assertThat((int) varchar.evidence().get("longestSampled")).isLessThan(30);
      var lowCard = one("table.low-cardinality-text", "public.orders.status");
      assertThat(lowCard.evidence()).containsEntry("distinctValues", 4L);
      var padding = one("table.column-padding", "public.measurements");
      assertThat(padding.evidence()).containsEntry("bytesPerRowNow", 48)
          .containsEntry("bytesPerRowReordered", 32)
          .containsEntry("suggestedOrder", List.of("b", "d", "f", "a", "c", "e"));
    }

    @Test
    void partitioningAndNormalization() {
      var part = one("table.partitioning", "public.events");
      assertThat(part.evidence()).containsEntry("key", "created_at");
      assertThat((List<?>) part.evidence().get("rangeDeletes")).hasSize(1);
      assertThat((List<?>) part.evidence().get("pruningQueries")).hasSize(1);
      assertThat((List<?>) part.evidence().get("notPruningQueries")).hasSize(1);
      assertThat((String) part.evidence().get("retention")).contains("2024-01-15");

      var noPrune = one("table.partitions-not-pruned", "public.metrics_p");
      assertThat(noPrune.evidence()).containsEntry("calls", 600L);

      var wide = one("table.wide-sparse", "public.profiles");
      assertThat(wide.evidence()).containsEntry("columns", 32);
      assertThat((long) (int) wide.evidence().get("sparseColumns")).isGreaterThanOrEqualTo(30);

      var json = one("table.json-keys-as-columns", "public.orders.attrs");
      assertThat(json.evidence().get("keys").toString()).contains("channel").contains("450");

      var join = one("table.one-to-one-join", "public.user_settings+public.users");
      assertThat(join.evidence()).containsEntry("calls", 5000L);
    }

    @Test
    void hostileNamesAreQuotedInSqlAndReadInObjects() {
      String object = "public.weird\"name; drop table users";
      var noPk = one("table.no-primary-key", object);
      assertThat(noPk.title()).isEqualTo("table has no primary key");
      var xid = one("table.xid-wraparound", object);
      assertThat(xid.sql())
          .isEqualTo("VACUUM (FREEZE, VERBOSE) public.\"weird\"\"name; drop table users\"");
    }
  }
}
