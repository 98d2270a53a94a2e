package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FingerprinterTest {

  private static String text(String sql) {
    return Fingerprinter.normalize(sql).text();
  }

  private static String fp(String sql) {
    return Fingerprinter.normalize(sql).fingerprint();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "select 'it''s'                  | select $1",
      "select E'a\\'b' , 1             | select $1, $2",
      "select e'\\\\', 2               | select $1, $2",
      "select B'1010'                  | select $1",
      "select X'1F'                    | select $1",
      "select N'abc'                   | select $1",
      "select U&'d\\0061t'             | select $1",
      "select U&'d!0061t' UESCAPE '!'  | select $1",
      "select $$a ' b$$                | select $1",
      "select $tag$ $$ x $tag$         | select $1",
      "select 1, 1.5, .5, 1e10, 1.5E-3 | select $1, $2, $3, $4, $5",
      "select 0x1F, 0o17, 0b101, 1_000 | select $1, $2, $3, $4",
      "select -1, - 2.5                | select $1, $2",
  })
  void literalFormsBecomeNumberedPlaceholders(String sql, String expected) {
    assertThat(text(sql)).isEqualTo(expected);
  }

  @Test
  void stringsSeparatedByANewlineAreOneConstant() {
    assertThat(text("select 'a'\n  'b', 'c' 'd'")).isEqualTo("select $1, $2 $3");
  }

  @Test
  void castsKeepTypeNamesAndTypeModifiers() {
    assertThat(text("select '2024-01-01'::date, 5::numeric(10,2), x::varchar(20)[]"))
        .isEqualTo("select $1::date, $2::numeric(10, 2), x::varchar(20)[]");
    assertThat(text("select cast('1' as numeric(12, 3)), date '2024-01-01'"))
        .isEqualTo("select cast($1 as numeric(12, 3)), date $2");
  }

  @Test
  void minusIsASignOnlyAfterAnOperatorOrKeyword() {
    assertThat(text("select a-1, a - -1, (-1), a=-1, f(x, -2) where b > -3 then -4"))
        .isEqualTo("select a - $1, a - $2, ($3), a = $4, f(x, $5) where b > $6 then $7");
    assertThat(text("select a -b")).isEqualTo("select a - b");
  }

  @Test
  void commentsAndLayoutAreDropped() {
    assertThat(text("/* a /* nested */ still comment */ SELECT\n\t*  -- tail\nFROM t;"))
        .isEqualTo("select * from t");
    assertThat(fp("select * from t where a = 1"))
        .isEqualTo(fp("SELECT *\n  FROM T -- c\n  WHERE A=2"));
  }

  @Test
  void unquotedWordsFoldQuotedIdentifiersKeepCase() {
    assertThat(text("SELECT \"MyCol\", MyCol, U&\"X\" FROM \"T\"\"q\""))
        .isEqualTo("select \"MyCol\", mycol, U&\"X\" from \"T\"\"q\"");
    assertThat(fp("select \"A\" from t")).isNotEqualTo(fp("select \"a\" from t"));
  }

  @Test
  void inListsOfAnyLengthCollapse() {
    String one = text("select * from t where a in (1)");
    assertThat(one).isEqualTo("select * from t where a in ($1)");
    assertThat(text("select * from t where a IN (1, 2, -3, 'x'::text, date '2024-01-01')"))
        .isEqualTo(one);
    assertThat(text("select * from t where a in ($1, $2, $3)")).isEqualTo(one);
    assertThat(text("select * from t where a in (1,2) and b = 3"))
        .isEqualTo("select * from t where a in ($1) and b = $2");
    // a list with a non-constant or a subquery is left alone
    assertThat(text("select * from t where a in (1, b)"))
        .isEqualTo("select * from t where a in ($1, b)");
    assertThat(text("select * from t where a in (select x from u where y = 1)"))
        .isEqualTo("select * from t where a in (select x from u where y = $1)");
    assertThat(text("select * from t where a = any(array[1, 2, 3])"))
        .isEqualTo("select * from t where a = any (array[$1])");
  }

  @Test
  void valuesRowsCollapseToTheFirst() {
    String one = text("insert into t (a, b) values (1, 'x')");
    assertThat(one).isEqualTo("insert into t(a, b) values ($1, $2)");
    assertThat(text("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, null), ($1, default)"))
        .isEqualTo("insert into t(a, b) values ($1, $2)");
    assertThat(text("insert into t values (1, now()), (2, now())"))
        .isEqualTo("insert into t values ($1, now()), ($2, now())");
    assertThat(text("insert into t values (1), (2) on conflict do nothing"))
        .isEqualTo("insert into t values ($1) on conflict do nothing");
  }

  @Test
  void existingParametersAreRenumberedLikeLiterals() {
    assertThat(fp("select * from t where a = $1 and b = $2"))
        .isEqualTo(fp("select * from t where a = 10 and b = 'x'"));
    assertThat(text("select * from t where b = $2 and a = $1 limit 5"))
        .isEqualTo("select * from t where b = $1 and a = $2 limit $3");
  }

  @Test
  void booleanAndNullConstantsButNotTests() {
    assertThat(text("select * from t where a = true and b = null and c is null"
        + " and d is not null and e is not false and f is true and g = not false"))
        .isEqualTo("select * from t where a = $1 and b = $2 and c is null"
            + " and d is not null and e is not false and f is true and g = not $3");
    assertThat(text("create table t (a int not null)")).isEqualTo("create table t(a int not null)");
  }

  @Test
  void orderAndGroupByPositionsAreNotConstants() {
    assertThat(text("select a, b from t group by 1, 2 order by 2 desc, a + 1 limit 10"))
        .isEqualTo("select a, b from t group by 1, 2 order by 2 desc, a + $1 limit $2");
    assertThat(fp("select a from t order by 1")).isNotEqualTo(fp("select a from t order by 2"));
  }

  @Test
  void fingerprintIsSixteenHexDigitsAndStable() {
    var n = Fingerprinter.normalize("select 1");
    assertThat(n.fingerprint()).matches("[0-9a-f]{16}");
    assertThat(Fingerprinter.normalize("SELECT 2").fingerprint()).isEqualTo(n.fingerprint());
    assertThat(fp("select a from t")).isNotEqualTo(fp("select b from t"));
  }

  @Test
  void garbageAndUnterminatedInputFinish() {
    for (String s : List.of("'open", "E'open\\", "$$open", "$a$open", "/* open /* nested */",
        "\"open", "U&'", "U&\"", "0x", "1e", "$", "::", "-", "--", "\u0000\u0001\uffff", "")) {
      var n = Fingerprinter.normalize(s);
      assertThat(n.fingerprint()).as(s).hasSize(16);
      assertThat(Fingerprinter.normalize(n.text()).text()).as(s).isEqualTo(n.text());
    }
    assertThat(Fingerprinter.normalize(null).text()).isEmpty();
  }

  @Test
  void hugeInputIsReadUpToTheBound() {
    String huge = "select " + "x, ".repeat(2_000_000) + "1";
    var n = Fingerprinter.normalize(huge);
    assertThat(n.text().length()).isLessThanOrEqualTo(Fingerprinter.MAX_INPUT_CHARS);
    // a huge IN list collapses even when it is cut by the bound
    var list = "select * from t where a in (" + "1, ".repeat(1_000_000) + "2)";
    assertThat(Fingerprinter.normalize(list).text()).isEqualTo("select * from t where a in ($1");
  }

  @Test
  void substitutesParametersOutsideStringsAndComments() {
    assertThat(Fingerprinter.substituteParameters(
        "select $1, '$1', \"$2\", $2 /* $1 */ from t where a = $3 and b = $10",
        List.of("'a''b'", "NULL", "42")))
        .isEqualTo("select 'a''b', '$1', \"$2\", NULL /* $1 */ from t where a = 42 and b = $10");
    assertThat(Fingerprinter.substituteParameters("select $1", List.of())).isEqualTo("select $1");
  }

  /** As pg_stat_statements groups them (PostgreSQL 16+ jumbles a TransactionStmt by its kind). */
  @Test
  void transactionStatementsSemicolonsAndNeedlessQuotesGroupAsTheServerDoes() {
    assertThat(Fingerprinter.normalize("begin;").text()).isEqualTo("begin");
    assertThat(Fingerprinter.normalize("BEGIN WORK").text()).isEqualTo("begin");
    assertThat(Fingerprinter.normalize("end").text()).isEqualTo("commit");
    assertThat(Fingerprinter.normalize("END TRANSACTION;").text()).isEqualTo("commit");
    assertThat(Fingerprinter.normalize("commit;").text()).isEqualTo("commit");
    assertThat(Fingerprinter.normalize("abort").text()).isEqualTo("rollback");
    assertThat(Fingerprinter.normalize("rollback;").text()).isEqualTo("rollback");
    assertThat(Fingerprinter.normalize("select * from \"products\"").fingerprint())
        .isEqualTo(Fingerprinter.normalize("select * from products;").fingerprint());
    // quotes that change the name, or guard a reserved word, stay
    assertThat(Fingerprinter.normalize("select \"Email\", \"user\", \"a b\" from t").text())
        .isEqualTo("select \"Email\", \"user\", \"a b\" from t");
    // END closing a CASE is not a COMMIT
    assertThat(Fingerprinter.normalize("select case when a then 1 end from t").text())
        .isEqualTo("select case when a then $1 end from t");
    assertThat(Fingerprinter.normalize("start transaction").text()).isEqualTo("start transaction");
  }

  /** Found by FingerprinterProperties: a number kept as written, then ".", read back as "1.". */
  @Test
  void aKeptNumberBeforeADotStaysApartSoNormalizingAgainKeepsTheText() {
    var once = new Fingerprinter();
    once.fingerprint("as select(1 .select");
    var twice = new Fingerprinter();
    twice.fingerprint(once.text());
    assertThat(twice.text()).isEqualTo(once.text());
    var param = new Fingerprinter();
    param.fingerprint("select ($1).x, ($1.x)");
    assertThat(param.text()).doesNotContain("$1 .");
  }
}
