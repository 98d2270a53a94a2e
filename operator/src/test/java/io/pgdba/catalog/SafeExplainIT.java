package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each defence of {@link SafeExplain} on its own, against real PostgreSQL 13 and 17, on a
 * superuser session that could write: what keeps the data safe here is SafeExplain alone, not the
 * read-only session that analyses also use.
 */
class SafeExplainIT {

  private static final String DB = "safe_explain";

  private static synchronized TestPostgres server(int major) throws SQLException {
    var pg = TestPostgres.shared(major);
    try (var c = pg.connect("postgres");
        var rs = c.createStatement().executeQuery(
            "select 1 from pg_database where datname = '" + DB + "'")) {
      if (rs.next()) {
        return pg;
      }
    }
    pg.createDatabase(DB);
    try (var c = pg.connect(DB); var st = c.createStatement()) {
      st.execute("create table orders (id int primary key, customer_id int, note text)");
      st.execute("insert into orders select g, g % 100, 'n' || g from generate_series(1, 5000) g");
      st.execute("analyze orders");
      st.execute("create table guard (x int)");
      st.execute("insert into guard values (1)");
      st.execute("create sequence calls");
      // Immutable with a constant argument: the planner folds it, so it runs during EXPLAIN.
      st.execute("create function evil(int) returns int immutable language plpgsql as"
          + " $$begin perform nextval('calls'); return $1; end$$");
      // The same function hidden behind an operator: no function call in the parse tree.
      st.execute("create function evil_eq(int, int) returns boolean immutable language plpgsql"
          + " as $$begin perform nextval('calls'); return $1 = $2; end$$");
      st.execute("create operator public.@@ (leftarg = int, rightarg = int,"
          + " function = evil_eq)");
      // A table whose quoted name holds a dot, and a schema.table the naive reading would pick.
      st.execute("create table \"p.q\" (\"a\nb\" int, id int)");
      st.execute("create schema p");
      st.execute("create table p.q (other int)");
      // User functions reached without being named in the statement.
      st.execute("create function evil_text(text) returns boolean immutable language plpgsql"
          + " as $$begin perform nextval('calls'); return true; end$$");
      st.execute("create domain evil_domain as text check (evil_text(value))");
      st.execute("create domain evil_const as int check (value > evil(0))");
      st.execute("create type evil_t as (v int)");
      st.execute("create function to_evil(int) returns evil_t immutable language plpgsql as"
          + " $$begin perform nextval('calls'); return row($1)::evil_t; end$$");
      st.execute("create cast (int as evil_t) with function to_evil(int) as assignment");
      st.execute("create table typed (id int, d evil_domain, e evil_t)");
      st.execute("create table defaulted (id int, x int default evil(5))");
      st.execute("create view evil_view as select id, evil(7) as x from orders");
      st.execute("create view outer_view as select id from evil_view");
      st.execute("create table policed (id int)");
      st.execute("alter table policed enable row level security");
      st.execute("create policy p on policed using (id = evil(8))");
      // Volatile: never folded by the planner, so a table with such a default stays explained.
      st.execute("create function evil_volatile() returns int volatile language plpgsql as"
          + " $$begin perform nextval('calls'); return 1; end$$");
      st.execute("create table stamped (id int, x int default evil_volatile())");
      st.execute("create domain short_text as text check (length(value) < 10) default 'a'");
      st.execute("create table labelled (id int, label short_text)");
      // A range's subtype_diff: the planner's range selectivity calls it with histogram bounds.
      st.execute("create function evil_diff(float8, float8) returns float8 immutable"
          + " language plpgsql as $$begin perform nextval('public.calls'); return $1 - $2;"
          + " end$$"); // ANALYZE of PostgreSQL 17 runs it with search_path = pg_catalog
      st.execute("create type evil_range as range (subtype = float8, subtype_diff = evil_diff)");
      // autovacuum off: its ANALYZE of the 2000 new rows would call evil_diff at any moment,
      // counted as if an EXPLAIN had run it (seen once: 201 calls in the middle of a test)
      st.execute("create table spans (id int, r evil_range) with (autovacuum_enabled = off)");
      st.execute("insert into spans select g, evil_range(g, g + 10)"
          + " from generate_series(1, 2000) g");
      st.execute("analyze spans");
    }
    return pg;
  }

  private static Connection writable(TestPostgres pg) throws SQLException {
    return pg.connect(DB);
  }

