package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ExplainedStatement;
import io.pgdba.log.LogEvent.LogError;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import io.pgdba.log.LogEvent.ServerEvent;
import io.pgdba.log.LogEvent.ServerEvent.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkloadBuilderTest {

  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private static Origin at(Instant ts, String db, String user, String app) {
    return new Origin(ts, db, user, app, 42, "test.log", 1);
  }

  private static ExecutedStatement simple(Instant ts, double ms, String sql) {
    return new ExecutedStatement(at(ts, "shop", "app", "web"), Phase.SIMPLE, null, ms, sql,
        List.of());
  }

  private static WorkloadBuilder builder() {
    return new WorkloadBuilder(WorkloadOptions.defaults());
  }

  @Test
  void groupsByFingerprintWithExactTotalsAndHistogramPercentiles() {
    var random = new Random(7);
    var durations = new double[2_000];
    var b = builder();
    for (int i = 0; i < durations.length; i++) {
      // a long-tailed distribution from 0.05 ms to a few seconds
      durations[i] = Math.round(Math.exp(random.nextGaussian() * 1.5) * 1000) / 1000.0 + 0.05;
      b.accept(simple(T0.plusMillis(i), durations[i],
          "select * from orders where id = " + random.nextInt(1000)));
    }
    var w = b.build();
    assertThat(w.queries()).hasSize(1);
    var q = w.queries().get(0);
    Arrays.sort(durations);
    double sum = Arrays.stream(durations).sum();
    assertThat(q.query()).isEqualTo("select * from orders where id = $1");
    assertThat(q.calls()).isEqualTo(durations.length);
    assertThat(q.totalTimeMs()).isCloseTo(sum, within(1e-6));
    assertThat(q.meanTimeMs()).isCloseTo(sum / durations.length, within(1e-9));
    assertThat(q.minTimeMs()).isEqualTo(durations[0]);
    assertThat(q.maxTimeMs()).isEqualTo(durations[durations.length - 1]);
    // HdrHistogram with 2 significant digits: within 1 % (+1 µs of recording resolution)
    assertPercentile(q.p50TimeMs(), durations, 50);
    assertPercentile(q.p95TimeMs(), durations, 95);
    assertPercentile(q.p99TimeMs(), durations, 99);
    assertThat(q.firstSeen()).isEqualTo(T0);
    assertThat(q.lastSeen()).isEqualTo(T0.plusMillis(durations.length - 1));
  }

  private static void assertPercentile(double actual, double[] sorted, double p) {
    double exact = sorted[(int) Math.ceil(p / 100 * sorted.length) - 1];
    assertThat(actual).as("p%s", p).isCloseTo(exact, within(exact * 0.01 + 0.002));
  }

  @Test
  void singleCallPercentilesAreTheValue() {
    var b = builder();
    b.accept(simple(T0, 12.345, "select 1"));
    var q = b.build().queries().get(0);
    assertThat(List.of(q.p50TimeMs(), q.p95TimeMs(), q.p99TimeMs(), q.minTimeMs(), q.maxTimeMs()))
        .containsOnly(12.345);
  }

  @Test
  void preparedAndLiteralStatementsGroupAndTheExampleIsTheSlowestWithItsParameters() {
    var b = builder();
    b.accept(simple(T0, 5, "SELECT * FROM orders WHERE id = 5 AND status = 'open'"));
    b.accept(new ExecutedStatement(at(T0, "shop", "app", "web"), Phase.EXECUTE, "S_1", 9,
        "select * from orders where id = $1 and status = $2", List.of("'77'", "'it''s'")));
    b.accept(new ExecutedStatement(at(T0, "shop", "app", "web"), Phase.EXECUTE, "S_1", 2,
        "select * from orders where id = $1 and status = $2", List.of("'1'", "'fast'")));
    var q = b.build().queries().get(0);
    assertThat(q.calls()).isEqualTo(3);
    assertThat(q.example()).isEqualTo("select * from orders where id = '77' and status = 'it''s'");
    assertThat(q.exampleParameters()).containsExactly("'77'", "'it''s'");
    assertThat(q.maxTimeMs()).isEqualTo(9);
  }

  @Test
  void breakdownsAreBoundedWithAnOtherEntry() {
    var b = builder();
    int calls = 0;
    for (int u = 0; u < 15; u++) {
      for (int i = 0; i <= u; i++) {
        b.accept(new ExecutedStatement(at(T0, "db" + (u % 2), "user" + u, null), Phase.SIMPLE,
            null, 1, "select 1", List.of()));
        calls++;
      }
    }
    var q = b.build().queries().get(0);
    assertThat(q.users()).hasSize(BoundedCounts.CAPACITY + 1).containsKey("(other)");
    assertThat(q.users().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(calls);
    // largest first, "(other)" last
    assertThat(new ArrayList<>(q.users().keySet()).get(0)).isEqualTo("user9");
    assertThat(q.databases()).containsOnlyKeys("db0", "db1");
    assertThat(q.applications()).isEmpty();
  }

  @Test
  void capFoldsTheRarestIntoOtherAndKeepsTheHeavyQueries() {
    var b = new WorkloadBuilder(new WorkloadOptions(100, Duration.ofMinutes(5)));
    long statements = 0;
    for (int round = 0; round < 20; round++) {
      for (int h = 0; h < 5; h++) {
        b.accept(simple(T0.plusSeconds(round), 10, "select * from heavy" + h + " where a = 1"));
        statements++;
      }
      for (int u = 0; u < 500; u++) {
        b.accept(simple(T0.plusSeconds(round), 0.5, "select * from unique_" + round + "_" + u));
        statements++;
      }
    }
    var w = b.build();
    var kept = w.queries().stream().filter(q -> !q.fingerprint().equals("other")).toList();
    assertThat(kept.size()).isLessThanOrEqualTo(100);
    assertThat(kept).extracting(QueryStats::query)
        .contains("select * from heavy0 where a = $1", "select * from heavy4 where a = $1");
    var other = w.queries().stream().filter(q -> q.fingerprint().equals("other")).findFirst();
    assertThat(other).isPresent();
    assertThat(w.queries().stream().mapToLong(QueryStats::calls).sum()).isEqualTo(statements);
    assertThat(w.queries().stream().mapToDouble(QueryStats::totalTimeMs).sum())
        .isCloseTo(w.totals().totalTimeMs(), within(1e-6));
    assertThat(w.totals().foldedQueries()).isGreaterThan(9_000);
    // 20 x 500 unique + 5 heavy, estimated once folding started
    assertThat(w.totals().distinctQueries()).isCloseTo(10_005, within(500L));
    // only the rare (0.5 ms) queries were folded, none of the heavy ones
    assertThat(other.get().maxTimeMs()).isEqualTo(0.5);
    assertThat(other.get().p99TimeMs()).isEqualTo(0.5);
  }

  @Test
  void foldingPastTheCapGivesTheSameWorkloadEveryRun() {
    // all 3,000 queries tie (one call of 1 ms each): which of them fold must not depend on the
    // order the fingerprint table, whose layout is drawn per run, happens to hold them in
    var workloads = new ArrayList<Workload>();
    for (int run = 0; run < 4; run++) {
      var b = new WorkloadBuilder(new WorkloadOptions(100, Duration.ofMinutes(5)));
      for (int q = 0; q < 3_000; q++) {
        b.accept(simple(T0, 1, "select * from t" + q));
      }
      workloads.add(b.build());
    }
    assertThat(workloads.get(0).totals().foldedQueries()).isGreaterThan(2_000);
    for (var w : workloads.subList(1, workloads.size())) {
      assertThat(w.queries()).isEqualTo(workloads.get(0).queries());
    }
  }

  @Test
  void distinctCountStaysRightWhenFoldedQueriesComeBack() {
    var b = new WorkloadBuilder(new WorkloadOptions(500, Duration.ofMinutes(5)));
    for (int round = 0; round < 10; round++) {
      for (int q = 0; q < 3_000; q++) {
        b.accept(simple(T0, 1, "select * from t" + q));
      }
    }
    var t = b.build().totals();
    assertThat(t.foldedQueries()).isGreaterThan(3_000);
    assertThat(t.distinctQueries()).isCloseTo(3_000, within(150L));
  }

  @Test
  void memoryBudgetFoldsEvenUnderTheCount() {
    var b = new WorkloadBuilder(WorkloadOptions.defaults(), 1_000_000);
    String padding = "x".repeat(20_000);
    for (int i = 0; i < 200; i++) {
      b.accept(simple(T0, 1, "select '" + padding + "' from t" + i));
    }
    var w = b.build();
    assertThat(w.totals().foldedQueries()).isGreaterThan(0);
    assertThat(w.queries().size()).isLessThan(100);
  }

  @Test
  void theBudgetCountsWhatTextHoldsInTheHeapNotOneBytePerCharacter() {
    long budget = 1_000_000;
    // Cyrillic is outside Latin-1: the JVM keeps it in UTF-16, two bytes a character.
    var cyrillic = keptBytes(budget, "поле_", 'а');
    assertThat(cyrillic.heapBytes()).isLessThanOrEqualTo(budget);
    // Latin-1 text (accents included) stays one byte a character, so twice as many fit.
    var latin1 = keptBytes(budget, "café_", 'a');
    assertThat(latin1.heapBytes()).isLessThanOrEqualTo(budget);
    assertThat(latin1.kept()).isGreaterThan(cyrillic.kept() * 3 / 2);
  }

  private record Kept(int kept, long heapBytes) {}

  /** Feeds 200 distinct ~10,000-character queries; what their kept texts occupy in the heap. */
  private static Kept keptBytes(long budget, String word, char firstDigit) {
    var b = new WorkloadBuilder(WorkloadOptions.defaults(), budget);
    for (int i = 0; i < 200; i++) {
      var id = new StringBuilder();
      for (char c : Integer.toString(i).toCharArray()) {
        id.append((char) (firstDigit + (c - '0')));
      }
      var sql = new StringBuilder("select ");
      for (int k = 0; sql.length() < 10_000; k++) {
        sql.append(word).append(id).append('_').append(k).append(", ");
      }
      b.accept(simple(T0, 1, sql.append("1 from t").toString()));
    }
    var w = b.build();
    long bytes = 0;
    int kept = 0;
    for (var q : w.queries()) {
      if (!q.fingerprint().equals(QueryStats.OTHER_FINGERPRINT)) {
        kept++;
        bytes += 600 + heap(q.query()) + heap(q.example());
      }
    }
    return new Kept(kept, bytes);
  }

  /** Compact strings: one byte a character for Latin-1 text, else two. */
  private static long heap(String s) {
    return s == null ? 0 : s.chars().allMatch(c -> c <= 0xFF) ? s.length() : 2L * s.length();
  }

  @Test
  void bucketsSliceTimeAndWidenInsteadOfGrowing() {
    var b = new WorkloadBuilder(new WorkloadOptions(1000, Duration.ofMinutes(1)));
    b.accept(simple(T0.plusSeconds(10), 1, "select 1"));
    b.accept(simple(T0.plusSeconds(50), 2, "select 2"));
    b.accept(simple(T0.plusSeconds(185), 4, "select 3"));
    var buckets = b.build().queries().get(0).buckets();
    // empty slices are left out
    assertThat(buckets).containsExactly(
        new TimeBucket(T0, 2, 3), new TimeBucket(T0.plusSeconds(180), 1, 4));

    var wide = new WorkloadBuilder(new WorkloadOptions(1000, Duration.ofMinutes(1)));
    var order = new ArrayList<Integer>();
    for (int m = 0; m < 1000; m++) {
      order.add(m);
    }
    Collections.shuffle(order, new Random(3)); // out of order, as with several files
    for (int m : order) {
      wide.accept(simple(T0.plus(Duration.ofMinutes(m)), 1, "select 1"));
    }
    var list = wide.build().queries().get(0).buckets();
    assertThat(list.size()).isLessThanOrEqualTo(BucketSeries.MAX_BUCKETS);
    assertThat(list.stream().mapToLong(TimeBucket::calls).sum()).isEqualTo(1000);
    long width = Duration.between(list.get(0).start(), list.get(1).start()).toMinutes();
    assertThat(width).isEqualTo(16); // 1 min doubled until 1000 minutes fit in 120 slices
    assertThat(list.get(0).start()).isBeforeOrEqualTo(T0);
    assertThat(list).allSatisfy(t -> assertThat(t.calls()).isLessThanOrEqualTo(16));
  }

  @Test
  void totalsCountExecutedStatementsApartFromParseAndBind() {
    var b = builder();
    var o = at(T0, "shop", "app", "web");
    b.accept(new ExecutedStatement(o, Phase.PARSE, "S_1", 0.5, "select $1", List.of()));
    b.accept(new ExecutedStatement(o, Phase.BIND, "S_1", 0.25, "select $1", List.of("1")));
    b.accept(new ExecutedStatement(o, Phase.EXECUTE, "S_1", 3, "select $1", List.of("1")));
    b.accept(simple(T0.plusSeconds(1), 7, "select 2"));
    b.accept(new LogError(at(T0.minusSeconds(5), null, null, null), "ERROR", "42P01",
        "relation \"x\" does not exist", "select * from x"));
    List<LogEvent> server = List.of(
        new ServerEvent(o, Kind.CHECKPOINT, 12), new ServerEvent(o, Kind.AUTOVACUUM, 1),
        new ServerEvent(o, Kind.AUTOANALYZE, 1), new ServerEvent(o, Kind.TEMP_FILE, 8192),
        new ServerEvent(o, Kind.TEMP_FILE, 1000), new ServerEvent(o, Kind.LOCK_WAIT, 1000),
        new ServerEvent(o, Kind.DEADLOCK, 0), new ServerEvent(o, Kind.CONNECTION, 0),
        new ServerEvent(o, Kind.CONNECTION, 0),
        new ServerEvent(at(T0.plusSeconds(60), null, null, null), Kind.DISCONNECTION, 3));
    server.forEach(b);
    var t = b.build().totals();
    assertThat(t.statements()).isEqualTo(2);
    assertThat(t.totalTimeMs()).isEqualTo(10);
    assertThat(t.parseCount()).isEqualTo(1);
    assertThat(t.parseTimeMs()).isEqualTo(0.5);
    assertThat(t.bindCount()).isEqualTo(1);
    assertThat(t.bindTimeMs()).isEqualTo(0.25);
    assertThat(t.errors()).isEqualTo(1);
    assertThat(List.of(t.checkpoints(), t.autovacuums(), t.autoanalyzes(), t.tempFiles(),
        t.tempFileBytes(), t.lockWaits(), t.deadlocks(), t.connections(), t.disconnections()))
        .containsExactly(1L, 1L, 1L, 2L, 9192L, 1L, 1L, 2L, 1L);
    assertThat(t.distinctQueries()).isEqualTo(1); // "select $1" and "select 2" are one shape
    assertThat(t.foldedQueries()).isZero();
    assertThat(t.firstTimestamp()).isEqualTo(T0.minusSeconds(5));
    assertThat(t.lastTimestamp()).isEqualTo(T0.plusSeconds(60));
  }

  @Test
  void keepsTheSlowestPlanAndListsNoQuerySeenOnlyInAPlan() {
    var b = builder();
    var o = at(T0, null, null, null);
    b.accept(simple(T0, 100, "select * from t where a = 1"));
    b.accept(new ExplainedStatement(o, 100, "select * from t where a = 1", "Seq Scan on t", false));
    b.accept(new ExplainedStatement(o, 50, "select * from t where a = 2", "Index Scan", false));
    b.accept(new ExplainedStatement(o, 5, "select * from never_executed", "Result", false));
    var w = b.build();
    assertThat(w.queries()).singleElement().satisfies(q -> {
      assertThat(q.examplePlan()).isEqualTo("Seq Scan on t");
      assertThat(q.calls()).isEqualTo(1);
    });
  }

  @Test
  void rankings() {
    var b = builder();
    for (int i = 0; i < 10; i++) {
      b.accept(simple(T0, 1, "select * from many where a = " + i));
    }
    b.accept(simple(T0, 50, "select * from slow"));
    b.accept(simple(T0, 4, "select * from mid"));
    b.accept(simple(T0, 4, "select * from mid"));
    var w = b.build();
    assertThat(w.queries().get(0).query()).isEqualTo("select * from slow");
    assertThat(w.topByCalls(1).get(0).query()).isEqualTo("select * from many where a = $1");
    assertThat(w.topByMeanTime(2)).extracting(QueryStats::query)
        .containsExactly("select * from slow", "select * from mid");
    assertThat(w.slow(4)).extracting(QueryStats::query)
        .containsExactly("select * from slow", "select * from mid");
  }

  @Test
  void aHugeStatementIsProfiledWithoutKeepingItsText() {
    var b = builder();
    String huge = "select * from t where a in (" + "12345, ".repeat(1_000_000) + "1) and b = 'x'";
    b.accept(simple(T0, 3, huge));
    b.accept(simple(T0, 1, "select * from t where a in (1, 2) and b = 'y'"));
    var q = b.build().queries().get(0);
    // the IN list is cut by the lexer's bound, so the two need not group; both are profiled
    assertThat(b.build().totals().statements()).isEqualTo(2);
    var slowest = b.build().topByMeanTime(1).get(0);
    assertThat(slowest.example()).isNull();
    assertThat(slowest.query().length()).isLessThanOrEqualTo(QueryAccumulator.MAX_QUERY_CHARS + 4);
    assertThat(q.calls()).isPositive();
  }

  @Test
  void optionsRejectNonsense() {
    assertThatThrownBy(() -> new WorkloadOptions(0, Duration.ofMinutes(1)))
        .hasMessageContaining("maxFingerprints");
    assertThatThrownBy(() -> new WorkloadOptions(10, Duration.ZERO))
        .hasMessageContaining("bucketWidth");
  }

  @Test
  void damagedDurationsAndMissingFieldsDoNotBreakTheProfile() {
    var b = builder();
    b.accept(new ExecutedStatement(new Origin(null, null, null, null, null, null, 0),
        Phase.SIMPLE, null, Double.NaN, null, null));
    b.accept(simple(T0, -3, "select 1"));
    b.accept(simple(T0, Double.POSITIVE_INFINITY, "select 1"));
    var w = b.build();
    assertThat(w.totals().statements()).isEqualTo(3);
    assertThat(w.queries()).allSatisfy(q -> assertThat(q.p99TimeMs()).isFinite());
  }
  @Test
  void errorsAreCountedPerStatementFingerprintWhenTheLogNamesTheStatement() {
    var b = builder();
    b.accept(simple(T0, 2, "select * from orders where id = 1"));
    for (int i = 0; i < 3; i++) {
      b.accept(new LogError(at(T0.plusSeconds(i), "shop", "app", "web"), "ERROR", "57014",
          "canceling statement due to statement timeout",
          "select * from orders where id = " + (i + 7)));
    }
    b.accept(new LogError(at(T0, null, null, null), "FATAL", "28P01",
        "password authentication failed for user \"x\"", null));
    var w = b.build();
    var fp = w.queries().get(0).fingerprint();
    assertThat(w.errorsByFingerprint()).containsExactly(java.util.Map.entry(fp, 3L));
    assertThat(w.totals().errors()).isEqualTo(4);
  }
}
