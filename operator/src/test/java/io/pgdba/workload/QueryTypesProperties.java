package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link QueryTypes#ofFirstWord} is the fast path the log report runs on every statement: on any
 * text (logged, so attacker-controlled) it gives what {@link QueryTypes#of} gives, or null to
 * leave the text to it.
 */
class QueryTypesProperties {

  private static final List<String> PIECES =
      List.of(
          "select", "SELECT", "SeLeCt", "insert", "UPDATE", "delete", "merge", "with", "WITH",
          "values", "table", "create", "drop", "begin", "end", "commit", "rollback", "prepare",
          "PREPARE", "transaction", "set", "show", "vacuum", "analyse", "lock", "checkpoint",
          "deallocate", "savepoint", "do", "call", "execute", "explain", "fetch", "x",
          "selectinsert", "abcdefghijklm", "with x as (", ")", "(", " ", "\t", "\n", "\r", "--",
          "/*", "*/", "'", "\"", "$1", "1", "_", ";", "\u0000",
          // non-ASCII letters: the Kelvin sign lower-cases to 'k', the dotted I to "i\u0307",
          // the long s is a letter of its own
          "\u212A", "LOC\u212A", "CHEC\u212APOINT", "\u0130NSERT", "\u017Fet", "Zo\u00EB",
          "\u00E9", "\u4E2D", "\uD83D\uDE00", "\uFFFD");

  @Provide
  Arbitrary<String> statements() {
    Arbitrary<String> piece = Arbitraries.of(PIECES);
    Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(8);
    return Arbitraries.oneOf(piece, piece, piece, noise)
        .list()
        .ofMaxSize(12)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 5000)
  void theFirstWordGivesWhatTheFullReadGives(@ForAll("statements") String sql) {
    String fast = QueryTypes.ofFirstWord(sql);
    if (fast != null) {
      assertThat(fast).as(sql).isEqualTo(QueryTypes.of(sql));
    }
  }

  @Property(tries = 5000)
  void theIndexNamesWhatTheFullReadGives(@ForAll("statements") String sql) {
    int fast = QueryTypes.ofFirstWordIndex(sql);
    if (fast >= 0) {
      assertThat(QueryTypes.TYPES[fast]).as(sql).isEqualTo(QueryTypes.of(sql));
    }
  }

  @Property(tries = 2000)
  void anyTextAtAll(@ForAll String sql) {
    String fast = QueryTypes.ofFirstWord(sql);
    if (fast != null) {
      assertThat(fast).as(sql).isEqualTo(QueryTypes.of(sql));
    }
  }

  @Example
  void decidesTheCommonStatementsAndLeavesTheRest() {
    assertThat(QueryTypes.ofFirstWord("  /* app */ (SELECT 1)")).isEqualTo("select");
    assertThat(QueryTypes.ofFirstWord("UPDATE t SET a = 1")).isEqualTo("update");
    assertThat(QueryTypes.ofFirstWord("merge into t using s on true")).isEqualTo("update");
    assertThat(QueryTypes.ofFirstWord("END;")).isEqualTo("transaction");
    assertThat(QueryTypes.ofFirstWord("create index on t (a)")).isEqualTo("ddl");
    assertThat(QueryTypes.ofFirstWord("vacuum t")).isEqualTo("utility");
    assertThat(QueryTypes.ofFirstWord("$1")).isEqualTo("other");
    assertThat(QueryTypes.ofFirstWord("/* open comment")).isEqualTo("other");
    assertThat(QueryTypes.ofFirstWord(null)).isEqualTo("other");
    assertThat(QueryTypes.ofFirstWord("abcdefghijklmnop")).isEqualTo("other");
    // the rest of the text decides: left to QueryTypes.of
    assertThat(QueryTypes.ofFirstWord("with x as (select 1) delete from t")).isNull();
    assertThat(QueryTypes.ofFirstWord("prepare transaction 'x'")).isNull();
    // Unicode case folding: LOC + KELVIN SIGN is "lock" to toLowerCase, left to QueryTypes.of
    assertThat(QueryTypes.ofFirstWord("LOC\u212A t")).isNull();
    assertThat(QueryTypes.of("LOC\u212A t")).isEqualTo("utility");
  }

  @Example
  void aMegabyteStatement() {
    String big = "select " + "x".repeat(1 << 20);
    assertThat(QueryTypes.ofFirstWord(big)).isEqualTo("select");
    String word = "s".repeat(1 << 20);
    assertThat(QueryTypes.ofFirstWord(word)).isEqualTo(QueryTypes.of(word));
  }
}
