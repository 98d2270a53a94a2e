package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FingerprintTableTest {

  @Test
  void behavesLikeAMapUnderInsertsAndBackwardShiftRemovals() {
    var table = new FingerprintTable();
    var model = new HashMap<Long, QueryAccumulator>();
    var random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      // few distinct low bits, so that probe runs are long and wrap around the array
      long key = random.nextInt(3_000) * 0x10001L << (random.nextBoolean() ? 0 : 40);
      if (random.nextInt(3) == 0) {
        table.remove(key);
        model.remove(key);
      } else if (table.get(key) == null) {
        var acc = new QueryAccumulator(key, "q", 60_000);
        table.put(acc);
        model.put(key, acc);
      }
      if (i % 10_000 == 0) {
        for (var e : model.entrySet()) {
          assertThat(table.get(e.getKey())).isSameAs(e.getValue());
        }
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    assertThat(table.values()).containsExactlyInAnyOrderElementsOf(model.values());
    for (long k = 0; k < 3_000; k++) {
      assertThat(table.get(k * 0x10001L)).isSameAs(model.get(k * 0x10001L));
    }
  }
}
