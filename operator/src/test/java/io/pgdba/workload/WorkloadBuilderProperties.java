package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the events, the profile adds up: no call or millisecond is lost, even when folding. */
class WorkloadBuilderProperties {

  @Provide
  Arbitrary<List<ExecutedStatement>> events() {
    return event().list().ofMaxSize(300);
  }

  private Arbitrary<ExecutedStatement> event() {
    var ts = Arbitraries.longs().between(0, 30L * 24 * 3600 * 1000)
        .map(ms -> Instant.parse("2026-01-01T00:00:00Z").plusMillis(ms)).injectNull(0.05);
    var name = Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l")
        .injectNull(0.1);
    var origin = Combinators.combine(ts, name, name, name)
        .as((t, db, user, app) -> new Origin(t, db, user, app, 1, "gen", 1));
    var text = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 60).map(i -> "select * from t" + i + " where a = " + i),
        Arbitraries.strings().ofMaxLength(40)).injectNull(0.02);
    var ms = Arbitraries.oneOf(Arbitraries.doubles().between(0, 10_000),
        Arbitraries.of(Double.NaN, -1.0, 0.0, Double.POSITIVE_INFINITY));
    var phase = Arbitraries.of(Phase.values());
    return Combinators.combine(origin, phase, ms, text)
        .as((o, p, d, t) -> new ExecutedStatement(o, p, null, d, t, List.of()));
  }

  @Property(tries = 200)
  void everyCallAndMillisecondIsAccountedFor(
      @ForAll("events") List<ExecutedStatement> events) {
    var b = new WorkloadBuilder(new WorkloadOptions(8, Duration.ofMinutes(1)));
    events.forEach(b);
    var w = b.build();
    long executed = events.stream()
        .filter(e -> e.phase() == Phase.SIMPLE || e.phase() == Phase.EXECUTE).count();
    assertThat(w.totals().statements()).isEqualTo(executed);
    assertThat(w.queries().stream().mapToLong(QueryStats::calls).sum()).isEqualTo(executed);
    double total = w.queries().stream().mapToDouble(QueryStats::totalTimeMs).sum();
    assertThat(total).isCloseTo(w.totals().totalTimeMs(), within(1e-6 * (1 + total)));
    assertThat(w.queries().stream().filter(q -> !q.fingerprint().equals("other")).count())
        .isLessThanOrEqualTo(8);
    for (var q : w.queries()) {
      assertThat(q.minTimeMs()).isLessThanOrEqualTo(q.p50TimeMs());
      assertThat(q.p50TimeMs()).isLessThanOrEqualTo(q.p95TimeMs());
      assertThat(q.p95TimeMs()).isLessThanOrEqualTo(q.p99TimeMs());
      assertThat(q.p99TimeMs()).isLessThanOrEqualTo(q.maxTimeMs());
      assertThat(q.buckets().stream().mapToLong(TimeBucket::calls).sum())
          .isLessThanOrEqualTo(q.calls());
      assertThat(q.buckets().size()).isLessThanOrEqualTo(BucketSeries.MAX_BUCKETS);
    }
  }
}
