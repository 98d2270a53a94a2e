package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The shape cache's table by digits ({@link ShapeCache#findByDigits}) answers a text from
 * another that differs from it only in the digits of its digit runs: texts of one mask, with
 * digits put where they matter (names, a number's {@code 0x} prefix, a dollar quote's tag,
 * numbers kept as written, type modifiers) and where they do not (literals, parameters,
 * comments), must each give what a fresh instance without any cache gives, and what the
 * reference lexer gives.
 */
class ShapeCacheDigitsProperties {

  /** {@code #} is a run of digits, filled anew for every text of a mask. */
  private static final List<String> FRAGMENTS = List.of(
      "select", "SELECT", "from", "where", "and", "in", "values", "array", "order by",
      "group by", "limit", "offset", "as", "is", "not", "null", "case when", "then", "else",
      "end", "begin", "commit", "t", "x", "(", ")", "[", "]", ",", ";", ".", ":", "::", "=", "<",
      "-", "+", "*", "/", "||",
      // digits in literals, parameters and comments
      "#", "-#", "- #", "#.#", ".#", "#.", "#e#", "#E-#", "#e", "#_#", "#..#", "$#", "'#'",
      "'a#b''#'", "E'\\#'", "e'#\\'#'", "B'#'", "X'#F'", "N'#'", "U&'\\#'", "$$#$$", "$q$#$q$",
      "-- #\n", "/* # */", "/* /* # */ # */", "'#'\n'#'",
      // digits that matter: names, prefixes, tags, kept numbers, type modifiers
      "t#", "c#x", "\"q#\"", "\"#\"", "_#", "U&\"#\"", "0x#", "#x", "#xF", "#X#", "#b#", "#o#",
      "#B", "$a#$ # $a#$", "$a#$#$a#$", "$a$ # $a#$", "$#$", "$a#", "order by #",
      "order by #, #", "group by # order by #", "order by # .x", "::numeric(#, #)",
      "::varchar(#)", " as char(#)", "cast(x as numeric(#))", "in (#, #, #)", "in (#)",
      "values (#, #), (#, #)", "array[#, #]", "limit #", "interval '# days'", "$#::int",
      // cut short: the text's end inside a literal or a comment
      "'#", "$$#", "/* #", "-- #", "E'\\", "\u00e9#", "#\u00e9", "\u0000#");

  @Provide
  Arbitrary<String> mask() {
    var piece = Arbitraries.of(FRAGMENTS);
    var sep = Arbitraries.of("", " ", "\n");
    return Combinators.combine(piece, sep).as((p, s) -> p + s).list().ofMinSize(1)
        .ofMaxSize(16).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<List<String>> runs() {
    var run = Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(12),
        Arbitraries.of("0", "1", "00", "10"));
    return run.list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 3000)
  void textsOfOneMaskAnswerAsAFreshUncachedInstance(@ForAll("mask") String mask,
      @ForAll("runs") List<String> a, @ForAll("runs") List<String> b,
      @ForAll("runs") List<String> c) {
    var cached = new Fingerprinter();
    for (List<String> runs : List.of(a, b, c, a, b)) {
      assertSameAsUncached(cached, fill(mask, runs));
    }
  }

  /** Texts of many masks interleaved: a slot's mask is replaced and compared, never assumed. */
  @Property(tries = 500)
  void manyMasksInterleaved(@ForAll("masks") List<String> masks,
      @ForAll("runs") List<String> runs) {
    var cached = new Fingerprinter();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < masks.size(); i++) {
        List<String> r = runs.subList(0, 1 + (i + round) % runs.size());
        assertSameAsUncached(cached, fill(masks.get(i), r));
      }
    }
  }

  @Provide
  Arbitrary<List<String>> masks() {
    return mask().list().ofMinSize(1).ofMaxSize(12);
  }

  @Example
  void textsThatDifferInDigitsOnlyAreAnsweredByTheirMask() {
    var cached = new Fingerprinter();
    for (int i = 0; i < 100; i++) {
      assertSameAsUncached(cached, "UPDATE pgbench_accounts SET abalance = abalance + -" + i
          + " WHERE aid = " + (i * 7919) + "; -- run " + i);
      assertSameAsUncached(cached, "select * from t where a = '" + i + "' and b = $" + (i + 1)
          + " and c in (" + i + ", 2, 3)");
    }
    // a mask is kept the second time it is seen: each answers the 98 texts after that
    assertThat(cached.digitMaskHits()).isEqualTo(196);
  }

  @Example
  void digitsThatMatterAreNeverMasked() {
    var cached = new Fingerprinter();
    String[][] pairs = {
      {"select * from t1", "select * from t2"},
      {"select \"c1\" from t", "select \"c2\" from t"},
      {"select a from t order by 1", "select a from t order by 2"},
      {"select a::numeric(10,2) from t", "select a::numeric(12,4) from t"},
      {"select 10x1F", "select 0x1F"},
      {"select 1b1", "select 0b1"},
      {"select $a1$ x $a2$ y $a1$", "select $a1$ x $a1$ y $a1$"},
      {"select $a$ x $a1$ y", "select $a$ x $a$1$ y"},
      {"select 5.5", "select 5..5"},
    };
    for (String[] p : pairs) {
      assertSameAsUncached(cached, p[0]);
      assertSameAsUncached(cached, p[1]);
      assertSameAsUncached(cached, p[0]);
    }
  }

  /** Many distinct masks, each long: the characters held stay within the bound. */
  @Example
  void memoryStaysBounded() {
    var cached = new Fingerprinter();
    String col = "c".repeat(5000);
    for (int i = 0; i < 3000; i++) {
      String sql = "select " + col + Integer.toString(i, 26).replaceAll("[0-9]", "z")
          + " from t where a = " + i;
      // three texts of one mask: it is kept the second time it is seen, found the third
      for (int digit = 0; digit < 3; digit++) {
        String text = sql + digit;
        assertThat(cached.fingerprint(text))
            .isEqualTo(new Fingerprinter(false).fingerprint(text));
      }
      assertThat(cached.shapeCacheChars()).isLessThanOrEqualTo(ShapeCache.MAX_CHARS);
      assertThat(cached.digitMaskChars()).isLessThanOrEqualTo(ShapeCache.MASK_MAX_CHARS);
    }
    assertThat(cached.digitMaskChars()).isPositive();
    assertThat(cached.digitMaskHits()).isPositive();
  }

  private static void assertSameAsUncached(Fingerprinter cached, String sql) {
    var plain = new Fingerprinter(false);
    long expected = plain.fingerprint(sql);
    assertThat(cached.fingerprint(sql)).as(sql).isEqualTo(expected);
    assertThat(cached.text()).as(sql).isEqualTo(plain.text());
    assertThat(cached.readLength()).isEqualTo(plain.readLength());
    assertThat(Arrays.copyOf(cached.readChars(), cached.readLength()))
        .isEqualTo(Arrays.copyOf(plain.readChars(), plain.readLength()));
    assertThat(cached.text()).as(sql).isEqualTo(ReferenceFingerprinter.normalize(sql).text());
  }

  private static String fill(String mask, List<String> runs) {
    var sb = new StringBuilder();
    int k = 0;
    for (char c : mask.toCharArray()) {
      if (c == '#') {
        sb.append(runs.get(k++ % runs.size()));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
