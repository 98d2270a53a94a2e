package io.pgdba.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.apply.ApplyOutcome.Result;
import io.pgdba.apply.PlanVerifier.QueryExample;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.ddl.IndexDdl;
import io.pgdba.ddl.IndexDdl.PartitionIndex;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator's apply of a partitioned parent's index script, on PostgreSQL 13 and 17: each
 * statement checked alone, a valid partition index already there attached and not rebuilt, the
 * parent's index valid and used, the rollback dropping it all, and a tampered script refused.
 */
class PartitionedApplyIT {

  static final String HOSTILE = "ev'; drop table accounts; --\"2025_03";

  final IndexApplier applier = new IndexApplier(Duration.ofSeconds(2));

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void appliesTheScriptAttachesWhatIsThereAndRollsBack(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partitioned_apply");
    var target = new ConnectionSettings("localhost", pg.port(), "partitioned_apply", "postgres",
        "postgres", "disable", null, 5);
    try (Connection admin = pg.connect("partitioned_apply"); var st = admin.createStatement()) {
      st.execute("""
          create table accounts(id int primary key);
          create table events(id bigint not null, account_id int not null,
            at timestamptz not null) partition by range (at);
          create table events_2025_01 partition of events
            for values from ('2025-01-01') to ('2025-02-01');
          create table events_2025_02 partition of events
            for values from ('2025-02-01') to ('2025-03-01');
          create table "ev'; drop table accounts; --""2025_03" partition of events
            for values from ('2025-03-01') to ('2025-04-01');
          insert into events select i, (i::bigint * 7919) % 20000,
            timestamptz '2025-01-01' + (i % (89 * 24 * 60)) * interval '1 minute'
            from generate_series(1, 100000) i;
          analyze events;
          -- A DBA started by hand: one partition's index is there and valid.
          create index idx_events_2025_02_account_id on events_2025_02 (account_id);
          """);
    }
    var def = new IndexDefinition("public", "events", "btree",
        List.of(IndexKey.column("account_id")), List.of(), null);
    var parts = List.of(
        new PartitionIndex("public", "events_2025_01", "idx_events_2025_01_account_id"),
        new PartitionIndex("public", "events_2025_02", "idx_events_2025_02_account_id"),
        new PartitionIndex("public", HOSTILE, "idx_ev_2025_03_account_id"));
    String script = IndexDdl.script(IndexDdl.createOnParent(def, "idx_events_account_id", parts));
    var apply = new IndexTarget("public", "idx_events_account_id", script);
    assertThat(IndexApplier.isParentScript(script)).isTrue();

    long before = oid(target, "idx_events_2025_02_account_id");
    var built = applier.createOnParent(target, apply, w -> { });
    assertThat(built.result()).as(built.message()).isEqualTo(Result.BUILT);
    assertThat(built.message()).isEqualTo("built public.idx_events_account_id on 3 partitions");
    assertThat(applier.state(target, "public", "idx_events_account_id"))
        .isEqualTo(IndexState.VALID);
    assertThat(oid(target, "idx_events_2025_02_account_id")).isEqualTo(before);
    assertThat(oid(target, "accounts")).isPositive();

    var verification = new PlanVerifier().verify(target, "public", "idx_events_account_id",
        List.of(new QueryExample("f1", "SELECT id FROM events WHERE account_id = 4711", 2000.0)));
    assertThat(verification.checks()).singleElement()
        .satisfies(c -> assertThat(c.usesIndex()).isTrue());
    assertThat(verification.indexSizeBytes()).isPositive();

    assertThat(applier.createOnParent(target, apply, w -> { }).result())
        .isEqualTo(Result.ALREADY_PRESENT);

    var dropped = applier.drop(target, new IndexTarget("public", "idx_events_account_id",
        IndexDdl.dropOnParent("public", "idx_events_account_id")));
    assertThat(dropped.result()).isEqualTo(Result.DROPPED);
    assertThat(oid(target, "idx_events_2025_01_account_id")).isZero();
    assertThat(oid(target, "idx_ev_2025_03_account_id")).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {17})
  void aTamperedScriptIsRefusedBeforeAnythingRuns(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partitioned_tamper");
    var target = new ConnectionSettings("localhost", pg.port(), "partitioned_tamper", "postgres",
        "postgres", "disable", null, 5);
    try (Connection admin = pg.connect("partitioned_tamper"); var st = admin.createStatement()) {
      st.execute("create table t(a int) partition by list (a);"
          + " create table t1 partition of t for values in (1);"
          + " create table plain(a int); create index plain_a on plain(a)");
    }
    String parent = "CREATE INDEX IF NOT EXISTS i ON ONLY public.t USING btree (a)";
    String build = "CREATE INDEX CONCURRENTLY IF NOT EXISTS i1 ON public.t1 USING btree (a)";
    String attach = "ALTER INDEX public.i ATTACH PARTITION public.i1";
    for (String script : List.of(
        parent + ";\n" + build + ";\n" + attach + ";\nDROP TABLE plain;",
        parent + ";\n" + build + ";\nALTER INDEX public.plain_a ATTACH PARTITION public.i1;",
        parent + ";\n" + build + " WHERE a > 0 /* */;\n" + attach + ";",
        parent + ";\n" + build + ";\n" + attach + "; DROP TABLE plain",
        parent + ";\nDROP TABLE plain;\n" + attach + ";")) {
      assertThatThrownBy(() -> applier.createOnParent(target,
          new IndexTarget("public", "i", script), w -> { }))
          .as(script).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(oid(target, "i")).isZero();
    assertThat(oid(target, "plain")).isPositive();
    // A plain index is never dropped without CONCURRENTLY (that would lock its table).
    assertThatThrownBy(() -> applier.drop(target, new IndexTarget("public", "plain_a",
        "DROP INDEX IF EXISTS public.plain_a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only for the index of a partitioned table");
    assertThat(oid(target, "plain_a")).isPositive();
  }

  /**
   * A partition's build fails (its data breaks the expression): the outcome says the parent's
   * index is INVALID with how many partitions attached, and the operator's clean-up of an
   * invalid leftover drops it with the attached ones, leaving nothing half-built.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aFailedPartitionBuildSaysSoAndIsCleanedUp(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partitioned_half");
    var target = new ConnectionSettings("localhost", pg.port(), "partitioned_half", "postgres",
        "postgres", "disable", null, 5);
    try (Connection admin = pg.connect("partitioned_half"); var st = admin.createStatement()) {
      st.execute("create table t(k int not null, v int not null) partition by list (k);"
          + " create table t1 partition of t for values in (1);"
          + " create table t2 partition of t for values in (2);"
          + " insert into t select 1, i from generate_series(1, 1000) i;"
          + " insert into t select 2, i - 500 from generate_series(1, 1000) i");
    }
    var def = new IndexDefinition("public", "t", "btree",
        List.of(IndexKey.expression("(100 / v)")), List.of(), null);
    String script = IndexDdl.script(IndexDdl.createOnParent(def, "t_inv", List.of(
        new PartitionIndex("public", "t1", "t1_inv"),
        new PartitionIndex("public", "t2", "t2_inv"))));
    var outcome = applier.createOnParent(target, new IndexTarget("public", "t_inv", script),
        w -> { });
    assertThat(outcome.result()).isEqualTo(Result.FAILED_INVALID_LEFT);
    assertThat(outcome.message()).startsWith("partition index 2 of 2: SQLSTATE 22012")
        .endsWith("the parent's index public.t_inv is INVALID (no query uses it) with 1 of 2"
            + " partitions attached: apply again to finish it, or roll back");
    assertThat(applier.state(target, "public", "t_inv")).isEqualTo(IndexState.INVALID);
    assertThat(oid(target, "t2_inv")).isZero();
    assertThat(applier.dropInvalidLeftover(target, new IndexTarget("public", "t_inv", null)))
        .isTrue();
    assertThat(oid(target, "t_inv")).isZero();
    assertThat(oid(target, "t1_inv")).isZero();
  }

  private static long oid(ConnectionSettings target, String name) throws SQLException {
    try (var c = TargetConnections.open(target, "test"); var st = c.createStatement();
        var rs = st.executeQuery("select coalesce((select oid::bigint from pg_class where"
            + " relname = '" + name.replace("'", "''") + "'), 0)")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
