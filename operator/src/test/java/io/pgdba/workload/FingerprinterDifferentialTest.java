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
 * The fingerprinter reads an array copy of the text instead of {@code CharSequence.charAt} (the
 * workload thread's hot loop): on any input, hostile or not, it must give the very text and
 * fingerprint of {@link ReferenceFingerprinter}, the lexer as it was before (kept verbatim in
 * the test sources), also when one instance reads a long text and then shorter ones (its buffers
 * keep the longer text's tail) and at the bound of {@link Fingerprinter#MAX_INPUT_CHARS}.
 */
class FingerprinterDifferentialTest {

  private static final List<String> FRAGMENTS = List.of(
      "select", "SELECT", "from", "where", "in", "IN", "values", "VALUES", "array", "order",
      "group", "by", "limit", "is", "not", "null", "NULL", "true", "false", "and", "as", "AS",
      "uescape", "default", "begin", "commit", "end", "abort", "rollback", "work", "transaction",
      "t", "x", "MixedCase", "numeric", "date", "character", "varying", "pg_catalog", "int4",
      "(", ")", "[", "]", ",", ";", ".", ":", "::", "=", "<", ">", "<=", "-", "+", "*", "/", "~",
      "!=", "||", "@>", "-+", "+-", "*/", "/-", "'a''b'", "E'\\''", "e'\\\\'", "E'\\", "$$x$$",
      "$q$y$q$", "$q$", "$q", "$1$", "$", "$1", "$23", "$007", "1", "-1", "1.5", ".5", "1.",
      "1..2", "1e3", "1e", "1E+", "1.5E-3", "0x1F", "0x", "0b1", "0o7", "1_000", "B'01'",
      "X'F'", "N'n'", "U&'u'", "U&\"q\"", "u&", "\"Quoted\"", "\"a\"\"b\"", "\"select\"",
      "\"ok\"", "\"\"", "--c\n", "--c\r", "--", "/*c*/", "/* /* */ */", "/*", "*/", "'", "\"",
      "'x'\n'y'", "'x' 'y'", "e", "E", "\u0000", "\r", "\f", "\u00e9", "\u00c9", "\u0130",
      "\u212a", "\u00df", "\ud83d\ude00", "\ud83d", "\ude00", "\u2028", "\ufeff", "\t", "\n");

  @Provide
  Arbitrary<String> sqlSoup() {
    var piece = Arbitraries.of(FRAGMENTS);
    var sep = Arbitraries.of("", " ", "\n", "  ", "\t");
    return Combinators.combine(piece, sep).as((p, s) -> p + s).list().ofMaxSize(60)
        .map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> anyChars() {
    return Arbitraries.strings().all().ofMaxLength(200);
  }

  @Provide
  Arbitrary<List<String>> soups() {
    return sqlSoup().list().ofMinSize(2).ofMaxSize(8);
  }

  @Property(tries = 3000)
  void generatedSqlNormalizesAsTheReference(@ForAll("sqlSoup") String sql) {
    assertSame(sql);
  }

  @Property(tries = 1000)
  void anyCharactersNormalizeAsTheReference(@ForAll("anyChars") String sql) {
    assertSame(sql);
  }

  /** One instance for many texts, as the workload thread uses it: no state leaks between them. */
  @Property(tries = 500)
  void aReusedInstanceAnswersAsAFreshReference(@ForAll("soups") List<String> texts) {
    var f = new Fingerprinter();
    var ref = new ReferenceFingerprinter();
    // a long text first: the buffers grow and keep its characters past the next texts' ends
    String longFirst = String.join(" ", texts).repeat(20);
    for (String sql : prepend(longFirst, texts)) {
      assertThat(f.fingerprint(sql)).as(sql).isEqualTo(ref.fingerprint(sql));
      assertThat(f.text()).as(sql).isEqualTo(ref.text());
    }
  }

  /** Non-String character sequences take the copying path of the tokenizer. */
  @Property(tries = 300)
  void aStringBuilderAnswersAsAString(@ForAll("sqlSoup") String sql) {
    var f = new Fingerprinter();
    long hash = f.fingerprint(new StringBuilder(sql));
    assertThat(hash).isEqualTo(new ReferenceFingerprinter().fingerprint(sql));
  }

  @Example
  void textsLongerThanTheInputBoundAreCutAsTheReferenceCutsThem() {
    int max = Fingerprinter.MAX_INPUT_CHARS;
    // the bound falls inside a string, a dollar quote, a comment, a quoted name, an IN list, a
    // number and an operator, and just after each
    String[] tails = {"'abc'", "$t$ body $t$", "/* c */ 1", "\"Name\"", "IN (1, 2, 3)", "12345",
        "<=>", "E'\\'x'", "U&'x'"};
    var f = new Fingerprinter();
    var ref = new ReferenceFingerprinter();
    for (String tail : tails) {
      for (int shift = 0; shift <= tail.length(); shift++) {
        String head = "select x from t where a in (" + "1,".repeat(max / 2);
        String sql = head.substring(0, max - shift) + tail + " and b = 'tail'";
        assertThat(f.fingerprint(sql)).as(tail + shift).isEqualTo(ref.fingerprint(sql));
        assertThat(f.text()).isEqualTo(ref.text());
      }
    }
  }

  @Example
  void oneMegabyteTextsOfEveryKindNormalizeAsTheReference() {
    int n = 1 << 20;
    String[] texts = {
      "select '" + "x".repeat(n) + "'",
      "select $$" + "$".repeat(n) + "$$",
      "/*".repeat(n / 2) + " select 1",
      "select " + "(".repeat(n / 2) + "1" + ")".repeat(n / 2),
      "select * from t where id in (" + "1, ".repeat(n / 3) + "2)",
      "insert into t values " + "(1, 'a'), ".repeat(n / 10) + "(2, 'b')",
      "select " + "\u00e9\u0000\r".repeat(n / 3),
      "select \"" + "\"\"".repeat(n / 2),
      "select " + "-".repeat(n),
      "select " + "1".repeat(n),
    };
    for (String sql : texts) {
      assertSame(sql);
    }
  }

  private static void assertSame(String sql) {
    var ours = Fingerprinter.normalize(sql);
    var reference = ReferenceFingerprinter.normalize(sql);
    assertThat(ours.text()).as(sql).isEqualTo(reference.text());
    assertThat(ours.fingerprint()).as(sql).isEqualTo(reference.fingerprint());
  }

  private static List<String> prepend(String first, List<String> rest) {
    var all = new java.util.ArrayList<String>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
