package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index kinds beyond the plain btree, each on data where it truly pays and beside a near
 * miss where it must not be proposed, on PostgreSQL 13 and 17 without HypoPG (the cost model):
 * mixed sort directions, OR arms for a BitmapOr, partial indexes for {@code <>} the common value
 * and for a rare value with ORDER BY ... LIMIT, GIN for jsonb, arrays and full text, expression
 * btrees on {@code data->>'key'}, trigram GIN where pg_trgm is installed, and the order of the
 * equality columns over the workload. Each index proposed is built and the query's real plan
 * must then use it.
 */
class IndexKindsIT {

  static final String SCHEMA = """
      create extension if not exists pg_trgm;
      create table tickets(id bigint primary key, status text not null, priority int not null,
        created_at timestamptz not null, team int not null, assignee int not null,
        reviewer int not null, note text not null) with (autovacuum_enabled = false);
      insert into tickets select i,
        case when i % 100 = 0 then 'pending' when i % 20 = 1 then 'open' else 'done' end,
        i % 5, timestamptz '2025-01-01' + ((i * 7919) % 200000) * interval '1 minute',
        i % 50, (i * 31) % 5000, (i * 17) % 5000, 'note ' || md5(i::text)
        from generate_series(1, 200000) i;
      create index tickets_team_created_idx on tickets(team, created_at);
      create table docs(id bigint primary key, data jsonb not null, tags text[] not null,
        body text not null, title text not null) with (autovacuum_enabled = false);
      insert into docs select i,
        jsonb_build_object('customer', i % 20000, 'plan',
          case when i % 10 = 0 then 'pro' else 'free' end, 'email', 'u' || i || '@example.com',
          'sku', 'S' || i) || case when i % 100 = 0 then '{"vip": true}' else '{}' end::jsonb,
        array['t' || (i % 1000), 'common'],
        case when i % 1000 = 0 then 'the zebra runs fast' else 'the cat sleeps' end || ' ' || i,
        'Title ' || i || case when i % 2000 = 0 then ' wombat' else '' end
        from generate_series(1, 100000) i;
      create index docs_title_fts on docs using gin (to_tsvector('simple', title));
      create index docs_sku_idx on docs ((data ->> 'sku'));
      create table visits(id bigint primary key, site int not null, country int not null,
        day date not null, payload text not null) with (autovacuum_enabled = false);
      insert into visits select i, i % 5000, i % 200, date '2025-01-01' + (i % 365),
        md5(i::text) from generate_series(1, 200000) i;
      create table ledger(id bigint primary key, account int not null,
        amount numeric(12, 2) not null, note text not null);
      insert into ledger select i, (i * 7919) % 5000, (i % 1000) / 10.0, md5(i::text)
        from generate_series(1, 200000) i;
      create table ledger_fresh(like ledger including all) with (autovacuum_enabled = false);
      insert into ledger_fresh select * from ledger;
      analyze;
      """;

  /** The schema's database, built once per server, which each test's database copies. */
  static final String TEMPLATE = "index_kinds_template";

