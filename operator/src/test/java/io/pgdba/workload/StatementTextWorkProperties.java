package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * What a range's thread works out of a statement text ({@link StatementTextWork}, with its cache
 * by exact text) must be what the workload's thread works out itself for a text it has not seen
 * (a fresh fingerprinter, the String versions of the verb, hash and volatility), for the very
 * String asked about, whatever came before: hostile texts, equal texts as other String
 * instances (the cache answers), texts past the cache's bounds, colliding slots.
 */
class StatementTextWorkProperties {

  private static final List<String> FRAGMENTS = List.of(
      "select", "SELECT", "insert", "update", "delete", "merge", "with", "begin", "commit",
      "end", "abort", "rollback", "prepare", "values", "table", "transaction", " to ", "now(",
      "random(", "pg_", " for update", " ", "\t", "\n", "\r", "(", ")", "--", "--c\n", "/*",
      "*/", "'", "''", "\"", "$$", "$1", "$q$", "1", "-1", "1.5", ".", "e5", "::", "int",
      "numeric(10,2)", "IN (", ",", "ARRAY[", "]", "VALUES (", "NULL", "TRUE", "is", "not",
      "order by", "group by", "UESCAPE", "U&'", "E'\\\\'", "x", "\"Tbl\"", "\u00e9", "\u0130",
      "\u212a", "\u00df", "\ud83d\ude00", "\ud83d", "\u0000", "\u00a0", "\u2003", ";");

