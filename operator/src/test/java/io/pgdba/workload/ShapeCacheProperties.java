package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fingerprinter's shape cache ({@link ShapeCache}) answers texts of a shape seen before from
 * what it kept: on any sequence of texts, hostile or not, a cached instance must give what a
 * fresh instance without the cache gives (fingerprint, normalized text, the characters read),
 * also when a number the fingerprinter keeps as written ({@code ORDER BY 2}, {@code numeric(10,2)})
 * changes between texts of one shape, and whatever the literals' kinds and lengths.
 */
class ShapeCacheProperties {

  /**
   * {@code ?} is a literal slot. Shapes where numbers are kept as written, IN lists, VALUES rows
   * and arrays of any length, a kept number before a dot, signs, casts and comments.
   */
  private static final List<String> SHAPES = List.of(
      "select * from t where a = ? and b <> ?",
      "SELECT a, b FROM t WHERE c IN (?, ?, ?) ORDER BY a LIMIT ?",
      "select * from t where c in (?) or d in (?, ?, ?, ?, ?)",
      "insert into t (a, b, c) values (?, ?, ?), (?, ?, ?)",
      "insert into t values (?, ?)",
      "update t set a = ?, b = ?::text where id = ? returning *",
      "select a, b from t order by ?, ? desc",
      "select a from t group by ? order by ?",
      "select a from t order by ? .x, (?)",
      "select a from t order by ? ?, ? ?",
      "select ?::numeric(?, ?), cast(? as varchar(?)), ?::character varying(?)[]",
      "select x::numeric(?,?) from t where y = -? and z = - ? and w=-?",
      "select case when a > ? then ? else ? end from t where b = any(array[?, ?])",
      "select array[?, ?, ?], array[?] from t where u = ? uescape ?",
      "select * from t where a = ? /* c /* nested */ ? */ and b = ? -- ?\n and c = ?",
      "select f(?, ?) + ? from t where x between ? and ? or y like ? limit ? offset ?",
      "select ?.?, ? . ?, ?..?, t.? from t",
      "select ? ? ? from ? where ?",
      "begin; select ?; commit work; end transaction; abort",
      "select ?", "?", "? ?", "values (?), (?)", "select ?;;");

  private static final List<String> FRAGMENTS = List.of(
      "select", "SELECT", "from", "where", "in", "IN", "values", "array", "order", "group",
      "by", "limit", "is", "not", "null", "true", "false", "and", "as", "AS", "uescape",
      "default", "begin", "end", "work", "t", "x", "MixedCase", "numeric", "varchar", "date",
      "(", ")", "[", "]", ",", ";", ".", ":", "::", "=", "<", "-", "+", "*", "/", "||", "-+",
      "'a''b'", "E'\\''", "E'\\", "$$x$$", "$q$y$q$", "$q$", "$", "$1", "$23", "1", "2", "-1",
      "1.5", ".5", "1.", "1..2", "1e3", "1e", "0x1F", "0x", "1_000", "B'01'", "X'F'", "N'n'",
      "U&'u'", "U&\"q\"", "\"Quoted\"", "\"select\"", "\"ok\"", "--c\n", "/*c*/",
      "/* /* */ */", "/*", "'", "\"", "'x'\n'y'", "e", "E", "\u0000", "\u00e9", "\u0130",
      "\ud83d\ude00", "\t", "\n");

