package io.pgdba.advisor.table;

import io.pgdba.workload.Fingerprinter;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two databases of the same shape: {@code planted} with one problem of every kind the table
 * advisor finds (each with data big enough to matter at the thresholds the IT sets), and
 * {@code clean} with each problem fixed the way the advice says. One workload for both.
 */
final class TableScenario {

  /** Thresholds scaled to a test database (the defaults are for production sizes). */
  static final Map<String, String> SETTINGS = Map.of(
      "table.min-rows", "10000",
      "table.bloat-min-bytes", String.valueOf(1 << 20),
      "table.partition-min-bytes", String.valueOf(1 << 20),
      "table.unused-min-stats-days", "0",
      "table.xid-age-warning", "5000",
      "table.min-calls", "100");

  static final String PLANTED = """
      create table customers(id bigint generated always as identity primary key,
        email varchar(1000) not null, country char(2) not null);
      insert into customers(email, country)
        select 'user' || i || '@example.com', 'C' || (i % 9) from generate_series(1, 20000) i;
      create table orders(id bigint primary key, customer_id bigint not null
        references customers(id), status text not null, created_at timestamptz not null,
        total numeric(10, 2), attrs jsonb, note text);
      insert into orders select i, i % 20000 + 1,
        (array['pending', 'shipped', 'delivered', 'cancelled'])[i % 4 + 1],
        timestamptz '2025-01-01' + i * interval '1 minute', i % 1000,
        jsonb_build_object('channel', case when i % 2 = 0 then 'web' else 'app' end),
        'n' || (i % 10) from generate_series(1, 40000) i;
      create index orders_created_idx on orders(created_at);
      create index orders_created_twin on orders(created_at);
      create index orders_status_idx on orders(status);
      create index orders_status_created_idx on orders(status, created_at);
      create index orders_total_idx on orders(total);
      create table events(id serial primary key, kind text not null,
        created_at timestamp not null, payload text);
      insert into events(kind, created_at, payload) select 'k' || (i % 50),
        timestamp '2024-01-01' + i * interval '10 minutes', md5(i::text) || md5(i::text)
        from generate_series(1, 30000) i;
      create sequence ticket_seq as integer;
      select setval('ticket_seq', 2100000000);
      create table payments(id numeric primary key, amount money not null);
      insert into payments select i, i * 1.5 from generate_series(1, 20000) i;
      create table legacy_refs(ref_id text primary key, label text);
      insert into legacy_refs select (1000000 + i)::text, 'x' || i from generate_series(1, 20000) i;
      create table audit_log(at timestamptz not null, msg text not null);
      insert into audit_log select now(), 'm' || i from generate_series(1, 20000) i;
      create table measurements(a bool, b bigint, c bool, d bigint, e bool, f bigint);
      insert into measurements select true, i, false, i, true, i
        from generate_series(1, 100000) i;
      create table bloated(id bigint primary key, payload text) with (autovacuum_enabled = false);
      insert into bloated select i, repeat('x', 100) from generate_series(1, 200000) i;
      delete from bloated where id % 10 < 7;
      create table imports(id bigint primary key, line text) with (autovacuum_enabled = false);
      create table sessions(id bigint primary key, seen timestamptz)
        with (autovacuum_enabled = false);
      insert into sessions select i, now() from generate_series(1, 20000) i;
      create table metrics_p(device int not null, at timestamptz not null, v float8)
        partition by range (at);
      create table metrics_p_2025 partition of metrics_p
        for values from ('2025-01-01') to ('2026-01-01');
      insert into metrics_p select i % 100, timestamptz '2025-01-01' + i * interval '1 minute', i
        from generate_series(1, 20000) i;
      create table users(id bigint primary key, name text not null);
      insert into users select i, 'u' || i from generate_series(1, 20000) i;
      create table user_settings(user_id bigint primary key references users(id), theme text);
      insert into user_settings select i, 't' || (i % 100) from generate_series(1, 20000) i;
      create table profiles(id bigint primary key, name text,
        f01 text, f02 text, f03 text, f04 text, f05 text, f06 text, f07 text, f08 text,
        f09 text, f10 text, f11 text, f12 text, f13 text, f14 text, f15 text, f16 text,
        f17 text, f18 text, f19 text, f20 text, f21 text, f22 text, f23 text, f24 text,
        f25 text, f26 text, f27 text, f28 text, f29 text, f30 text);
      insert into profiles(id, name, f01) select i, 'p' || i,
        case when i % 50 = 0 then 'x' end from generate_series(1, 20000) i;
      create table "weird""name; drop table users" (v int);
      insert into "weird""name; drop table users" select i from generate_series(1, 20000) i;
      """;

