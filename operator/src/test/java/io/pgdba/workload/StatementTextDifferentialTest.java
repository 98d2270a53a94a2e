package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What the session tracker reads of a statement text is now worked out from the fingerprinter's
 * array copy (verb, text hash) and, for volatility, by one pass over ASCII text: on any logged
 * text the answers must be those of the String versions (the reference: {@code firstWord(String)},
 * {@code textHash(String)}, {@code isVolatileSlow}, the contains() calls and the regex as before).
 */
class StatementTextDifferentialTest {

  private static final List<String> FRAGMENTS = List.of(
      "select", "SELECT", "Select", "insert", "INSERT", "update", "Update", "delete", "merge",
      "MERGE", "with", "begin", "commit", "start", "end", "abort", "rollback", "prepare", "values",
      "table", "transaction", " to ", "now(", "NOW(", "now (", "random(", "nextval(", "Nextval(",
      "clock_timestamp", "current_time", "CURRENT_TIMESTAMP", "localtime", "txid_", "pg_", "PG_",
      "pg", " for update", " FOR UPDATE", " for share", " for no key", " for key share", "for",
      " ", "  ", "\t", "\n", "\r", "\f", "\u000b", "\u001c", "\u00a0", "\u2003", "(", ")", "((",
      "--", "--c\n", "/*", "*/", "/* c */", "/**/", "*", "/", "-", "_", "1", "x", "$1", "'",
      "gen_random", "gen_random_uuid()", "uuid_generate", "uuid_generate_v4()", "x_update",
      "update_x", "update1", "1delete", "_merge", "insertx", "\u00e9", "\u00c9", "\u0130",
      "\u212a", "\u00df", "\u0131", "\ud83d\ude00", "\ud83d", "\u0000", "\u0301", "\u00ff",
      "\u0100", "\u1e9e");

  @Provide
  Arbitrary<String> texts() {
    var piece = Arbitraries.of(FRAGMENTS);
    var sep = Arbitraries.of("", " ", "\n", "(", ";");
    return Combinators.combine(piece, sep).as((p, s) -> p + s).list().ofMaxSize(30)
        .map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> anyChars() {
    return Arbitraries.strings().all().ofMaxLength(80);
  }

  @Property(tries = 3000)
  void generatedTextsAnswerAsTheReference(@ForAll("texts") String sql) {
    assertSame(sql);
  }

  @Property(tries = 1000)
  void anyCharactersAnswerAsTheReference(@ForAll("anyChars") String sql) {
    assertSame(sql);
  }

  /** The array holds more than the text (a longer statement read before): only [0, n) counts. */
  @Property(tries = 500)
  void aLongerBufferReadsOnlyTheText(@ForAll("texts") String sql, @ForAll("texts") String tail) {
    char[] buffer = (sql + "select " + tail).toCharArray();
    assertThat(SessionTracker.firstWord(buffer, sql.length(), sql))
        .isEqualTo(SessionTracker.firstWord(sql));
    assertThat(SessionTracker.textHash(buffer, sql.length()))
        .isEqualTo(SessionTracker.textHash(sql));
  }

  @Example
  void boundariesOfTheWriteWordsAreTheRegexOnes() {
    for (String sql : List.of("update", "x update", "xupdate", "update_", "_update", "1update",
        "update1", "update(", "(update)", "Update", "UPDATE t", "upd", "merg", "deletex",
        "x.delete", "insert\u00e9", "\u00e9insert", "insert\u0301")) {
      assertSame(sql);
    }
    assertThat(SessionTracker.isVolatile("select * from t for update")).isTrue();
    assertThat(SessionTracker.isVolatile("select updated_at from t")).isFalse();
    assertThat(SessionTracker.isVolatile("SELECT NOW()")).isTrue();
  }

  @Example
  void aStatementTextBuiltFromTheArrayAnswersAsOneBuiltFromTheString() {
    for (String sql : List.of("  (select 1)", "/* c */ BEGIN", "-- c\ncommit", "Grüß", "",
        "/* unterminated", "-- unterminated", "\u0130nsert")) {
      var fromArray = new StatementText(sql, 1, (sql + "xyz").toCharArray(), sql.length());
      var fromString = new StatementText(sql, 1);
      assertThat(fromArray.verb()).isEqualTo(fromString.verb());
      assertThat(fromArray.identity(List.of("a", "b")))
          .isEqualTo(fromString.identity(List.of("a", "b")));
      assertThat(fromArray.isVolatile()).isEqualTo(fromString.isVolatile());
    }
  }

  private static void assertSame(String sql) {
    char[] chars = sql.toCharArray();
    assertThat(SessionTracker.firstWord(chars, chars.length, sql)).as(sql)
        .isEqualTo(SessionTracker.firstWord(sql));
    assertThat(SessionTracker.textHash(chars, chars.length)).as(sql)
        .isEqualTo(SessionTracker.textHash(sql));
    assertThat(SessionTracker.isVolatile(sql)).as(sql)
        .isEqualTo(SessionTracker.isVolatileSlow(sql));
  }
}
