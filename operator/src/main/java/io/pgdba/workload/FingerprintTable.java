package io.pgdba.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * An open-addressing map from 64-bit fingerprint to accumulator: the per-statement lookup boxes
 * nothing. Removal happens only in batches (folding), by rebuilding.
 */
final class FingerprintTable {

  private long[] keys = new long[64];
  private QueryAccumulator[] values = new QueryAccumulator[64];
  private int size;

  int size() {
    return size;
  }

  QueryAccumulator get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key, mask); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return values[i];
      }
    }
    return null;
  }

  void put(QueryAccumulator acc) {
    if ((size + 1) * 2 > keys.length) {
      rebuild(values(), keys.length * 2);
    }
    insert(acc);
    size++;
  }

  List<QueryAccumulator> values() {
    var list = new ArrayList<QueryAccumulator>(size);
    for (var v : values) {
      if (v != null) {
        list.add(v);
      }
    }
    return list;
  }

  /** Replaces the content by {@code kept}. */
  void retainOnly(List<QueryAccumulator> kept) {
    int cap = 64;
    while (kept.size() * 2 > cap) {
      cap *= 2;
    }
    rebuild(kept, Math.max(cap, keys.length / 2 >= kept.size() * 2 ? keys.length : cap));
    size = kept.size();
  }

  private void rebuild(List<QueryAccumulator> all, int capacity) {
    keys = new long[capacity];
    values = new QueryAccumulator[capacity];
    for (var acc : all) {
      insert(acc);
    }
  }

  private void insert(QueryAccumulator acc) {
    int mask = keys.length - 1;
    int i = slot(acc.hash, mask);
    while (values[i] != null) {
      i = (i + 1) & mask;
    }
    keys[i] = acc.hash;
    values[i] = acc;
  }

  private static int slot(long key, int mask) {
    return (int) (key ^ (key >>> 32)) & mask;
  }
}