  private static long calls(Connection c) throws SQLException {
    try (var rs = c.createStatement().executeQuery(
        "select case when is_called then last_value else 0 end from calls")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long guardRows(Connection c) throws SQLException {
    try (var rs = c.createStatement().executeQuery("select count(*) from guard")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aSecondStatementNeverReachesTheServer(int major) throws Exception {
    try (var c = writable(server(major))) {
      var safe = new SafeExplain(c);
      for (String text : new String[] {
          "SELECT id FROM orders WHERE customer_id = 1 --x\r; DELETE FROM guard",
          "SELECT id FROM orders; DELETE FROM guard",
          "SELECT id FROM orders WHERE note = 'a\\'; DELETE FROM guard; --'",
          "SELECT id FROM orders WHERE note = E'\\'; DELETE FROM guard; --'",
          "SELECT id FROM orders WHERE customer_id = 1 /* a /* b */ ; DELETE FROM guard; */"}) {
        try {
          var plan = safe.plan(text);
          // Planned: then only the first statement was, never the DELETE.
          assertThat(plan.toString()).as(text).doesNotContain("guard");
        } catch (SafeExplain.Refused expected) {
          // refused before anything was sent
        }
      }
      assertThat(guardRows(c)).isEqualTo(1);
    }
  }

  /**
   * The jsonb {@code ?} written {@code ??} for pgjdbc: a {@code ?} in a literal, a dollar quote
   * (with a tag pgdba's escaping does not know), an E'' string or a comment can neither bind a
   * value nor split off a second statement; at worst the text is refused.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aQuestionMarkCannotSmuggleABindOrASecondStatement(int major) throws Exception {
    try (var c = writable(server(major))) {
      var safe = new SafeExplain(c);
      long before = calls(c);
      for (String text : new String[] {
          "SELECT id FROM orders WHERE note::jsonb ? E'\\'; DELETE FROM guard; --'",
          "SELECT id FROM orders WHERE note = E'\\' ? '; DELETE FROM guard; --'",
          "SELECT id FROM orders WHERE note = $a1$ ? ; DELETE FROM guard $a1$",
          "SELECT id FROM orders WHERE note = $$ ?; DELETE FROM guard $$ AND note::jsonb ? 'k'",
          "SELECT id FROM orders WHERE note::jsonb ?| ARRAY['a'] /* ? */ ; DELETE FROM guard",
          "SELECT id FROM orders WHERE note = ? --x\r; DELETE FROM guard",
          "SELECT id FROM orders WHERE note = '?' AND id = ? AND customer_id = evil(?)"}) {
        try {
          // Planned: the DELETE stayed inside its literal, never a statement of its own.
          assertThat(safe.plan(text).toString()).as(text).doesNotContain("\"Delete\"");
        } catch (SafeExplain.Refused expected) {
          // refused before anything ran
        }
      }
      assertThat(guardRows(c)).isEqualTo(1);
      assertThat(calls(c)).isEqualTo(before);
      assertThat(safe.plan("SELECT id FROM orders WHERE note::jsonb ? 'k' AND note = '?'")
          .toString()).contains("? 'k'").contains("'?'");
      // A '?' inside a dollar quote reaches the server as itself, not doubled.
      assertThat(safe.plan("SELECT id FROM orders WHERE note = $$a?b$$").toString())
          .contains("'a?b'");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aTextTheDriverWouldSplitIsRefusedBeforeSending(int major) throws Exception {
    try (var c = writable(server(major))) {
      // pgjdbc ends a -- comment at \r and would send DELETE as a second Parse message.
      assertThatThrownBy(() -> new SafeExplain(c).send(
          "EXPLAIN SELECT 1 --x\r; DELETE FROM guard"))
          .hasMessageContaining("several statements");
      assertThat(guardRows(c)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aDataModifyingCteIsPlannedNotRun(int major) throws Exception {
    try (var c = writable(server(major))) {
      var plan = new SafeExplain(c).plan(
          "WITH gone AS (DELETE FROM guard RETURNING x) SELECT * FROM gone");
      assertThat(plan.toString()).contains("Delete");
      assertThat(guardRows(c)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aUserFunctionIsNeverHandedToThePlanner(int major) throws Exception {
    try (var c = writable(server(major))) {
      long before = calls(c);
      var safe = new SafeExplain(c);
      for (String text : new String[] {
          "SELECT id FROM orders WHERE customer_id = evil(1)",
          "SELECT id FROM orders WHERE customer_id = public.evil(2)",
          "SELECT id FROM orders WHERE customer_id = \"evil\"(3)",
          "SELECT id FROM orders WHERE customer_id IN (SELECT evil(4))"}) {
        assertThatThrownBy(() -> safe.plan(text)).as(text)
            .isInstanceOf(SafeExplain.Refused.class).hasMessageContaining("not built in");
      }
      assertThat(calls(c)).isEqualTo(before);
      assertThatThrownBy(() -> safe.plan("SELECT id FROM orders WHERE 1 @@ 1"))
          .isInstanceOf(SafeExplain.Refused.class).hasMessageContaining("operator @@");
      assertThat(calls(c)).isEqualTo(before);
      // Built-in operators, and operator characters inside literals, are planned as usual.
      assertThat(safe.plan("SELECT id FROM orders WHERE note LIKE '%@@%' AND id >= 3"))
          .isNotNull();
      // The attack is real: a plain EXPLAIN does run the function.
      c.createStatement().executeQuery("EXPLAIN SELECT evil(5)").close();
      assertThat(calls(c)).isGreaterThan(before);
      long afterFunction = calls(c);
      c.createStatement().executeQuery("EXPLAIN SELECT id FROM orders WHERE 1 @@ 1").close();
      assertThat(calls(c)).isGreaterThan(afterFunction);
      // Built-in functions are planned as usual.
      assertThat(safe.plan("SELECT id FROM orders WHERE customer_id = abs(-3)")).isNotNull();
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aUserFunctionReachedThroughCastsDomainsDefaultsOrViewsIsNeverPlanned(int major)
      throws Exception {
    try (var c = writable(server(major))) {
      long before = calls(c);
      var safe = new SafeExplain(c);
      for (String text : new String[] {
          "SELECT 1::evil_const",
          "SELECT id FROM orders WHERE CAST(customer_id AS evil_const) = 3",
          "SELECT id FROM typed WHERE e = CAST(1 AS evil_t)",
          "SELECT id FROM orders WHERE 1::evil_t IS NOT NULL",
          "SELECT 'x'::evil_domain",
          "SELECT CAST($1 AS evil_domain)",
          "INSERT INTO typed (e) VALUES (2)",
          "INSERT INTO typed (id, d) VALUES (1, $1)",
          "INSERT INTO defaulted (id) VALUES (1)",
          "SELECT x FROM evil_view",
          "SELECT id FROM outer_view",
          "SELECT id FROM policed WHERE id = 1",
          "SELECT id FROM spans WHERE r && '[5,8]'::evil_range",
          "SELECT id FROM spans WHERE r @> 5.0::float8",
          "SELECT length(table_to_xml('evil_view', true, false, '')::text)",
          "SELECT id FROM orders WHERE id > length(query_to_xml('SELECT evil(9)', true, false,"
              + " '')::text)"}) {
        assertThatThrownBy(() -> safe.plan(text)).as(text)
            .isInstanceOf(SafeExplain.Refused.class)
            .message().containsAnyOf("not built in", "runs the SQL");
      }
      assertThat(calls(c)).isEqualTo(before);
      // The attacks are real: a plain EXPLAIN runs each function.
      for (String text : new String[] {
          "EXPLAIN SELECT 1::evil_const",
          "EXPLAIN SELECT id FROM orders WHERE 1::evil_t IS NOT NULL",
          "EXPLAIN INSERT INTO typed (e) VALUES (2)",
          "EXPLAIN INSERT INTO defaulted (id) VALUES (1)",
          "EXPLAIN SELECT x FROM evil_view",
          "EXPLAIN SELECT id FROM spans WHERE r && '[5,8]'::evil_range",
          "EXPLAIN SELECT id FROM orders WHERE id > length(table_to_xml('evil_view', true,"
              + " false, '')::text)"}) {
        long was = calls(c);
        c.createStatement().executeQuery(text).close();
        assertThat(calls(c)).as(text).isGreaterThan(was);
      }
      long was = calls(c);
      try (var st = c.createStatement()) {
        st.execute("PREPARE by_hand AS INSERT INTO typed (id, d) VALUES (1, $1)");
        st.execute("SET plan_cache_mode = force_generic_plan");
        st.executeQuery("EXPLAIN EXECUTE by_hand(NULL)").close();
        st.execute("DEALLOCATE by_hand");
        st.execute("RESET plan_cache_mode");
      }
      assertThat(calls(c)).as("EXECUTE coerces NULL to the domain").isGreaterThan(was);
      // A volatile default, built-in casts and plain tables are planned as usual, running nothing.
      long after = calls(c);
      assertThat(safe.plan("INSERT INTO stamped (id) VALUES (1)").toString()).contains("Insert");
      assertThat(safe.plan("SELECT id::text, CAST(note AS varchar(10)) FROM orders"
          + " WHERE customer_id = $1::int8")).isNotNull();
      assertThat(safe.plan("INSERT INTO labelled (id, label) VALUES ($1, $2::short_text)")
          .toString()).contains("Insert");
      assertThat(calls(c)).isEqualTo(after);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void onlySelectInsertUpdateDeleteAreExplainedAndNeverAnalyzed(int major) throws Exception {
    try (var c = writable(server(major))) {
      var safe = new SafeExplain(c);
      for (String text : new String[] {
          "EXPLAIN ANALYZE DELETE FROM guard",
          "COPY (SELECT 1) TO PROGRAM 'true'",
          "DELETE FROM guard; SELECT 1",
          "SET default_transaction_read_only = off",
          "CREATE TABLE pwned (x int)"}) {
        assertThatThrownBy(() -> safe.plan(text)).as(text)
            .isInstanceOf(SafeExplain.Refused.class);
      }
      assertThat(safe.plan("DELETE FROM guard WHERE x = 1").toString()).contains("Delete");
      assertThat(guardRows(c)).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aSimpleProtocolSessionIsRefused(int major) throws Exception {
    var pg = server(major);
    var p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", "postgres");
    p.setProperty("preferQueryMode", "simple");
    try (var c = DriverManager.getConnection(pg.jdbcUrl(DB), p)) {
      assertThatThrownBy(() -> new SafeExplain(c).plan("SELECT 1"))
          .hasMessageContaining("simple query protocol");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void quotedNamesWithDotsAndNewlinesAreTheTablesPostgresReads(int major) throws Exception {
    try (var c = writable(server(major))) {
      var plan = new SafeExplain(c).plan("SELECT id FROM \"p.q\" WHERE \"a\nb\" = 1");
      assertThat(plan.path("Relation Name").asText()).isEqualTo("p.q");
      assertThat(new SafeExplain(c).plan("SELECT other FROM p.q").path("Relation Name").asText())
          .isEqualTo("q");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void placeholdersAreNeverBoundToValues(int major) throws Exception {
    try (var c = writable(server(major))) {
      var plan = new SafeExplain(c).plan("SELECT id FROM orders WHERE customer_id = $1");
      // A generic plan: the filter keeps the parameter, no NULL was folded in.
      assertThat(plan.toString()).contains("$1").doesNotContain("One-Time Filter");
    }
  }

  /**
   * The server's own rule SafeExplain builds on: one Parse message holds one command. Sent here
   * by hand on the wire (pgjdbc would split the text first), the two-command text is refused
   * and nothing of it runs.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void theServerRefusesTwoCommandsInOneParseMessage(int major) throws Exception {
    var pg = server(major);
    try (var socket = new java.net.Socket("127.0.0.1", pg.port())) {
      var out = new java.io.DataOutputStream(socket.getOutputStream());
      var in = new java.io.DataInputStream(socket.getInputStream());
      var startup = new java.io.ByteArrayOutputStream();
      var body = new java.io.DataOutputStream(startup);
      body.writeInt(196608); // protocol 3.0
      for (String s : new String[] {"user", "postgres", "database", DB}) {
        body.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        body.write(0);
      }
      body.write(0);
      out.writeInt(startup.size() + 4);
      out.write(startup.toByteArray());
      out.flush();
      var messages = readUntilReady(in);
      assertThat(messages).as("the test server trusts local connections").startsWith("R0");
      byte[] sql = "SELECT 1; DELETE FROM guard".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeByte('P');
      out.writeInt(4 + 1 + sql.length + 1 + 2);
      out.write(0); // the unnamed statement
      out.write(sql);
      out.write(0);
      out.writeShort(0);
      out.writeByte('S');
      out.writeInt(4);
      out.flush();
      assertThat(String.join("\n", readUntilReady(in)))
          .contains("cannot insert multiple commands into a prepared statement");
    }
    try (var c = writable(pg)) {
      assertThat(guardRows(c)).isEqualTo(1);
    }
  }

  /** Backend messages up to ReadyForQuery: "R<code>" for authentication, "E<text>" for errors. */
  private static java.util.List<String> readUntilReady(java.io.DataInputStream in)
      throws java.io.IOException {
    var seen = new java.util.ArrayList<String>();
    while (true) {
      int type = in.readByte();
      byte[] payload = new byte[in.readInt() - 4];
      in.readFully(payload);
      if (type == 'R') {
        seen.add("R" + java.nio.ByteBuffer.wrap(payload).getInt());
      } else if (type == 'E') {
        seen.add("E" + new String(payload, java.nio.charset.StandardCharsets.UTF_8));
      } else if (type == 'Z') {
        return seen;
      }
    }
  }
}
