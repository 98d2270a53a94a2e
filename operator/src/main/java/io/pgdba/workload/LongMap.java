package io.pgdba.workload;

/**
 * A map from a 64-bit key (a fingerprint) to a value, open addressing with linear probing: a
 * lookup boxes no {@code Long}, which a {@code HashMap<Long, V>} does for every key outside
 * -128..127 (every fingerprint), once a statement on the workload's thread. Null values are not
 * allowed (null marks an empty slot). Iterate with {@link #slots()}, {@link #keyAt} and
 * {@link #valueAt}. Keys come from logged text, which an attacker may shape so that fingerprints
 * share their low bits: the slot is taken from the key times a random odd number of this instance
 * (Fibonacci hashing), so no log can pile its keys onto one probe run. The iteration order thus
 * changes from run to run: callers must not depend on it (they sort, or pick by key).
 */
final class LongMap<V> {

  private final long multiplier =
      java.util.concurrent.ThreadLocalRandom.current().nextLong() | 1;
  private int shift = 64 - 4;
  private long[] keys = new long[16];
  private Object[] values = new Object[16];
  private int size;

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  V get(long key) {
    int mask = keys.length - 1;
    for (int i = slot(key); values[i] != null; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return (V) values[i];
      }
    }
    return null;
  }

  /** Adds or replaces the value of {@code key}. */
  void put(long key, V value) {
    if (value == null) {
      throw new IllegalArgumentException("null value");
    }
    int mask = keys.length - 1;
    int i = slot(key);
    while (values[i] != null) {
      if (keys[i] == key) {
        values[i] = value;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    values[i] = value;
    if (++size * 2 > keys.length) {
      grow();
    }
  }

  /** Removes {@code key} by backward-shift deletion (no tombstones). */
  void remove(long key) {
    int mask = keys.length - 1;
    int i = slot(key);
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
      int home = slot(keys[j]);
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

  /** A key and its value. */
  interface Visitor<V> {
    void accept(long key, V value);
  }

  /** Each entry, in the table's order (see the class comment). */
  void forEach(Visitor<? super V> visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null) {
        visitor.accept(keys[i], valueAt(i));
      }
    }
  }

  /** The number of slots to walk with {@link #keyAt} and {@link #valueAt}. */
  int slots() {
    return keys.length;
  }

  long keyAt(int slot) {
    return keys[slot];
  }

  /** The value in {@code slot}, or null when the slot is empty. */
  @SuppressWarnings("unchecked")
  V valueAt(int slot) {
    return (V) values[slot];
  }

  private void grow() {
    long[] oldKeys = keys;
    Object[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new Object[oldKeys.length * 2];
    shift--;
    int mask = keys.length - 1;
    for (int k = 0; k < oldKeys.length; k++) {
      if (oldValues[k] != null) {
        int i = slot(oldKeys[k]);
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[k];
        values[i] = oldValues[k];
      }
    }
  }

  private int slot(long key) {
    return (int) ((key * multiplier) >>> shift);
  }
}
