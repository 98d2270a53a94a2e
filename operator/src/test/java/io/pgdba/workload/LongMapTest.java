package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongMapTest {

  @Test
  void behavesLikeAMapUnderInsertsAndBackwardShiftRemovals() {
    var table = new LongMap<String>();
    var model = new HashMap<Long, String>();
    var random = new Random(11);
    for (int i = 0; i < 200_000; i++) {
      // keys a log could craft: i * (2^32 + 1) has the same low bits in its two halves, the
      // shape that put every key of the former table in one slot; the others share their low
      // 40 bits. The map must stay a map whatever the keys.
      long k = random.nextInt(3_000);
      long key = random.nextBoolean() ? k * 0x1_0000_0001L : k << 40;
      if (random.nextInt(3) == 0) {
        table.remove(key);
        model.remove(key);
      } else if (table.get(key) == null) {
        table.put(key, "v" + i);
        model.put(key, "v" + i);
      } else if (random.nextInt(4) == 0) {
        table.put(key, "w" + i);
        model.put(key, "w" + i);
      }
      if (i % 10_000 == 0) {
        for (var e : model.entrySet()) {
          assertThat(table.get(e.getKey())).isEqualTo(e.getValue());
        }
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    var seen = new HashMap<Long, String>();
    table.forEach((key, value) -> assertThat(seen.put(key, value)).isNull());
    assertThat(seen).isEqualTo(model);
    var bySlot = new ArrayList<Long>();
    for (int slot = 0; slot < table.slots(); slot++) {
      if (table.valueAt(slot) != null) {
        bySlot.add(table.keyAt(slot));
      }
    }
    assertThat(bySlot).containsExactlyInAnyOrderElementsOf(model.keySet());
  }

  @Test
  void twoMapsSpreadTheSameKeysDifferently() {
    // the multiplier is drawn per map: a log cannot learn one layout that every run will have
    var keys = new long[64];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i * 0x1_0000_0001L;
    }
    var first = layout(keys);
    boolean differs = false;
    for (int attempt = 0; attempt < 5 && !differs; attempt++) {
      differs = !layout(keys).equals(first);
    }
    assertThat(differs).isTrue();
  }

  private static ArrayList<Long> layout(long[] keys) {
    var map = new LongMap<Boolean>();
    for (long k : keys) {
      map.put(k, true);
    }
    var order = new ArrayList<Long>();
    map.forEach((k, v) -> order.add(k));
    return order;
  }
}
