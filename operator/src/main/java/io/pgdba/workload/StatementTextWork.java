package io.pgdba.workload;

import io.pgdba.log.TextWork;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The workload's reading of a statement text ({@link StatementText}: fingerprint, verb, text hash,
 * volatility), worked out by a thread that parses the log, ahead of the workload's thread: the
 * same steps {@link WorkloadBuilder} takes for a text it has not seen, on a fingerprinter of this
 * instance's own (one instance per thread, like the fingerprinter), with the same small cache by
 * exact text. The builder uses a result only for the very String it was made for ({@link
 * WorkloadBuilder#precomputed}), so a cached result is handed out as a copy for the String asked
 * about (the one the event then carries).
 *
 * <p>Two caches by exact text: one by the String ({@link #apply}) and one by the text's bytes,
 * for texts of ASCII lines, found while the parser still has the line's bytes ({@link #known}).
 * The second is the common one: a String's hash and equality are loops a char at a time in the
 * C1-compiled code the CLI runs, the bytes are hashed and compared eight at a time. Equal bytes
 * are equal texts (decoding is a function of the bytes), so a hit answers as a fresh run would.
 */
final class StatementTextWork implements TextWork {

  private static final int CACHE_SIZE = 1024;
  /** Slots of the cache by bytes: the common one, so larger (on pg300.log, 8 % more hits). */
  private static final int BYTE_CACHE_SIZE = 4096;
  private static final int CACHE_MAX_CHARS = 4096;
  /**
   * Characters the caches may hold in all: a thread per core each keeps them, beside the
   * builder's, so a log of long distinct texts must not hold a full cache of the longest on every
   * thread. A text kept by its bytes counts twice (its String and its bytes).
   */
  static final int CACHE_BUDGET_CHARS = 1 << 20;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A text kept by its bytes. */
  private static final class ByBytes {
    final long hash;
    final byte[] bytes;
    final StatementText text;

    ByBytes(long hash, byte[] bytes, StatementText text) {
      this.hash = hash;
      this.bytes = bytes;
      this.text = text;
    }
  }

  private final Fingerprinter fingerprinter = new Fingerprinter();
  private final StatementText[] cache = new StatementText[CACHE_SIZE];
  private final ByBytes[] byBytes = new ByBytes[BYTE_CACHE_SIZE];
  /**
   * Per slot, the hash of the last text seen there but not kept: a text is kept by its bytes the
   * second time it is seen. Most texts with constants never repeat: keeping each would allocate
   * a copy of its bytes and an entry that outlive a young collection, to be copied and promoted
   * for nothing, and push out a text that does repeat.
   */
  private final long[] seenOnce = new long[BYTE_CACHE_SIZE];
  /** The hash of the bytes {@link #known} looked up last (the text {@link #applyAscii} gets). */
  private long lastHash;
  private int cachedChars;

  @Override
  public StatementText apply(String text) {
    int slot = text.hashCode() & (CACHE_SIZE - 1);
    var cached = cache[slot];
    if (cached != null && text.equals(cached.text)) {
      return cached.forEqualText(text);
    }
    var t = fresh(text);
    int freed = cached == null ? 0 : cached.text.length();
    if (text.length() <= CACHE_MAX_CHARS
        && cachedChars - freed + text.length() <= CACHE_BUDGET_CHARS) {
      cache[slot] = t;
      cachedChars += text.length() - freed;
    }
    // the workload's thread writes what it works out later (volatility) into the copy it is
    // given: the cached one stays this thread's alone
    return t.forEqualText(text);
  }

  /** Characters the caches hold now (bounded by {@link #CACHE_BUDGET_CHARS}). */
  int cachedChars() {
    return cachedChars;
  }

  /** What the workload's thread works out of a text it has not seen. */
  private StatementText fresh(String text) {
    long fingerprint = fingerprinter.fingerprint(text);
    return new StatementText(text, fingerprint, fingerprinter.readChars(),
        fingerprinter.readLength()).complete();
  }

  /** The text kept for the bytes {@code b[from, to)}, or null. */
  @Override
  public Object known(byte[] b, int from, int to) {
    long h = hash(b, from, to);
    lastHash = h;
    var e = byBytes[slot(h)];
    return e != null && e.hash == h && same(e.bytes, b, from, to) ? e.text : null;
  }

  @Override
  public StatementText reuse(Object known, String text) {
    return ((StatementText) known).forEqualText(text);
  }

  /**
   * {@link #apply} of a text of ASCII chars only (so its ISO-8859-1 bytes, a copy of the
   * String's, are its UTF-8 bytes), whose bytes {@link #known} looked up last and did not find:
   * kept by those bytes, from the second time on ({@link #seenOnce}).
   */
  @Override
  public StatementText applyAscii(String text) {
    var t = fresh(text);
    int n = text.length();
    int seen = slot(lastHash);
    if (n <= CACHE_MAX_CHARS && seenOnce[seen] != lastHash) {
      // the first time (as far as the slot remembers): only its hash is remembered
      seenOnce[seen] = lastHash;
    } else if (n <= CACHE_MAX_CHARS) {
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      // the key is the hash of the bytes kept, whatever lastHash was: an entry is found only by
      // its own bytes
      long h = hash(bytes, 0, n);
      int slot = slot(h);
      var old = byBytes[slot];
      int freed = old == null ? 0 : 2 * old.bytes.length;
      if (cachedChars - freed + 2 * n <= CACHE_BUDGET_CHARS) {
        byBytes[slot] = new ByBytes(h, bytes, t);
        cachedChars += 2 * n - freed;
      }
    }
    return t.forEqualText(text);
  }

  private static int slot(long h) {
    return (int) (h ^ (h >>> 32)) & (BYTE_CACHE_SIZE - 1);
  }

  /** A hash of {@code b[from, to)}, eight bytes a step (it only picks a slot). */
  static long hash(byte[] b, int from, int to) {
    long h = to - from;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 31;
    }
    for (; i < to; i++) {
      h = (h ^ (b[i] & 0xFF)) * 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  /** Whether {@code kept} holds the bytes {@code b[from, to)}, compared eight at a time. */
  static boolean same(byte[] kept, byte[] b, int from, int to) {
    int n = to - from;
    if (kept.length != n) {
      return false;
    }
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) LONGS.get(kept, i) != (long) LONGS.get(b, from + i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (kept[i] != b[from + i]) {
        return false;
      }
    }
    return true;
  }
}
