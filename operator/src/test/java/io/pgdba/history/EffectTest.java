package io.pgdba.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final Instant APPLIED = T0.plus(Duration.ofHours(5));

  static List<QueryPoint> series(double meanBefore, double meanAfter, long calls) {
    var points = new ArrayList<QueryPoint>();
    for (int h = 0; h < 10; h++) {
      double m = h < 5 ? meanBefore : meanAfter;
      points.add(new QueryPoint(h, T0.plus(Duration.ofHours(h)).plusSeconds(60), calls,
          calls * m, m, m * 1.5, m * 0.3, null));
    }
    return points;
  }

  @Test
  void anIndexThatHelpedSaysByHowMuchOverHowManyCalls() {
    var effect = Effect.measure(Map.of("q", series(15.7, 0.4, 240)), List.of("q"), APPLIED);
    assertThat(effect.outcome()).isEqualTo("improved");
    assertThat(effect.summary()).isEqualTo("mean 15.7 ms → 0.40 ms over 1,200 calls");
    assertThat(effect.score()).isGreaterThan(3);
  }

  @Test
  void noiseIsNoMeasurableChange() {
    var effect = Effect.measure(Map.of("q", series(10, 9.8, 240)), List.of("q"), APPLIED);
    assertThat(effect.outcome()).isEqualTo("no-measurable-change");
    assertThat(effect.summary()).startsWith("no measurable change (mean 10.0 ms → 9.80 ms");
  }

  @Test
  void slowerAfterIsSaid() {
    var effect = Effect.measure(Map.of("q", series(2, 6, 240)), List.of("q"), APPLIED);
    assertThat(effect.outcome()).isEqualTo("slower");
  }

  @Test
  void withoutRunsAfterThereIsNothingToMeasure() {
    var before = series(10, 10, 100).subList(0, 5);
    var effect = Effect.measure(Map.of("q", before), List.of("q"), APPLIED);
    assertThat(effect.outcome()).isEqualTo("not-enough-data");
    assertThat(effect.summary()).contains("no run since the index was applied");
  }
}
