package io.pgdba.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The applier runs one CREATE INDEX CONCURRENTLY and nothing else: a ';' inside a literal or a
 * quoted name (a jsonb key the advice indexes by) is data, every way to end the statement early
 * is refused, including the ones that hide a quote in a comment or a dollar quote.
 */
class CheckedStatementTest {

  private static final Pattern CREATE =
      Pattern.compile("(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s.+");

  private static String check(String sql) {
    return IndexApplier.checkedStatement(sql, CREATE, "CREATE INDEX CONCURRENTLY");
  }

  @Test
  void aSemicolonInsideALiteralOrQuotedNameIsData() {
    String ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"idx;x\" ON public.docs USING btree"
        + " ((data ->> 'it''s; drop table docs; --'))";
    assertThat(check(ddl + ";")).isEqualTo(ddl);
    String escaped = "CREATE INDEX CONCURRENTLY i ON t ((data ->> E'a\\\\'';b'))";
    assertThat(check(escaped)).isEqualTo(escaped);
  }

  @Test
  void everyWayOutOfTheStatementIsRefused() {
    for (String attack : new String[] {
        "CREATE INDEX CONCURRENTLY i ON t (a); DROP TABLE t",
        // a quote hidden in a comment would end a literal only for a naive reader
        "CREATE INDEX CONCURRENTLY i ON t (a) /* ' */ ; DROP TABLE t; /* ' */",
        "CREATE INDEX CONCURRENTLY i ON t (a) -- '\n; DROP TABLE t; -- '",
        // a quote inside a dollar quote is no quote to the server
        "CREATE INDEX CONCURRENTLY i ON t ((a || $$'$$)); DROP TABLE t; SELECT $$'$$",
        // standard_conforming_strings = off makes \\' an escaped quote: ambiguous, refused
        "CREATE INDEX CONCURRENTLY i ON t ((data ->> 'a\\'; DROP TABLE t; --'))",
        // E right after an identifier is no escape-string prefix
        "CREATE INDEX CONCURRENTLY i ON t ((namE'\\'; DROP TABLE t; --'))",
        "CREATE INDEX CONCURRENTLY i ON t ((data ->> 'unterminated; DROP TABLE t))"}) {
      assertThatThrownBy(() -> check(attack)).as(attack)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
