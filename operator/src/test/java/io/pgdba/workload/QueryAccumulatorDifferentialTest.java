package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The accumulator's fast paths (database, user and application counted in one go while the
 * same instances repeat; first and last seen compared as numbers) give the very counts and
 * instants of the plain steps they replace, the reference here: each execution added one at a
 * time to three {@link BoundedCounts}, each fold added with {@link BoundedCounts#addAll}, and the
 * instants ordered by {@link Instant#compareTo}. On generated runs: names as several equal String
 * instances and as null, the name {@code (other)}, more names than the counts keep, clocks that go
 * back, equal seconds with other nanoseconds, missing timestamps, folds and reads half-way.
 */
class QueryAccumulatorDifferentialTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** The plain steps, fed the same executions and folds. */
  private static final class Reference {
    final BoundedCounts databases = new BoundedCounts();
    final BoundedCounts users = new BoundedCounts();
    final BoundedCounts applications = new BoundedCounts();
    Instant first;
    Instant last;

    void record(Instant ts, String db, String user, String app) {
      seen(ts);
      databases.add(db, 1);
      users.add(user, 1);
      applications.add(app, 1);
    }

    void absorb(Reference o) {
      seen(o.first);
      seen(o.last);
      databases.addAll(o.databases);
      users.addAll(o.users);
      applications.addAll(o.applications);
    }

    private void seen(Instant ts) {
      if (ts == null) {
        return;
      }
      if (first == null || ts.compareTo(first) < 0) {
        first = ts;
      }
      if (last == null || ts.compareTo(last) > 0) {
        last = ts;
      }
    }

    void assertSame(QueryStats stats) {
      assertThat(stats.databases()).containsExactlyEntriesOf(databases.toMap());
      assertThat(stats.users()).containsExactlyEntriesOf(users.toMap());
      assertThat(stats.applications()).containsExactlyEntriesOf(applications.toMap());
      assertThat(stats.firstSeen()).isEqualTo(first);
      assertThat(stats.lastSeen()).isEqualTo(last);
    }
  }

  /** A name of {@code pool}, as one of a few equal instances (a log's ranges each make one). */
  private static String name(Random random, List<String[]> pool) {
    if (random.nextInt(30) == 0) {
      return null;
    }
    if (random.nextInt(40) == 0) {
      return new String(BoundedCounts.OTHER); // the bucket's own name, logged as a real name
    }
    String[] copies = pool.get(random.nextInt(pool.size()));
    return copies[random.nextInt(copies.length)];
  }

  private static List<String[]> pool(Random random, int names) {
    var pool = new ArrayList<String[]>();
    for (int i = 0; i < names; i++) {
      String name = "n" + i;
      var copies = new String[1 + random.nextInt(3)];
      for (int k = 0; k < copies.length; k++) {
        copies[k] = new String(name);
      }
      pool.add(copies);
    }
    return pool;
  }

  private static void compare(long seed, int executions, int names, int runLength) {
    var random = new Random(seed);
    var pool = pool(random, names);
    var acc = new QueryAccumulator(1, "q", 60_000);
    var ref = new Reference();
    var other = new QueryAccumulator(0, "(other)", 60_000);
    var otherRef = new Reference();
    long clock = 0;
    String db = null;
    String user = null;
    String app = null;
    for (int i = 0; i < executions; i++) {
      if (i == 0 || random.nextInt(runLength) == 0) {
        // a new connection's names; often a run of lines of the same one
        db = name(random, pool);
        user = name(random, pool);
        app = name(random, pool);
      }
      clock += switch (random.nextInt(8)) {
        case 0 -> -5_000; // the clock goes back
        case 1 -> 0; // the same instant again
        default -> random.nextInt(3_000);
      };
      Instant ts = random.nextInt(25) == 0
          ? null
          : T0.plusMillis(clock).plusNanos(random.nextInt(3) * 1_000L);
      acc.record(random.nextDouble() * 10, ts, db, user, app);
      ref.record(ts, db, user, app);
      switch (random.nextInt(200)) {
        case 0 -> {
          // the rare query folds into "other", and starts again
          other.absorb(acc);
          otherRef.absorb(ref);
          acc = new QueryAccumulator(1, "q", 60_000);
          ref = new Reference();
        }
        case 1 -> ref.assertSame(acc.toStats("q")); // read half-way, then go on
        default -> {
          // another execution
        }
      }
    }
    ref.assertSame(acc.toStats("q"));
    other.absorb(acc);
    otherRef.absorb(ref);
    otherRef.assertSame(other.toStats("other"));
  }

  @Property(tries = 300)
  void countsAndInstantsAreThoseOfThePlainSteps(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 2_000) int executions,
      @ForAll @IntRange(min = 1, max = 25) int names,
      @ForAll @IntRange(min = 1, max = 20) int runLength) {
    compare(seed, executions, names, runLength);
  }

  @Test
  void manyNamesPastTheBoundCountAsThePlainSteps() {
    // dozens of names: past the ten kept, the rest in "(other)", whichever instance comes
    compare(1, 50_000, 60, 3);
    compare(2, 50_000, 12, 1);
  }

  @Test
  void aRunOfOneConnectionCountsEachExecution() {
    var acc = new QueryAccumulator(1, "q", 60_000);
    String db = new String("db");
    for (int i = 0; i < 5; i++) {
      acc.record(1, T0.plusSeconds(i), db, "u", "app");
    }
    acc.record(1, T0.minusSeconds(1), new String("db"), "u", null);
    var stats = acc.toStats("q");
    assertThat(stats.databases()).isEqualTo(Map.of("db", 6L));
    assertThat(stats.users()).isEqualTo(Map.of("u", 6L));
    assertThat(stats.applications()).isEqualTo(Map.of("app", 5L));
    assertThat(stats.firstSeen()).isEqualTo(T0.minusSeconds(1));
    assertThat(stats.lastSeen()).isEqualTo(T0.plusSeconds(4));
    // read twice: the same
    assertThat(acc.toStats("q")).isEqualTo(stats);
  }
}
