package io.pgdba.ddl;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.testsupport.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated DDL executes on a real server with hostile names, and the rollback undoes it. */
class IndexDdlIT {

  private static TestPostgres pg;
  private static Connection c;

  @BeforeAll
  static void setUp() throws SQLException {
    pg = TestPostgres.start();
    c = pg.connect("postgres");
    try (var st = c.createStatement()) {
      st.execute("""
          create schema "My Schema";
          create table "My Schema"."Order Items"("a""b" int, "order" text, "user" text,
            "MixedCase" int, "名前" text, status text);
          """);
    }
  }

  @AfterAll
  static void tearDown() throws SQLException {
    c.close();
    pg.close();
  }

  @Test
  void quoteAgreesWithTheServersQuoteIdentForEveryKeywordAndHostileName() throws SQLException {
    var names = new ArrayList<>(List.of("Order Items", "a\"b", "order", "user", "MixedCase",
        "名前", "ok_name", "_x", "2x", "a$b", "name", "data", "json_table"));
    try (var st = c.createStatement(); var rs = st.executeQuery("select word from pg_get_keywords()")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    try (var ps = c.prepareStatement("select quote_ident(?)")) {
      for (String name : names) {
        ps.setString(1, name);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(Identifiers.quote(name)).as(name).isEqualTo(rs.getString(1));
        }
      }
    }
  }

  @Test
  void createRunsAndRollbackUndoesIt() throws SQLException {
    var def = new IndexDefinition("My Schema", "Order Items", "btree",
        List.of(IndexKey.column("a\"b"), IndexKey.column("order", "text_pattern_ops"),
            IndexKey.expression("lower(" + Identifiers.quote("user") + ")"),
            IndexKey.column("MixedCase")),
        List.of("名前"), Identifiers.quote("status") + " = " + Identifiers.literal("it's"));
    String name = IndexDdl.name(def);
    try (var st = c.createStatement()) {
      st.execute(IndexDdl.create(def, name));
      st.execute(IndexDdl.create(def, name)); // IF NOT EXISTS: idempotent
      assertThat(indexes()).containsExactly(name);
      st.execute(IndexDdl.drop("My Schema", name));
      assertThat(indexes()).isEmpty();
      st.execute(IndexDdl.drop("My Schema", name));
    }
  }

  @Test
  void recreateRestoresTheExactIndexAfterADrop() throws SQLException {
    try (var st = c.createStatement()) {
      st.execute("create index \"Weird \"\"Idx\" on \"My Schema\".\"Order Items\""
          + " (\"user\" desc nulls last, lower(\"order\")) where \"MixedCase\" > 3");
      String before = definition("Weird \"Idx");
      st.execute(IndexDdl.drop("My Schema", "Weird \"Idx"));
      assertThat(indexes()).isEmpty();
      st.execute(IndexDdl.recreate(before));
      assertThat(definition("Weird \"Idx")).isEqualTo(before);
      st.execute(IndexDdl.drop("My Schema", "Weird \"Idx"));
    }
  }

  private static List<String> indexes() throws SQLException {
    var out = new ArrayList<String>();
    try (var st = c.createStatement(); var rs = st.executeQuery(
        "select indexname from pg_indexes where schemaname = 'My Schema'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static String definition(String index) throws SQLException {
    try (var ps = c.prepareStatement("select pg_get_indexdef(c.oid) from pg_class c"
        + " join pg_namespace n on n.oid = c.relnamespace"
        + " where n.nspname = 'My Schema' and c.relname = ?")) {
      ps.setString(1, index);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
