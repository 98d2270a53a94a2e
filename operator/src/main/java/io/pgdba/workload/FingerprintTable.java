package io.pgdba.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * An open-addressing map (linear probing) from 64-bit fingerprint to accumulator: the
 * per-statement lookup boxes nothing.
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

  /**
   * Removes one entry by backward-shift deletion (no tombstones): the entries after it in its
   * probe run move back when their home slot allows. Cheaper than a rebuild when folding a tenth.
   */
  void remove(long key) {
    int mask = keys.length - 1;
    int i = slot(key, mask);
    while (values[i] != null && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (values[i] == null) {
      return;
    }
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (values[j] == null) {
        break;
      }
      int home = slot(keys[j], mask);
      boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!staysPut) {
        keys[i] = keys[j];
        values[i] = values[j];
        i = j;
      }
    }
    values[i] = null;
    keys[i] = 0;
    size--;
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