  @Provide
  Arbitrary<String> texts() {
    var fragmented = Arbitraries.of(FRAGMENTS).list().ofMaxSize(40)
        .map(l -> String.join(" ", l));
    var any = Arbitraries.strings().all().ofMaxLength(60);
    var longOnes = Arbitraries.of(FRAGMENTS).list().ofMinSize(1).ofMaxSize(3)
        .map(l -> String.join("", l).repeat(4100 / Math.max(1, String.join("", l).length())));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, fragmented), net.jqwik.api.Tuple.of(3, any),
        net.jqwik.api.Tuple.of(1, longOnes));
  }

  @Property(tries = 300)
  void theThreadsAnswerIsTheFreshAnswer(
      @ForAll("pools") List<String> pool, @ForAll("picks") List<Integer> picks) {
    var work = new StatementTextWork();
    for (int pick : picks) {
      // a new String each time: the cache meets equal texts, never the same instance
      String text = new String(pool.get(pick % pool.size()).toCharArray());
      StatementText got = work.apply(text);
      assertThat(got.text).isSameAs(text);
      var fresh = new Fingerprinter();
      assertThat(got.fingerprint).isEqualTo(fresh.fingerprint(text));
      assertThat(got.verb()).isEqualTo(SessionTracker.firstWord(text));
      assertThat(got.identity(List.of("1", "'a'"))).isEqualTo(
          SessionTracker.identity(text, List.of("1", "'a'")));
      assertThat(got.isVolatile()).isEqualTo(SessionTracker.isVolatileSlow(text));
    }
  }

  @Provide
  Arbitrary<List<String>> pools() {
    return texts().list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Integer>> picks() {
    return Arbitraries.integers().between(0, 1000).list().ofMinSize(1).ofMaxSize(30);
  }

  /** Many distinct texts through few slots: evictions and the character budget. */
  @Property(tries = 20)
  void aFullCacheStillAnswersAsFresh(@ForAll("texts") String seed) {
    var work = new StatementTextWork();
    for (int i = 0; i < 3000; i++) {
      String text = seed + " " + (i % 1500) + " " + "z".repeat(i % 7 * 700);
      StatementText got = work.apply(text);
      assertThat(got.fingerprint).isEqualTo(new Fingerprinter().fingerprint(text));
      assertThat(got.verb()).isEqualTo(SessionTracker.firstWord(text));
      assertThat(got.identity(List.of())).isEqualTo(SessionTracker.identity(text, List.of()));
    }
  }

  /** The builder takes a result only for the String it was made for. */
  @Property(tries = 100)
  void theBuilderTakesAResultOnlyForItsOwnString(@ForAll("texts") String text) {
    var work = new StatementTextWork();
    var mine = work.apply(text);
    var origin = new io.pgdba.log.LogEvent.Origin(null, "d", "u", "a", 1, "s", 1);
    var own = new io.pgdba.log.LogEvent.ExecutedStatement(origin,
        io.pgdba.log.LogEvent.Phase.SIMPLE, null, 1, text, List.of(), mine);
    assertThat(WorkloadBuilder.precomputed(own)).isSameAs(mine);
    var equalOther = new io.pgdba.log.LogEvent.ExecutedStatement(origin,
        io.pgdba.log.LogEvent.Phase.SIMPLE, null, 1, new String(text.toCharArray()), List.of(),
        mine);
    assertThat(WorkloadBuilder.precomputed(equalOther)).isNull();
  }

  /**
   * The cache by bytes ({@link StatementTextWork#known}, a range thread's common path for texts
   * of ASCII lines): it answers only for a text equal to the one it kept, and then as a fresh run
   * would, whatever surrounds the bytes in their buffer; texts that differ in one byte, at every
   * place of an eight-byte step and in the tail, are told apart.
   */
  @Property(tries = 300)
  void theBytesAnswerOnlyForTheirOwnText(
      @ForAll("asciiPools") List<String> pool, @ForAll("picks") List<Integer> picks) {
    var work = new StatementTextWork();
    var random = new java.util.Random(pool.hashCode() * 31L + picks.hashCode());
    for (int pick : picks) {
      String text = new String(pool.get(pick % pool.size()).toCharArray());
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      int off = random.nextInt(9);
      byte[] buffer = new byte[off + bytes.length + random.nextInt(9)];
      random.nextBytes(buffer);
      System.arraycopy(bytes, 0, buffer, off, bytes.length);
      Object known = work.known(buffer, off, off + bytes.length);
      StatementText got;
      if (known != null) {
        assertThat(((StatementText) known).text).isEqualTo(text);
        got = work.reuse(known, text);
      } else {
        got = work.applyAscii(text);
        if (text.length() <= 4096) {
          // kept the second time it is seen: then the same bytes are answered at once (the
          // fast path is taken)
          if (work.known(buffer, off, off + bytes.length) == null) {
            work.applyAscii(new String(text.toCharArray()));
          }
          assertThat(work.known(buffer, off, off + bytes.length)).isNotNull();
        }
      }
      assertThat(got.text).isSameAs(text);
      assertThat(got.fingerprint).isEqualTo(new Fingerprinter().fingerprint(text));
      assertThat(got.verb()).isEqualTo(SessionTracker.firstWord(text));
      assertThat(got.identity(List.of("1"))).isEqualTo(
          SessionTracker.identity(text, List.of("1")));
      assertThat(got.isVolatile()).isEqualTo(SessionTracker.isVolatileSlow(text));
    }
  }

  @Provide
  Arbitrary<List<String>> asciiPools() {
    var ascii = FRAGMENTS.stream().filter(f -> f.chars().allMatch(c -> c < 0x80)).toList();
    var fragmented = Arbitraries.of(ascii).list().ofMaxSize(30).map(l -> String.join(" ", l));
    var any = Arbitraries.strings().ascii().ofMaxLength(40);
    var longOnes = Arbitraries.of(ascii).list().ofMinSize(1).ofMaxSize(3)
        .map(l -> String.join("", l).repeat(4100 / Math.max(1, String.join("", l).length())));
    var texts = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, fragmented),
        net.jqwik.api.Tuple.of(3, any), net.jqwik.api.Tuple.of(1, longOnes));
    // near twins: a text and copies of it with one byte changed, anywhere
    return texts.list().ofMinSize(1).ofMaxSize(4).map(base -> {
      var pool = new java.util.ArrayList<String>(base);
      for (String t : base) {
        for (int i = 0; i < Math.min(t.length(), 20); i++) {
          char[] c = t.toCharArray();
          c[i] = c[i] == 'x' ? 'y' : 'x';
          pool.add(new String(c));
        }
        pool.add(t + ";");
      }
      return pool;
    });
  }

  /** Many distinct texts kept by their bytes: evictions and the character budget. */
  @Property(tries = 10)
  void aFullByteCacheStillAnswersAsFresh(@ForAll("texts") String seed) {
    String ascii = seed.chars().allMatch(c -> c < 0x80) ? seed : "select 1";
    var work = new StatementTextWork();
    for (int i = 0; i < 3000; i++) {
      String text = ascii + " " + (i % 1500) + " " + "z".repeat(i % 7 * 700);
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (int twice = 0; twice < 2; twice++) {
        Object known = work.known(bytes, 0, bytes.length);
        StatementText got = known != null ? work.reuse(known, text) : work.applyAscii(text);
        assertThat(got.fingerprint).isEqualTo(new Fingerprinter().fingerprint(text));
        assertThat(got.identity(List.of())).isEqualTo(SessionTracker.identity(text, List.of()));
        assertThat(work.cachedChars()).isLessThanOrEqualTo(StatementTextWork.CACHE_BUDGET_CHARS);
      }
    }
  }
}
