package io.pgdba.workload;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts per key (database, user, application) for one query, bounded: the first
 * {@link #CAPACITY} distinct keys are counted exactly, later ones together under
 * {@link #OTHER}. A query rarely has more than a handful, so this stays a few small arrays.
 */
final class BoundedCounts {

  static final int CAPACITY = 10;
  static final String OTHER = "(other)";

  private final int capacity;
  private String[] keys;
  private long[] counts;
  private int size;
  private long other;
  private int lastHit;

  BoundedCounts() {
    this(CAPACITY);
  }

  /** Counts the first {@code capacity} keys exactly (session hosts may be many more than 10). */
  BoundedCounts(int capacity) {
    this.capacity = capacity;
  }

  void add(String key, long n) {
    if (key == null || n <= 0) {
      return;
    }
    if (size > 0 && keys[lastHit].equals(key)) {
      counts[lastHit] += n;
      keys[lastHit] = key;
      return;
    }
    for (int i = 0; i < size; i++) {
      if (keys[i].equals(key)) {
        counts[i] += n;
        lastHit = i;
        // the equal key of this line: the next lines of the log share its instance, so their
        // lookup ends at String.equals's identity test
        keys[i] = key;
        return;
      }
    }
    if (size == capacity || OTHER.equals(key)) {
      other += n;
      return;
    }
    if (keys == null || size == keys.length) {
      int cap = keys == null ? 2 : Math.min(capacity, keys.length * 2);
      var k = new String[cap];
      var c = new long[cap];
      if (keys != null) {
        System.arraycopy(keys, 0, k, 0, size);
        System.arraycopy(counts, 0, c, 0, size);
      }
      keys = k;
      counts = c;
    }
    keys[size] = key;
    counts[size] = n;
    lastHit = size++;
  }

  void addAll(BoundedCounts o) {
    for (int i = 0; i < o.size; i++) {
      add(o.keys[i], o.counts[i]);
    }
    other += o.other;
  }

  /** Largest counts first (ties by key, for stable output), then {@link #OTHER} if any. */
  Map<String, Long> toMap() {
    var order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> counts[a] != counts[b]
        ? Long.compare(counts[b], counts[a]) : keys[a].compareTo(keys[b]));
    var map = new LinkedHashMap<String, Long>();
    for (int i : order) {
      map.put(keys[i], counts[i]);
    }
    if (other > 0) {
      map.put(OTHER, other);
    }
    return map;
  }
}