  /**
   * The schema, and ledger vacuumed: all-visible, where an index-only scan pays. The other tables
   * keep autovacuum off: a worker that marks them all-visible mid-test would make a covering
   * INCLUDE pay there too, and the expected sets are for a heap the visibility map does not cover.
   */
  static void create(Connection admin) throws java.sql.SQLException {
    try (var st = admin.createStatement()) {
      st.execute(SCHEMA);
      // An autovacuum worker's snapshot right after the load can hold the horizon back, and
      // VACUUM then marks nothing all-visible: retried until the visibility map covers ledger.
      for (int i = 0; i < 30; i++) {
        st.execute("vacuum analyze ledger");
        try (var rs = st.executeQuery("select relallvisible::float8 / greatest(relpages, 1)"
            + " from pg_class where oid = 'ledger'::regclass")) {
          rs.next();
          if (rs.getDouble(1) > 0.9) {
            return;
          }
        }
        Thread.sleep(1000);
      }
      throw new IllegalStateException("VACUUM never made ledger all-visible");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Case -> statement and the DDL expected ("table USING ..." per index), or a reason. */
  static final Map<String, String[]> CASES = new LinkedHashMap<>();

  static {
    // 1. mixed sort directions; the same direction everywhere is a plain index read backwards
    c("mixed_order", "SELECT id FROM tickets ORDER BY priority DESC, created_at LIMIT 20",
        "tickets USING btree (priority DESC, created_at)");
    c("same_direction_order",
        "SELECT id FROM tickets ORDER BY priority DESC, created_at DESC LIMIT 20",
        "tickets USING btree (priority, created_at)");
    c("backward_scan_existing",
        "SELECT id FROM tickets WHERE team = 3 ORDER BY created_at DESC LIMIT 20",
        "reason:already indexed by tickets_team_created_idx");
    // 2. OR across columns: an index per arm, only when every arm gets one
    c("or_two_arms", "SELECT id FROM tickets WHERE assignee = 42 OR reviewer = 42",
        "tickets USING btree (assignee)|tickets USING btree (reviewer)");
    c("or_one_arm_indexed", "SELECT id FROM tickets WHERE team = 3 OR assignee = 42",
        "tickets USING btree (assignee)");
    c("or_unindexable_arm",
        "SELECT id FROM tickets WHERE assignee = 42 OR note LIKE '%abc%'",
        "reason:an OR on tickets whose arms are not all indexable");
    // 3. <> the common value, a rare value with ORDER BY ... LIMIT, ORDER BY ... LIMIT alone
    c("not_common_value", "SELECT id FROM tickets WHERE status <> 'done'",
        "tickets USING btree (status) WHERE status <> 'done'");
    c("not_common_value_ordered",
        "SELECT id FROM tickets WHERE status <> 'done' ORDER BY created_at LIMIT 20",
        "tickets USING btree (created_at) WHERE status <> 'done'");
    c("not_rare_value", "SELECT id FROM tickets WHERE status <> 'pending'",
        "reason:<> on tickets.status matches most rows");
    c("rare_value_order_limit",
        "SELECT * FROM tickets WHERE status = 'pending' ORDER BY created_at LIMIT 50",
        "tickets USING btree (created_at) WHERE status = 'pending'");
    c("order_limit_no_where", "SELECT * FROM tickets ORDER BY created_at DESC LIMIT 10",
        "tickets USING btree (created_at)");
    // 4. GIN: jsonb @> (jsonb_path_ops), arrays, full text on the query's own to_tsvector
    c("jsonb_contains", "SELECT id FROM docs WHERE data @> '{\"customer\": 4711}'",
        "docs USING gin (data jsonb_path_ops)");
    c("jsonb_contains_common", "SELECT id FROM docs WHERE data @> '{\"plan\": \"free\"}'",
        "reason:not selective");
    c("array_contains", "SELECT id FROM docs WHERE tags @> ARRAY['t42']",
        "docs USING gin (tags)");
    c("array_overlap", "SELECT id FROM docs WHERE tags && ARRAY['t42', 't43']",
        "docs USING gin (tags)");
    c("array_any", "SELECT id FROM docs WHERE 't42' = ANY(tags)",
        "reason:= ANY(docs.tags) on an array column");
    c("array_contains_common", "SELECT id FROM docs WHERE tags @> ARRAY['common']",
        "reason:not selective");
    c("full_text",
        "SELECT id FROM docs WHERE to_tsvector('english', body)"
            + " @@ to_tsquery('english', 'zebra')",
        "docs USING gin ((to_tsvector('english', body)))");
    c("full_text_no_config",
        "SELECT id FROM docs WHERE to_tsvector(body) @@ to_tsquery('zebra')",
        "reason:to_tsvector without a configuration on docs.body");
    c("full_text_indexed",
        "SELECT id FROM docs WHERE to_tsvector('simple', title)"
            + " @@ to_tsquery('simple', 'wombat')",
        "reason:already indexed by docs_title_fts");
    // 5. expression btree on data->>'key'
    c("json_field", "SELECT id FROM docs WHERE data->>'email' = 'u4711@example.com'",
        "docs USING btree ((data ->> 'email'))");
    c("json_field_indexed", "SELECT id FROM docs WHERE data->>'sku' = 'S4711'",
        "reason:already indexed by docs_sku_idx");
    // 6. trigrams where pg_trgm is installed
    c("trigram", "SELECT id FROM docs WHERE title ILIKE '%wombat%'",
        "docs USING gin (title gin_trgm_ops)");
    c("trigram_too_short", "SELECT id FROM docs WHERE title LIKE '%ab%'",
        "reason:no run of 3 characters");
    // 7. covering INCLUDE where an index-only scan pays: not on a table the visibility map
    // does not cover (never vacuumed), where the heap is read anyway
    c("covering", "SELECT account, amount FROM ledger WHERE account BETWEEN 100 AND 110",
        "ledger USING btree (account) INCLUDE (amount)");
    c("covering_not_all_visible",
        "SELECT account, amount FROM ledger_fresh WHERE account BETWEEN 100 AND 110",
        "ledger_fresh USING btree (account)");
    // 8. equality then range
    c("equality_then_range",
        "SELECT id FROM visits WHERE site = 7 AND day >= '2025-12-01'",
        "visits USING btree (site, day)");
  }

  private static void c(String name, String sql, String expected) {
    CASES.put(name, new String[] {sql, expected});
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void eachKindWhereItPaysAndNoneWhereItDoesNot(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("index_kinds", TEMPLATE, IndexKindsIT::create);
    var failures = new ArrayList<String>();
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "index_kinds");
        Connection admin = pg.connect("index_kinds")) {
      var catalog = new CatalogReader().read(ro);
      for (var e : CASES.entrySet()) {
        String name = e.getKey();
        String sql = e.getValue()[0];
        String expected = e.getValue()[1];
        var advice = advise(catalog, ro, List.of(AdvisorScenario.query(name, sql, 100)));
        var got = targets(advice);
        System.out.println("PG" + major + " kinds " + name + ": " + got + " " + advice.skipped());
        if (expected.startsWith("reason:")) {
          String reason = advice.skipped().stream().filter(s -> s.fingerprint().equals(name))
              .map(IndexAdvice.SkippedQuery::reason).findFirst().orElse("");
          if (!got.isEmpty() || !reason.contains(expected.substring("reason:".length()))) {
            failures.add(name + ": expected no index and a reason with '"
                + expected.substring(7) + "', got " + got + " / " + reason);
          }
          continue;
        }
        if (!got.equals(List.of(expected.split("\\|")))) {
          failures.add(name + ": expected " + expected + ", got " + got);
          continue;
        }
        // Built for real, the query's plan uses every index proposed for it.
        builtAndUsed(admin, advice, sql, failures, name);
      }
    }
    assertThat(failures).as("PG" + major).isEmpty();
  }

  /** 8. Among equality columns, the one most queries test leads: one index serves both. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void theEqualityColumnMostQueriesTestLeads(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("index_kinds_order", TEMPLATE, IndexKindsIT::create);
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "index_kinds_order")) {
      var catalog = new CatalogReader().read(ro);
      // site is the more selective column; country is the one both queries test.
      var advice = advise(catalog, ro, List.of(
          AdvisorScenario.query("both", "SELECT id FROM visits WHERE site = 7 AND country = 7",
              100),
          AdvisorScenario.query("country", "SELECT id FROM visits WHERE country = 7", 100)));
      assertThat(targets(advice)).containsExactly("visits USING btree (country, site)");
      // jsonb: @> alone gets jsonb_path_ops; with a key test (?) as well, the default jsonb_ops.
      advice = advise(catalog, ro, List.of(
          AdvisorScenario.query("contains",
              "SELECT id FROM docs WHERE data @> '{\"customer\": 4711}'", 100),
          AdvisorScenario.query("vip", "SELECT id FROM docs WHERE data ? 'vip'", 100)));
      assertThat(targets(advice)).containsExactly("docs USING gin (data)");
    }
  }

  /** 6. Without pg_trgm the reason says what to install. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {17})
  void withoutPgTrgmTheReasonSaysInstallIt(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    // the schema has no trigram index: without the extension it is the same database
    pg.createDatabase("index_kinds_notrgm", TEMPLATE, IndexKindsIT::create);
    try (Connection admin = pg.connect("index_kinds_notrgm"); var st = admin.createStatement()) {
      st.execute("drop extension pg_trgm");
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "index_kinds_notrgm")) {
      var catalog = new CatalogReader().read(ro);
      assertThat(catalog.hasExtension("pg_trgm")).isFalse();
      var advice = advise(catalog, ro, List.of(AdvisorScenario.query("infix",
          "SELECT id FROM docs WHERE title ILIKE '%wombat%'", 100)));
      assertThat(targets(advice)).isEmpty();
      assertThat(advice.skipped()).singleElement().satisfies(s -> assertThat(s.reason())
          .contains("LIKE/ILIKE with a leading wildcard on docs.title")
          .contains("install pg_trgm"));
    }
  }

  /**
   * Logged text is attacker-controlled: a jsonb key and a text search configuration name with
   * quotes, a semicolon and a comment reach the DDL only as literals. The applier's own check
   * takes the statement as one, and building it creates exactly that index, nothing else.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void hostileKeysAndConfigurationsReachTheDdlOnlyAsLiterals(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("index_kinds_hostile", TEMPLATE, IndexKindsIT::create);
    try (Connection admin = pg.connect("index_kinds_hostile"); var st = admin.createStatement()) {
      st.execute("create text search configuration \"it's;cfg\" (copy = english)");
    }
    String key = "it's\"; drop table tickets; --";
    String keyLiteral = key.replace("'", "''");
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "index_kinds_hostile");
        Connection admin = pg.connect("index_kinds_hostile")) {
      var catalog = new CatalogReader().read(ro);
      var advice = advise(catalog, ro, List.of(
          AdvisorScenario.query("key", "SELECT id FROM docs WHERE data->>'" + keyLiteral
              + "' = 'x'", 100),
          AdvisorScenario.query("config", "SELECT id FROM docs WHERE to_tsvector("
              + "'\"it''s;cfg\"', body) @@ to_tsquery('english', 'zebra')", 100)));
      assertThat(targets(advice)).containsExactlyInAnyOrder(
          "docs USING btree ((data ->> 'it''s\"; drop table tickets; --'))",
          "docs USING gin ((to_tsvector('\"it''s;cfg\"', body)))");
      var pattern = java.util.regex.Pattern.compile(
          "(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s.+");
      try (var st = admin.createStatement()) {
        for (var r : advice.recommendations()) {
          String ddl = io.pgdba.apply.IndexApplierAccess.checked(r.ddl(), pattern);
          st.execute(ddl);
        }
        try (var rs = st.executeQuery("select count(*) from pg_indexes where tablename = 'docs'"
            + " and indexname like 'idx_docs_%'")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(2);
        }
        try (var rs = st.executeQuery("select count(*) from tickets")) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(200000);
        }
      }
    }
  }

  /**
   * The reasons for LIKE and ILIKE say what they are: pg_stat_statements' {@code ILIKE $1} is a
   * LIKE with an unknown pattern (not "no WHERE"), and {@code ILIKE 'moh'} has no wildcard at
   * all (it is case-insensitive, not a leading wildcard). NOT LIKE gets no candidate.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void likeAndIlikeReasonsSayWhatTheyAre(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    pg.createDatabase("index_kinds_like");
    try (Connection admin = pg.connect("index_kinds_like"); var st = admin.createStatement()) {
      st.execute("create table people(id bigint primary key, name text not null);"
          + " insert into people select i, 'name ' || md5(i::text)"
          + " from generate_series(1, 50000) i; analyze people;");
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "index_kinds_like")) {
      var advice = advise(new CatalogReader().read(ro), ro, List.of(
          AdvisorScenario.query("param", "SELECT id FROM people WHERE name ILIKE $1", 100),
          AdvisorScenario.query("no_wildcard", "SELECT id FROM people WHERE name ILIKE 'moh'",
              100),
          AdvisorScenario.query("not_like", "SELECT id FROM people WHERE name NOT LIKE 'ab%'",
              100)));
      assertThat(targets(advice)).isEmpty();
      var reasons = new java.util.TreeMap<String, String>();
      advice.skipped().forEach(s -> reasons.put(s.fingerprint(), s.reason()));
      System.out.println("PG" + major + " like reasons: " + reasons);
      assertThat(reasons.get("param"))
          .contains("LIKE/ILIKE with a parameter as the pattern on people.name")
          .contains("install pg_trgm").doesNotContain("no WHERE");
      assertThat(reasons.get("no_wildcard"))
          .contains("ILIKE on people.name is case-insensitive")
          .contains("lower(name)").doesNotContain("leading wildcard")
          .doesNotContain("moh"); // log text is not echoed into the reason
      assertThat(reasons.get("not_like")).isNotBlank().doesNotContain("no WHERE");
    }
  }

  static IndexAdvice advise(Catalog catalog, Connection ro, List<QueryStats> queries) {
    return IndexAdvisor.advise(new Workload(AdvisorScenario.workload().totals(), queries),
        catalog, ro, AdvisorOptions.defaults());
  }

  /** Each CREATE's target, "table USING method (keys) [WHERE ...]", sorted. */
  static List<String> targets(IndexAdvice advice) {
    return advice.recommendations().stream()
        .filter(r -> r.kind() == Recommendation.Kind.CreateIndex)
        .map(r -> r.ddl().substring(r.ddl().indexOf(" ON ") + 4).replace("public.", ""))
        .sorted().toList();
  }

  private static void builtAndUsed(Connection admin, IndexAdvice advice, String sql,
      List<String> failures, String name) throws Exception {
    var creates = advice.recommendations().stream()
        .filter(r -> r.kind() == Recommendation.Kind.CreateIndex).toList();
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.ddl());
      }
      String plan;
      try (var rs = st.executeQuery("EXPLAIN " + sql)) {
        var text = new StringBuilder();
        while (rs.next()) {
          text.append(rs.getString(1)).append('\n');
        }
        plan = text.toString();
      }
      for (var r : creates) {
        if (!plan.contains(r.indexName())) {
          failures.add(name + ": the plan does not use " + r.indexName() + ":\n" + plan);
        }
      }
      for (var r : creates) {
        st.execute(r.rollbackDdl());
      }
    }
  }
}
