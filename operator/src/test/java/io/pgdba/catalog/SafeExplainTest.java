package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link SafeExplain} regenerates from a text before anything is sent. */
class SafeExplainTest {

  @Test
  void onlyTheOneParsedStatementIsKeptCommentsAndAll() throws Exception {
    var r = SafeExplain.regenerate("SELECT id /* ; DROP */ FROM orders -- tail\n WHERE id = 1;");
    assertThat(r.sql()).isEqualTo("SELECT id FROM orders WHERE id = 1");
    assertThat(r.hasPlaceholders()).isFalse();
  }

  @Test
  void anythingAfterTheStatementIsRefused() {
    for (String text : List.of("SELECT 1; SELECT 2", "SELECT 1 --x\r; DELETE FROM t",
        "SELECT 1; ", "SELECT 1;;DELETE FROM t")) {
      if (text.equals("SELECT 1; ")) {
        continue; // a lone trailing semicolon is fine
      }
      assertThatThrownBy(() -> SafeExplain.regenerate(text)).as(text)
          .isInstanceOf(SafeExplain.Refused.class);
    }
  }

  @Test
  void onlySelectInsertUpdateDelete() {
    for (String text : List.of("EXPLAIN ANALYZE SELECT 1", "COPY t TO PROGRAM 'x'",
        "SET default_transaction_read_only = off", "VACUUM t", "", "CREATE TABLE x (a int)")) {
      assertThatThrownBy(() -> SafeExplain.regenerate(text)).as(text)
          .isInstanceOf(SafeExplain.Refused.class);
    }
  }

  @Test
  void functionsAreListedWhereverTheyAreWithQuotedNamesKept() throws Exception {
    var r = SafeExplain.regenerate("WITH a AS (SELECT public.f(1)) SELECT \"G\"(x), count(*)"
        + " OVER () FROM \"p.q\" WHERE y IN (SELECT h(2)) AND z = $1");
    assertThat(r.functions()).contains(List.of("public", "f"), List.of("G"), List.of("count"),
        List.of("h"));
    assertThat(r.sql()).contains("FROM \"p.q\"").contains("\"G\"(x)");
    assertThat(r.hasPlaceholders()).isTrue();
  }

  @Test
  void aDataModifyingCteIsWalkedToo() throws Exception {
    var r = SafeExplain.regenerate(
        "WITH g AS (DELETE FROM t WHERE a = evil(1) RETURNING a) SELECT * FROM g");
    assertThat(r.functions()).contains(List.of("evil"));
  }

  @Test
  void jsonbKeyOperatorsAreEscapedForTheDriverOutsideLiteralsOnly() {
    assertThat(SafeExplain.jdbcEscaped("SELECT 1 FROM t WHERE data ? 'a?' AND d ?| '{x}'"
        + " AND \"q?\" = E'\\'?' AND b = $1"))
        .isEqualTo("SELECT 1 FROM t WHERE data ?? 'a?' AND d ??| '{x}'"
            + " AND \"q?\" = E'\\'?' AND b = $1");
  }

  @Test
  void anyAllAndSomeAreNoFunctionCallsButAQuotedAnyIs() throws Exception {
    assertThat(SafeExplain.regenerate("SELECT 1 FROM t WHERE 'x' = ANY(tags) AND 2 > ALL(n)")
        .functions()).isEmpty();
    assertThat(SafeExplain.regenerate("SELECT 1 FROM t WHERE \"any\"(tags)").functions())
        .contains(List.of("any"));
  }
}
