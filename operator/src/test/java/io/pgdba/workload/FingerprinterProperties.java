package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Generated input: the lexer never fails, literal values never matter, normalizing is stable. */
class FingerprinterProperties {

  private static final List<String> FRAGMENTS = List.of(
      "select", "from", "where", "in", "values", "array", "order", "group", "by", "limit", "is",
      "not", "null", "true", "false", "and", "as", "uescape", "default", "t", "x", "MixedCase",
      "(", ")", "[", "]", ",", ";", ".", ":", "::", "=", "<", ">", "<=", "-", "+", "*", "/", "~",
      "!=", "||", "@>", "'a''b'", "E'\\''", "e'\\\\'", "$$x$$", "$q$y$q$", "$", "$1", "$23", "1",
      "1.5", ".5", "1e3", "1.5E-3", "0x1F", "0b1", "1_000", "B'01'", "X'F'", "N'n'", "U&'u'",
      "U&\"q\"", "\"Quoted\"", "\"a\"\"b\"", "--c\n", "/*c*/", "/* /* */ */", "/*", "'", "\"",
      "e", "E", "u&", "\u0000", "\u00e9", "\ud83d\ude00", "\t", "\n");

  @Provide
  Arbitrary<String> sqlSoup() {
    var piece = Arbitraries.of(FRAGMENTS);
    var sep = Arbitraries.of("", " ", "\n", "  ");
    return Combinators.combine(piece, sep).as((p, s) -> p + s).list().ofMaxSize(40)
        .map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.oneOf(sqlSoup(), Arbitraries.strings().all().ofMaxLength(300));
  }

  @Property(tries = 3000)
  void neverThrowsAndFinishesQuickly(@ForAll("anyText") String sql) {
    long start = System.nanoTime();
    var n = Fingerprinter.normalize(sql);
    assertThat(n.fingerprint()).hasSize(16);
    assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
  }

  @Property(tries = 3000)
  void normalizingTheNormalizedTextKeepsIt(@ForAll("anyText") String sql) {
    var once = Fingerprinter.normalize(sql);
    var twice = Fingerprinter.normalize(once.text());
    assertThat(twice.text()).isEqualTo(once.text());
    assertThat(twice.fingerprint()).isEqualTo(once.fingerprint());
  }

  /** Statement shapes with {@code ?} where a constant goes (after an operator, keyword or comma). */
  private static final List<String> SHAPES = List.of(
      "select * from t where a = ? and b <> ?",
      "SELECT a, b FROM t WHERE c IN (?, ?, ?) ORDER BY a LIMIT ?",
      "insert into t (a, b, c) values (?, ?, ?), (?, ?, ?)",
      "update t set a = ?, b = ?::text where id = ? returning *",
      "select f(?, ?) + ? from t where x between ? and ? or y like ?",
      "select case when a > ? then ? else ? end from t where b = any(array[?, ?])",
      "delete from t where a in (select b from u where c = ? and d is not null) and e >= ?");

  @Provide
  Arbitrary<String> literal() {
    var text = Arbitraries.strings().withChars("ab'\\$ \n").ofMaxLength(8);
    return Arbitraries.oneOf(
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(d -> String.valueOf(Math.abs(d))),
        Arbitraries.integers().between(0, 1000).map(i -> "." + i),
        Arbitraries.integers().between(0, 99).map(i -> i + "e" + i),
        Arbitraries.integers().between(0, 99_999).map(i -> "0x" + Integer.toHexString(i)),
        Arbitraries.integers().between(1, 999).map(i -> i + "_000"),
        text.map(s -> "'" + s.replace("'", "''") + "'"),
        text.map(s -> "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"),
        text.map(s -> "$tag$" + s + "$tag$"),
        text.filter(s -> !s.contains("$")).map(s -> "$$" + s + "$$"),
        Arbitraries.strings().withChars("01").ofMinLength(1).ofMaxLength(9).map(s -> "B'" + s + "'"),
        Arbitraries.integers().between(1, 99).map(i -> "$" + i),
        Arbitraries.of("true", "false", "null", "-1", "- 2.5", "U&'\\0061'", "X'1F'"));
  }

  @Property(tries = 1000)
  void replacingLiteralValuesKeepsTheFingerprint(
      @ForAll("shape") String shape, @ForAll("literals") List<String> a,
      @ForAll("literals") List<String> b) {
    assertThat(Fingerprinter.normalize(fill(shape, a)).fingerprint())
        .as("%s%n%s", fill(shape, a), fill(shape, b))
        .isEqualTo(Fingerprinter.normalize(fill(shape, b)).fingerprint());
  }

  @Provide
  Arbitrary<String> shape() {
    return Arbitraries.of(SHAPES);
  }

  @Provide
  Arbitrary<List<String>> literals() {
    return literal().list().ofSize(12);
  }

  private static String fill(String shape, List<String> literals) {
    var sb = new StringBuilder();
    int k = 0;
    for (char c : shape.toCharArray()) {
      sb.append(c == '?' ? literals.get(k++) : String.valueOf(c));
    }
    return sb.toString();
  }
}
