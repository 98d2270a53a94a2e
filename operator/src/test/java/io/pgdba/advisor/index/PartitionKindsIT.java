package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partitions the parent's index script cannot cover, with hostile names: a foreign partition
 * (postgres_fdw over a loopback server) can carry no index, and an ON ONLY parent index stays
 * INVALID forever beside it; a partition that is itself partitioned needs an ON ONLY level of
 * its own. Neither gets a script that would fail: each query gets a reason naming the
 * partition, and no statement with the hostile name is ever written.
 */
class PartitionKindsIT {

  static final String FOREIGN = "ev'; drop table accounts; --\"remote";
  static final String SUB = "lg'; drop table accounts; --\"2025";

  private static String schema(int port, String database) {
    return """
        create extension postgres_fdw;
        create server loopback foreign data wrapper postgres_fdw
          options (host 'localhost', port '%d', dbname '%s');
        create user mapping for current_user server loopback options (user 'postgres');
        create table accounts(id int primary key);
        create table events(id bigint not null, account_id int not null,
          at timestamptz not null) partition by range (at);
        create table events_2025_01 partition of events
          for values from ('2025-01-01') to ('2025-02-01');
        create table events_2025_02 partition of events
          for values from ('2025-02-01') to ('2025-03-01');
        create foreign table "ev'; drop table accounts; --""remote" partition of events
          for values from ('2024-01-01') to ('2025-01-01')
          server loopback options (table_name 'remote_events');
        insert into events select i, (i::bigint * 7919) %% 20000,
          timestamptz '2025-01-01' + (i %% (59 * 24 * 60)) * interval '1 minute'
          from generate_series(1, 200000) i;

        create table logs(id bigint not null, account_id int not null, region text not null,
          at timestamptz not null) partition by list (region);
        create table logs_eu partition of logs for values in ('eu');
        create table "lg'; drop table accounts; --""2025" partition of logs
          for values in ('us') partition by range (at);
        create table logs_us_h1 partition of "lg'; drop table accounts; --""2025"
          for values from ('2025-01-01') to ('2025-07-01');
        create table logs_us_h2 partition of "lg'; drop table accounts; --""2025"
          for values from ('2025-07-01') to ('2026-01-01');
        insert into logs select i, (i::bigint * 7919) %% 20000,
          case when i %% 2 = 0 then 'eu' else 'us' end,
          timestamptz '2025-01-01' + (i %% (360 * 24 * 60)) * interval '1 minute'
          from generate_series(1, 200000) i;
        analyze events_2025_01, events_2025_02, events, logs;
        """.formatted(port, database);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void foreignAndSubPartitionedPartitionsGetAReasonNeverAScript(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("partition_kinds");
    try (Connection admin = pg.connect("partition_kinds"); var st = admin.createStatement()) {
      // Committed before the foreign table is declared: the loopback connection must see it.
      st.execute("create table remote_events(id bigint not null, account_id int not null,"
          + " at timestamptz not null)");
      st.execute(schema(pg.port(), "partition_kinds"));
      // The loopback works: the foreign partition is a real one the planner reads.
      st.execute("select count(*) from events where at < '2025-01-01'");
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "partition_kinds")) {
      var catalog = new CatalogReader().read(ro);
      var advice = IndexKindsIT.advise(catalog, ro, List.of(
          AdvisorScenario.query("events_by_account",
              "SELECT id, at FROM events WHERE account_id = 4711", 1000),
          AdvisorScenario.query("logs_by_account",
              "SELECT id, at FROM logs WHERE account_id = 4711", 1000)));
      System.out.println("PG" + major + " partition kinds: " + advice);
      assertThat(advice.recommendations()).isEmpty();
      assertThat(advice.skipped()).hasSize(2);
      assertThat(advice.skipped().get(0).fingerprint()).isEqualTo("events_by_account");
      assertThat(advice.skipped().get(0).reason()).startsWith("partition " + FOREIGN
          + " of events is a foreign table, which cannot carry an index")
          .contains("index the remote table behind " + FOREIGN);
      assertThat(advice.skipped().get(1).fingerprint()).isEqualTo("logs_by_account");
      assertThat(advice.skipped().get(1).reason()).startsWith("partition " + SUB
          + " of logs is itself partitioned")
          .contains("ON ONLY on " + SUB + " too");
    }
    // Why no ON ONLY script beside a foreign partition: every plain partition's index built
    // and attached, the parent's index is still INVALID (it counts the foreign partition).
    try (Connection admin = pg.connect("partition_kinds"); var st = admin.createStatement()) {
      st.execute("create index ev_acc on only events (account_id)");
      for (String p : List.of("events_2025_01", "events_2025_02")) {
        st.execute("create index concurrently " + p + "_acc on " + p + " (account_id)");
        st.execute("alter index ev_acc attach partition " + p + "_acc");
      }
      try (var rs = st.executeQuery(
          "select indisvalid from pg_index where indexrelid = 'ev_acc'::regclass")) {
        rs.next();
        assertThat(rs.getBoolean(1)).isFalse();
      }
      st.execute("drop index ev_acc");
    }
  }
}