  @Provide
  Arbitrary<String> literal() {
    var text = Arbitraries.strings().withChars("ab'\\$ \n*/-").ofMaxLength(8);
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 3).map(String::valueOf), // kept numbers repeat
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(d -> String.valueOf(Math.abs(d))),
        Arbitraries.integers().between(0, 1000).map(i -> "." + i),
        Arbitraries.integers().between(0, 99).map(i -> i + "e" + i),
        Arbitraries.integers().between(0, 99).map(i -> i + "."),
        Arbitraries.integers().between(0, 99_999).map(i -> "0x" + Integer.toHexString(i)),
        Arbitraries.integers().between(1, 999).map(i -> i + "_000"),
        text.map(s -> "'" + s.replace("'", "''") + "'"),
        text.map(s -> "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"),
        text.map(s -> "e'" + s + "'"),
        text.map(s -> "$tag$" + s + "$tag$"),
        text.filter(s -> !s.contains("$")).map(s -> "$$" + s + "$$"),
        Arbitraries.strings().withChars("01").ofMinLength(1).ofMaxLength(9)
            .map(s -> "B'" + s + "'"),
        Arbitraries.integers().between(1, 99).map(i -> "$" + i),
        Arbitraries.of("true", "false", "null", "NULL", "-1", "- 2.5", "U&'\\0061'", "X'1F'",
            "N'n'", "'x'\n'y'", "'x' 'y'", "x", "\"q\"", "(1)", "1, 2", "-", ""));
  }

  @Provide
  Arbitrary<String> soup() {
    var piece = Arbitraries.of(FRAGMENTS);
    var sep = Arbitraries.of("", " ", "\n", "  ");
    return Combinators.combine(piece, sep).as((p, s) -> p + s).list().ofMaxSize(30)
        .map(l -> String.join("", l));
  }

  /** A text: mostly a few shapes with fresh literals (so shapes repeat), sometimes soup. */
  @Provide
  Arbitrary<String> text() {
    var filled = Combinators.combine(Arbitraries.of(SHAPES), literal().list().ofSize(16))
        .as(ShapeCacheProperties::fill);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, filled),
        net.jqwik.api.Tuple.of(2, soup()),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(100)));
  }

  @Provide
  Arbitrary<List<String>> texts() {
    return text().list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 2000)
  void aCachedInstanceAnswersAsAFreshUncachedOne(@ForAll("texts") List<String> texts) {
    var cached = new Fingerprinter();
    for (String sql : texts) {
      assertSameAsUncached(cached, sql);
    }
    // and again in reverse order, now that the shapes are known
    for (int i = texts.size() - 1; i >= 0; i--) {
      assertSameAsUncached(cached, texts.get(i));
    }
  }

  /** One shape, its literals changed every time: kept numbers among them change too. */
  @Property(tries = 1000)
  void oneShapeWithChangingLiterals(@ForAll("shape") String shape,
      @ForAll("literalLists") List<List<String>> literals) {
    var cached = new Fingerprinter();
    for (List<String> l : literals) {
      assertSameAsUncached(cached, fill(shape, l));
    }
  }

  /**
   * Long names of one length, first and last character: the slot's hash reads only those, so
   * they land on one slot and only the full key comparison tells them apart (one character
   * anywhere in between, hostile ones too: quotes, {@code $}, a dash, non-ASCII).
   */
  @Property(tries = 1000)
  void longNamesOfOneSlotAreComparedInFull(@ForAll("longNames") List<String> names,
      @ForAll("literalLists") List<List<String>> literals) {
    var cached = new Fingerprinter();
    for (int i = 0; i < literals.size(); i++) {
      String name = names.get(i % names.size());
      assertSameAsUncached(cached, "select " + name + " from " + name + "_t where "
          + name + " = " + literals.get(i).get(0) + " and \"" + name + "\" in ("
          + literals.get(i).get(1) + ")");
    }
  }

  @Provide
  Arbitrary<List<String>> longNames() {
    var base = Arbitraries.strings().withChars("abxyz_").ofMinLength(6).ofMaxLength(40);
    var edit = Combinators.combine(Arbitraries.integers().between(0, 39),
        Arbitraries.of('a', 'b', 'z', '_', '$', '\u00e9', '"', '\'', ' ', '-', '9'))
        .as((at, c) -> new Object[] {at, c});
    return Combinators.combine(base, edit.list().ofMinSize(1).ofMaxSize(5)).as((m, edits) -> {
      List<String> names = new ArrayList<>();
      names.add("c" + m + "d");
      for (Object[] e : edits) {
        char[] v = m.toCharArray();
        v[(Integer) e[0] % v.length] = (Character) e[1];
        names.add("c" + new String(v) + "d");
      }
      return names;
    });
  }

  @Provide
  Arbitrary<String> shape() {
    return Arbitraries.of(SHAPES);
  }

  @Provide
  Arbitrary<List<List<String>>> literalLists() {
    return literal().list().ofSize(16).list().ofMinSize(2).ofMaxSize(10);
  }

  @Example
  void keptNumbersAreComparedNotAssumed() {
    var cached = new Fingerprinter();
    String[] texts = {
      "select a from t order by 1", "select a from t order by 2",
      "select a from t order by 1", "select a::numeric(10,2) from t",
      "select a::numeric(12,2) from t", "select a::numeric(10,4) from t",
      "select cast(a as varchar(10))", "select cast(a as varchar(11))",
      "select a from t order by 1 .x", "select a from t order by 2 .x",
      "select a from t order by 1.5 .x", "select a from t order by .5 .x",
      "select a from t order by 1e3, 2", "select a from t order by 1_000, 2",
      "select * from t where a in (1, 2, 3)", "select * from t where a in (4, 5, 6)",
      "select * from t where a in (4, 'x', 6)", "select * from t where a in (4, E'x', 6)",
      "select -1", "select - 1", "select -.5", "select $1", "select $12",
      "select 1 .5", "select 1 5", "select 'a'.x", "select $$a$$ .x",
      // the look-ahead after a kept number sees the next literal's first character
      "select a from t order by 1 5", "select a from t order by 1 .5",
      "select a from t order by 1 5", "select a from t order by 1 '5'",
    };
    for (String sql : texts) {
      assertSameAsUncached(cached, sql);
    }
    assertThat(cached.shapeCacheCounts()[0]).as("hits").isPositive();
  }

  @Example
  void textsOfOneShapeHitTheCache() {
    var cached = new Fingerprinter();
    for (int i = 0; i < 100; i++) {
      assertSameAsUncached(cached, "select * from orders where id = " + i + " and note = 'n"
          + i + "' and x in (1, " + i + ", 2)");
    }
    assertThat(cached.shapeCacheCounts()).containsExactly(99, 1, 0);
  }

  @Example
  void longTextsBypassTheCacheAndAnswerTheSame() {
    var cached = new Fingerprinter();
    int max = Fingerprinter.MAX_INPUT_CHARS;
    String[] texts = {
      "select * from t where a in (" + "1, ".repeat(ShapeCache.MAX_READ_CHARS) + "2)",
      "select '" + "x".repeat(max) + "' order by 1",
      "select * from t where a = " + "1".repeat(ShapeCache.MAX_READ_CHARS - 26),
      "select * from t where a = " + "1".repeat(ShapeCache.MAX_READ_CHARS - 25),
      "select * from t where a = " + "1".repeat(ShapeCache.MAX_READ_CHARS - 24),
      "select * from t where a = 1",
    };
    for (String sql : texts) {
      assertSameAsUncached(cached, sql);
      assertSameAsUncached(cached, sql);
    }
    assertThat(cached.shapeCacheCounts()[2]).as("bypassed").isEqualTo(8);
  }

  /** Many distinct shapes, each long: the characters held stay within the bound. */
  @Example
  void memoryStaysBounded() {
    var cached = new Fingerprinter();
    String col = "c".repeat(5000);
    for (int i = 0; i < 3000; i++) {
      String sql = "select " + col + i + " from t where a = " + i;
      assertThat(cached.fingerprint(sql)).isEqualTo(new Fingerprinter(false).fingerprint(sql));
      assertThat(cached.shapeCacheChars()).isLessThanOrEqualTo(ShapeCache.MAX_CHARS);
    }
  }

  private static void assertSameAsUncached(Fingerprinter cached, String sql) {
    var plain = new Fingerprinter(false);
    long expected = plain.fingerprint(sql);
    assertThat(cached.fingerprint(sql)).as(sql).isEqualTo(expected);
    assertThat(cached.text()).as(sql).isEqualTo(plain.text());
    assertThat(cached.textLength()).isEqualTo(plain.textLength());
    assertThat(cached.readLength()).isEqualTo(plain.readLength());
    assertThat(Arrays.copyOf(cached.readChars(), cached.readLength()))
        .isEqualTo(Arrays.copyOf(plain.readChars(), plain.readLength()));
    // and as the reference lexer (kept in the test sources) normalizes it
    assertThat(cached.text()).isEqualTo(ReferenceFingerprinter.normalize(sql).text());
  }

  private static String fill(String shape, List<String> literals) {
    var sb = new StringBuilder();
    int k = 0;
    for (char c : shape.toCharArray()) {
      sb.append(c == '?' ? literals.get(k++ % literals.size()) : String.valueOf(c));
    }
    return sb.toString();
  }
}
