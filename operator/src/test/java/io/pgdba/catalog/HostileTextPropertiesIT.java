package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated hostile texts (fragments that PostgreSQL, pgjdbc and JSqlParser lex differently,
 * glued to statements that write, kill or run programs) through {@link SafeExplain} on a
 * superuser session of real PostgreSQL 13 and 17 that could do all of that: nothing happens,
 * whatever the text. Either the text is refused, or one statement is planned.
 */
class HostileTextPropertiesIT {

  private static final String DB = "hostile_props";
  private static final Path MARKER = Path.of(System.getProperty("java.io.tmpdir"),
      "pgdba-hostile-props-" + ProcessHandle.current().pid());
  private static final List<String> FRAGMENTS = List.of(
      "--x\r", "--x\n", "\r", "\n", "/* a /* b */ c */", "/*", "*/", ";", "; ", "$q$", "$$", "$1",
      "a$b", "E'\\'", "'\\'", "'", "''", "\"", "\"p.q\"", "\"a\nb\"", "U&'\\0041'", "(", ")",
      " AND note = ", " OR ", " 1", " customer_id", "\\", "::text", " evil(1)", " public.evil(2)",
      " CREATE TABLE pwned_prop(x int)", " DELETE FROM guard", " DROP TABLE guard",
      " SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", " COMMIT", " ROLLBACK",
      " COPY (SELECT 1) TO PROGRAM 'touch " + MARKER + "'",
      " SELECT pg_terminate_backend(pg_backend_pid())",
      " WITH x AS (DELETE FROM guard RETURNING *) SELECT * FROM x",
      " EXPLAIN ANALYZE DELETE FROM guard", " INSERT INTO guard VALUES (2)",
      // reached without a call in the text: casts, domains, defaults, views; pgjdbc's '?'
      "::evil_const", " CAST(1 AS evil_t)", " 1::evil_t", " x FROM evil_view",
      " length(table_to_xml('evil_view', true, false, '')::text)", "?", "??", " ?| ", "$a1$");

  private static Connection[] sessions;

  @BeforeContainer
  static void start() throws SQLException {
    sessions = new Connection[2];
    int i = 0;
    for (int major : TestPostgres.MAJORS) {
      var pg = TestPostgres.shared(major);
      try (var c = pg.connect("postgres");
          var rs = c.createStatement().executeQuery(
              "select count(*) from pg_database where datname = '" + DB + "'")) {
        rs.next();
        if (rs.getInt(1) == 0) {
          pg.createDatabase(DB);
          try (var db = pg.connect(DB); var st = db.createStatement()) {
            st.execute("create table orders (id int primary key, customer_id int, note text)");
            st.execute("create table guard (x int)");
            st.execute("insert into guard values (1)");
            st.execute("create sequence calls");
            st.execute("create function evil(int) returns int immutable language plpgsql as"
                + " $$begin perform nextval('calls'); return $1; end$$");
            st.execute("create domain evil_const as int check (value > evil(0))");
            st.execute("create type evil_t as (v int)");
            st.execute("create function to_evil(int) returns evil_t immutable language plpgsql"
                + " as $$begin perform nextval('calls'); return row($1)::evil_t; end$$");
            st.execute("create cast (int as evil_t) with function to_evil(int) as assignment");
            st.execute("create table defaulted (id int, x int default evil(5), e evil_t)");
            st.execute("create view evil_view as select id, evil(7) as x from orders");
          }
        }
      }
      sessions[i++] = pg.connect(DB);
    }
  }

  @AfterContainer
  static void stop() throws SQLException {
    for (var c : sessions) {
      c.close();
    }
  }

  @Provide
  Arbitrary<String> hostileTexts() {
    var tail = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(8)
        .map(parts -> String.join("", parts));
    var head = Arbitraries.of("SELECT id FROM orders WHERE customer_id = 1",
        "SELECT id FROM orders WHERE note = ", "SELECT ", "WITH x AS (SELECT 1) SELECT * FROM x",
        "UPDATE orders SET note = 'x' WHERE id = 1", "INSERT INTO defaulted (id) VALUES (",
        "INSERT INTO defaulted (e) SELECT ", "SELECT x FROM evil_view WHERE id > ", "");
    return net.jqwik.api.Combinators.combine(head, tail).as((h, t) -> h + t);
  }

  @Property(tries = 150)
  void nothingRunsWhateverTheText(@ForAll("hostileTexts") String text) throws Exception {
    for (var c : sessions) {
      try {
        new SafeExplain(c).plan(text);
      } catch (SafeExplain.Refused refused) {
        // refusing is always safe
      }
      assertThat(c.isValid(5)).as("session killed by: " + text).isTrue();
      try (var st = c.createStatement();
          var rs = st.executeQuery("select (select count(*) from guard),"
              + " (select count(*) from pg_class where relname like 'pwned%'),"
              + " (select case when is_called then last_value else 0 end from calls),"
              + " current_setting('transaction_read_only')")) {
        rs.next();
        assertThat(rs.getLong(1)).as("guard rows after: " + text).isEqualTo(1);
        assertThat(rs.getLong(2)).as("tables created by: " + text).isZero();
        assertThat(rs.getLong(3)).as("user function run by: " + text).isZero();
      }
      assertThat(Files.exists(MARKER)).as("program run by: " + text).isFalse();
    }
  }
}