  /** Run after {@link #PLANTED} and a statistics reset: writes the counters need to see. */
  static final String PLANTED_AFTER_RESET = """
      vacuum analyze bloated;
      analyze customers, orders, events, payments, legacy_refs, audit_log, measurements,
        sessions, metrics_p, users, user_settings, profiles, "weird""name; drop table users";
      insert into events(kind, created_at, payload) select 'k' || (i % 50),
        timestamp '2024-06-01' + i * interval '1 minute', 'p' from generate_series(1, 20000) i;
      insert into imports select i, 'line ' || i from generate_series(1, 20000) i;
      update sessions set seen = now();
      """;

  static final String CLEAN = """
      create table customers(id bigint generated always as identity primary key,
        email text not null, country text not null);
      insert into customers(email, country)
        select 'user' || i || '@example.com', 'Country number ' || (i % 9000)
        from generate_series(1, 20000) i;
      create table order_statuses(id smallint primary key, name text not null unique);
      insert into order_statuses values (1, 'pending'), (2, 'shipped'), (3, 'delivered'),
        (4, 'cancelled');
      create table orders(id bigint primary key, customer_id bigint not null
        references customers(id), status_id smallint not null references order_statuses(id),
        created_at timestamptz not null, total numeric(10, 2), channel text, note text);
      insert into orders select i, i % 20000 + 1, i % 4 + 1,
        timestamptz '2025-01-01' + i * interval '1 minute', i % 1000,
        case when i % 2 = 0 then 'web' else 'app' end || i, 'note ' || i
        from generate_series(1, 40000) i;
      create index orders_customer_id_idx on orders(customer_id);
      create index orders_status_id_idx on orders(status_id);
      create table events(id bigint generated always as identity, kind text not null,
        created_at timestamptz not null, payload text, primary key (id, created_at))
        partition by range (created_at);
      create table events_2024 partition of events
        for values from ('2024-01-01') to ('2025-01-01');
      insert into events(kind, created_at, payload) select 'kind number ' || (i % 5000),
        timestamptz '2024-01-01' + i * interval '10 minutes', md5(i::text) || md5(i::text)
        from generate_series(1, 30000) i;
      create sequence ticket_seq as bigint;
      select setval('ticket_seq', 2100000000);
      create table payments(id bigint primary key, amount numeric(12, 2) not null);
      insert into payments select i, i * 1.5 from generate_series(1, 20000) i;
      create table legacy_refs(ref_id bigint primary key, label text);
      insert into legacy_refs select 1000000 + i, 'x' || i from generate_series(1, 20000) i;
      create table audit_log(id bigint generated always as identity primary key,
        at timestamptz not null, msg text not null);
      insert into audit_log(at, msg) select now(), 'm' || i from generate_series(1, 20000) i;
      create table measurements(id bigint generated always as identity primary key,
        b bigint, d bigint, f bigint, a bool, c bool, e bool);
      insert into measurements(b, d, f, a, c, e) select i, i, i, true, false, true
        from generate_series(1, 100000) i;
      create table bloated(id bigint primary key, payload text);
      insert into bloated select i, repeat('x', 100) from generate_series(1, 60000) i;
      create table imports(id bigint primary key, line text);
      insert into imports select i, 'line ' || i from generate_series(1, 20000) i;
      create table sessions(id bigint primary key, seen timestamptz);
      insert into sessions select i, now() from generate_series(1, 20000) i;
      create table metrics_p(device int not null, at timestamptz not null, v float8,
        primary key (device, at)) partition by list (device);
      create table metrics_p_all partition of metrics_p default;
      insert into metrics_p select i % 100, timestamptz '2025-01-01' + i * interval '1 minute', i
        from generate_series(1, 20000) i;
      create table users(id bigint primary key, name text not null, theme text);
      insert into users select i, 'u' || i, 't' || i from generate_series(1, 20000) i;
      create table user_settings(id bigint primary key, user_id bigint not null
        references users(id), theme text);
      create index user_settings_user_id_idx on user_settings(user_id);
      insert into user_settings select i, i % 20000 + 1, 't' || i from generate_series(1, 20000) i;
      create table profiles(id bigint primary key, name text,
        f01 text, f02 text, f03 text, f04 text, f05 text, f06 text, f07 text, f08 text,
        f09 text, f10 text, f11 text, f12 text, f13 text, f14 text, f15 text, f16 text,
        f17 text, f18 text, f19 text, f20 text, f21 text, f22 text, f23 text, f24 text,
        f25 text, f26 text, f27 text, f28 text, f29 text, f30 text);
      insert into profiles select i, 'p' || i, 'a' || i, 'b' || i, 'c' || i, 'd' || i,
        'e' || i, 'f' || i, 'g' || i, 'h' || i, 'i' || i, 'j' || i, 'k' || i, 'l' || i,
        'm' || i, 'n' || i, 'o' || i, 'p' || i, 'q' || i, 'r' || i, 's' || i, 't' || i,
        'u' || i, 'v' || i, 'w' || i, 'x' || i, 'y' || i, 'z' || i, 'aa' || i, 'bb' || i,
        'cc' || i, 'dd' || i from generate_series(1, 20000) i;
      create table "weird""name; drop table users" (id bigint primary key, v int);
      insert into "weird""name; drop table users" select i, i from generate_series(1, 20000) i;
      vacuum (freeze, analyze);
      """;

  /** The log's workload: fingerprint and normalized text as pgdba computes them. */
  static Workload workload() {
    var list = new ArrayList<QueryStats>();
    q(list, "SELECT id, total FROM orders WHERE created_at >= '2025-01-03' AND created_at"
        + " < '2025-01-04'", 500);
    q(list, "SELECT attrs->>'channel' FROM orders WHERE id = 17", 300);
    q(list, "SELECT count(*) FROM orders WHERE attrs->>'channel' = 'web'", 150);
    q(list, "SELECT id, kind FROM events WHERE created_at >= '2024-03-01' AND created_at"
        + " < '2024-03-02'", 800);
    q(list, "DELETE FROM events WHERE created_at < '2024-01-15'", 30);
    q(list, "SELECT count(*) FROM events WHERE kind = 'k7'", 40);
    q(list, "SELECT avg(v) FROM metrics_p WHERE device = 42", 600);
    q(list, "SELECT u.name, s.theme FROM users u JOIN user_settings s ON s.user_id = u.id"
        + " WHERE u.id = 4711", 5000);
    var totals = new WorkloadTotals(list.stream().mapToLong(QueryStats::calls).sum(), 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, list.size(), 0, null, null);
    return new Workload(totals, list);
  }

  private static void q(List<QueryStats> list, String sql, long calls) {
    var n = Fingerprinter.normalize(sql);
    list.add(new QueryStats(n.fingerprint(), n.text(), sql, List.of(), null, calls, calls, 1, 1,
        1, 1, 1, 1, null, null, Map.of(), Map.of(), Map.of(), List.of()));
  }

  static void plant(Connection c, boolean pgstattuple) throws SQLException {
    try (var st = c.createStatement()) {
      st.execute(PLANTED);
      if (pgstattuple) {
        st.execute("create extension pgstattuple");
      }
      // a failed CREATE UNIQUE INDEX CONCURRENTLY leaves an invalid index behind
      try {
        st.execute("create unique index concurrently orders_note_key on orders(note)");
      } catch (SQLException expected) {
        // duplicate key: that is the point
      }
      st.execute("select pg_stat_reset()");
      each(st, PLANTED_AFTER_RESET);
      st.execute("select setval('events_id_seq', 1900000000)");
      // transactions age the unfrozen tables past the IT's wraparound threshold
      st.execute("do $$ begin for i in 1..6000 loop perform txid_current(); commit; end loop;"
          + " end $$");
    }
  }

  /** One statement at a time: VACUUM refuses to run in a multi-statement string. */
  private static void each(java.sql.Statement st, String script) throws SQLException {
    for (String sql : script.split(";\n")) {
      if (!sql.isBlank()) {
        st.execute(sql);
      }
    }
  }

  static void clean(Connection c) throws SQLException {
    try (var st = c.createStatement()) {
      each(st, CLEAN);
      st.execute("select pg_stat_reset()");
    }
  }
}
