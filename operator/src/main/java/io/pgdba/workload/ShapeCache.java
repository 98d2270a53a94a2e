package io.pgdba.workload;

import io.pgdba.workload.SqlTokenizer.Type;
import java.util.Arrays;

/**
 * The fingerprinter's results by statement shape: the text's tokens with the text of each
 * literal (string, number, parameter) left out. Logs run the same query with ever new constants,
 * so texts that miss every exact-text cache still repeat a few thousand shapes, and a shape is
 * normalized once instead of once per text.
 *
 * <p>Exact by construction, not by a similarity guess: the key comes from the very lexer the
 * fingerprinter reads with (literal boundaries cannot disagree) and holds every token's type and,
 * for all but literals, its text in full (compared, not only hashed). Of a literal the key holds
 * the first character (a digit as {@code 0}), what the fingerprinter's look-ahead
 * ({@code peekSignificant}) may see of it.
 * Past that the fingerprinter uses a literal's value in one place only, a number it keeps as
 * written ({@code ORDER BY 2}, {@code numeric(10,2)}): it reports those literals, the entry keeps
 * their values and answers only a text whose literals there are equal; else it is a miss. Every
 * other decision the fingerprinter takes depends on token types, non-literal texts, those first
 * characters and the order of token positions, which equal keys share: so a hit gives what a run
 * would give.
 *
 * <p>Bounded whatever the log holds: texts longer than {@link #MAX_READ_CHARS} are not cached, a
 * direct-mapped table of {@link #SLOTS} entries replaces on collision, and when the characters
 * held would pass {@link #MAX_CHARS} the table starts empty again. One per fingerprinter, so
 * single-threaded like it.
 *
 * <p>In front of the shapes, a table by digits ({@link #findByDigits}): most texts that miss the
 * exact-text caches differ from one seen before only in the digits of their numbers ({@code
 * where id = 48213}), and comparing the characters with the digit runs masked is a plain loop,
 * where reading a shape's key lexes the text. A text's mask is the text with every run of ASCII
 * digits written as one {@code 0}. A mask is kept only for a text all of whose digit runs lie
 * inside a string, a number or a parameter whose value the results do not use, or inside a
 * comment ({@link #keepByDigits}): the lexer's steps over such a run depend only on which
 * characters are digits, never on which digits (the exceptions, a number's {@code 0x} prefix and
 * a dollar quote's tag, are not kept, nor a number the fingerprinter keeps as written), so a text
 * of the same mask lexes into the same tokens, literals aside, has the same shape key and gives
 * the same results.
 */
final class ShapeCache {

  /** Longer texts are normalized without the cache (rare; the key would cost as much). */
  static final int MAX_READ_CHARS = 16_384;
  static final int SLOTS = 1 << 15;
  /** Characters (keys, normalized texts, kept values) held at most. */
  static final long MAX_CHARS = 1L << 22;

  private static final class Entry {
    final long keyHash;
    final char[] key;
    /** Token indexes of the literals whose value the result depends on. */
    final int[] kept;
    final char[][] keptValues;
    final long fingerprint;
    final char[] text;
    final long chars;

    Entry(long keyHash, char[] key, int[] kept, char[][] keptValues, long fingerprint,
        char[] text, long chars) {
      this.keyHash = keyHash;
      this.key = key;
      this.kept = kept;
      this.keptValues = keptValues;
      this.fingerprint = fingerprint;
      this.text = text;
      this.chars = chars;
    }
  }

  private final Entry[] slots = new Entry[SLOTS];
  private long chars;

  // The tokens of the text last read: type ordinal, start, end.
  private int[] types = new int[64];
  private int[] starts = new int[64];
  private int[] ends = new int[64];
  private int tokens;
  private long keyHash;

  private Entry found;
  /** Results of the last successful {@link #find} or {@link #findByDigits}. */
  private long foundFingerprint;
  private char[] foundText;
  long hits;
  long misses;
  long bypassed;

  /**
   * Reads the tokens of the text {@code tok} was reset to, leaving {@code tok} at its end. False
   * (nothing read) for a text too long to cache.
   */
  boolean readKey(SqlTokenizer tok) {
    if (tok.limit() > MAX_READ_CHARS) {
      bypassed++;
      return false;
    }
    final char[] src = tok.chars();
    int n = 0;
    // Only picks a slot, so it looks at a few characters of each token (cheaper than the
    // fingerprint it saves); equality is then checked on every character.
    long h = 0;
    Type t;
    while ((t = tok.next()) != Type.END) {
      if (n == types.length) {
        types = Arrays.copyOf(types, n * 2);
        starts = Arrays.copyOf(starts, n * 2);
        ends = Arrays.copyOf(ends, n * 2);
      }
      int type = t.ordinal();
      int s = tok.start;
      int e = tok.end;
      types[n] = type;
      starts[n] = s;
      ends[n++] = e;
      long w = literal(type) ? type | (long) lead(src[s]) << 8
          : type | (long) (e - s) << 8 | (long) src[s] << 24 | (long) src[e - 1] << 40;
      h = (h ^ w) * 0x100000001b3L;
      h ^= h >>> 29;
    }
    tokens = n;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    keyHash = h;
    return true;
  }

  private static final boolean[] LITERAL = new boolean[Type.values().length];

  static {
    LITERAL[Type.STRING.ordinal()] = true;
    LITERAL[Type.NUMBER.ordinal()] = true;
    LITERAL[Type.PARAM.ordinal()] = true;
  }

  /**
   * What the key keeps of a literal's first character. The fingerprinter sees it through
   * {@code peekSignificant} only, which it compares with operator characters, {@code ( [ . :}
   * and the end: so every digit reads as {@code 0} ({@code 7} and {@code 1} lead numbers the
   * same way), and the rest (quote, {@code .}, {@code $}, a string's prefix letter) as it is.
   */
  private static char lead(char c) {
    return c >= '0' && c <= '9' ? '0' : c;
  }

  private static boolean literal(int type) {
    return LITERAL[type];
  }

  /**
   * Whether an entry answers the text last read ({@code src}): the same tokens, literals aside,
   * and its kept literals equal; then {@link #fingerprint()} and {@link #text()} are its results.
   */
  boolean find(char[] src) {
    Entry e = slots[slot(keyHash)];
    found = null;
    if (e == null || e.keyHash != keyHash || !sameKey(e.key, src)) {
      misses++;
      return false;
    }
    for (int i = 0; i < e.kept.length; i++) {
      int k = e.kept[i];
      char[] v = e.keptValues[i];
      if (!Arrays.equals(v, 0, v.length, src, starts[k], ends[k])) {
        misses++;
        return false;
      }
    }
    hits++;
    found = e;
    foundFingerprint = e.fingerprint;
    foundText = e.text;
    return true;
  }

  /**
   * The key of the text last read, written out: per token its type, then for a literal its first
   * character, else its length (one char: at most {@link #MAX_READ_CHARS}) and its characters.
   * So a key reads back one way only, and equal keys are equal token sequences.
   */
  private char[] key(char[] src) {
    int len = 0;
    for (int i = 0; i < tokens; i++) {
      len += literal(types[i]) ? 2 : 2 + ends[i] - starts[i];
    }
    char[] key = new char[len];
    int k = 0;
    for (int i = 0; i < tokens; i++) {
      key[k++] = (char) types[i];
      int s = starts[i];
      if (literal(types[i])) {
        key[k++] = lead(src[s]);
      } else {
        int n = ends[i] - s;
        key[k++] = (char) n;
        System.arraycopy(src, s, key, k, n);
        k += n;
      }
    }
    return key;
  }

  /** {@code key} equals {@link #key} of the text last read, without writing that out. */
  private boolean sameKey(char[] key, char[] src) {
    int k = 0;
    int len = key.length;
    for (int i = 0; i < tokens; i++) {
      if (k + 2 > len || key[k++] != types[i]) {
        return false;
      }
      int s = starts[i];
      if (literal(types[i])) {
        if (key[k++] != lead(src[s])) {
          return false;
        }
        continue;
      }
      int n = ends[i] - s;
      if (key[k++] != n || k + n > len) {
        return false;
      }
      for (int j = 0; j < n; j++) {
        if (key[k + j] != src[s + j]) {
          return false;
        }
      }
      k += n;
    }
    return k == len;
  }

  long chars() {
    return chars;
  }

  long fingerprint() {
    return foundFingerprint;
  }

  char[] text() {
    return foundText;
  }

  /**
   * Keeps the results of the text read last: {@code keptStarts[0, keptCount)} are the start
   * positions of the literals whose value the fingerprinter used.
   */
  void store(int[] keptStarts, int keptCount, char[] out, int outLen, long fingerprint,
      char[] src) {
    int[] kept = new int[keptCount];
    char[][] values = new char[keptCount][];
    char[] key = key(src);
    long size = key.length + outLen;
    for (int i = 0; i < keptCount; i++) {
      int k = Arrays.binarySearch(starts, 0, tokens, keptStarts[i]);
      if (k < 0 || !literal(types[k])) {
        return; // not a literal token of the key: keep nothing rather than guess
      }
      kept[i] = k;
      values[i] = Arrays.copyOfRange(src, starts[k], ends[k]);
      size += values[i].length;
    }
    int slot = slot(keyHash);
    Entry old = slots[slot];
    if (old != null) {
      chars -= old.chars;
      slots[slot] = null;
    }
    if (chars + size > MAX_CHARS) {
      Arrays.fill(slots, null);
      chars = 0;
    }
    found = new Entry(keyHash, key, kept, values, fingerprint, Arrays.copyOf(out, outLen),
        size);
    slots[slot] = found;
    chars += size;
  }

  private static int slot(long hash) {
    return (int) (hash ^ (hash >>> 32)) & (SLOTS - 1);
  }

  static final int MASK_SLOTS = 1 << 12;
  /** Characters (masks, normalized texts) the table by digits holds at most. */
  static final long MASK_MAX_CHARS = 1L << 20;

  private static final class Masked {
    final long hash;
    /** The text with each run of digits written as one {@code 0}. */
    final char[] mask;
    final long fingerprint;
    final char[] text;

    Masked(long hash, char[] mask, long fingerprint, char[] text) {
      this.hash = hash;
      this.mask = mask;
      this.fingerprint = fingerprint;
      this.text = text;
    }
  }

  private final Masked[] masks = new Masked[MASK_SLOTS];
  /**
   * Per slot, the hash of the last mask seen there but not kept: a mask is kept the second time
   * it is seen, so that texts whose masks never repeat (string constants) cost no copy.
   */
  private final long[] seenMasks = new long[MASK_SLOTS];
  private long maskChars;
  /** The hash of the mask of the text {@link #findByDigits} looked up last. */
  private long maskHash;
  long maskHits;

  long maskChars() {
    return maskChars;
  }

  /**
   * Whether a text of the mask of {@code src[0, n)} was kept ({@link #keepByDigits}); then
   * {@link #fingerprint()} and {@link #text()} are its results, those of this text too.
   */
  boolean findByDigits(char[] src, int n) {
    if (n > MAX_READ_CHARS) {
      return false;
    }
    long h = maskHash(src, n);
    maskHash = h;
    Masked m = masks[(int) (h ^ (h >>> 32)) & (MASK_SLOTS - 1)];
    if (m == null || m.hash != h || !sameMask(m.mask, src, n)) {
      return false;
    }
    hits++;
    maskHits++;
    foundFingerprint = m.fingerprint;
    foundText = m.text;
    return true;
  }

  /** A hash of the mask of {@code s[0, n)}, read on the text (the mask is not written out). */
  static long maskHash(char[] s, int n) {
    long h = 0xcbf29ce484222325L; // not the length: the digit runs' lengths may change
    int i = 0;
    while (i < n) {
      char c = s[i++];
      if (c <= '9' && c >= '0') {
        i = digitsEnd(s, i, n);
        c = '0';
      }
      h = (h ^ c) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }

  /** The end of the run of ASCII digits in {@code s[0, n)} from {@code i} ({@code i} if none). */
  private static int digitsEnd(char[] s, int i, int n) {
    while (i < n && s[i] <= '9' && s[i] >= '0') {
      i++;
    }
    return i;
  }

  /** Whether {@code s[0, n)} has the mask {@code mask}, compared a character at a time. */
  static boolean sameMask(char[] mask, char[] s, int n) {
    int i = 0;
    for (char m : mask) {
      if (i >= n) {
        return false;
      }
      char c = s[i++];
      if (m == '0') {
        if (c > '9' || c < '0') {
          return false;
        }
        i = digitsEnd(s, i, n);
      } else if (c != m) {
        return false; // a digit never equals a mask's other characters
      }
    }
    return i == n;
  }

  /**
   * Keeps the mask of the text read last ({@code src[0, n)}, whose tokens {@link #readKey} read
   * and whose results {@link #find} found or {@link #store} kept), if every run of digits in it
   * is one the results cannot depend on ({@link #freeDigits}) and its mask was seen before
   * ({@link #seenMasks}); else nothing.
   */
  void keepByDigits(char[] src, int n) {
    Entry e = found;
    if (e == null || e.kept.length > 0 || n > MAX_READ_CHARS) {
      return;
    }
    int slot = (int) (maskHash ^ (maskHash >>> 32)) & (MASK_SLOTS - 1);
    if (seenMasks[slot] != maskHash) {
      seenMasks[slot] = maskHash;
      return;
    }
    int len = 0;
    int t = 0;
    for (int i = 0; i < n; len++) {
      if (src[i] > '9' || src[i] < '0') {
        i++;
        continue;
      }
      int from = i;
      i = digitsEnd(src, i, n);
      while (t < tokens && ends[t] <= from) {
        t++;
      }
      // a run before token t's start lies between tokens: in a comment. One that a token holds
      // only in part cannot come from this lexer (a token that ends in a digit takes every digit
      // after it); it is refused all the same rather than assumed
      if (t < tokens && starts[t] < i
          && (starts[t] > from || ends[t] < i || !freeDigits(t, src, n))) {
        return;
      }
    }
    char[] mask = new char[len];
    int k = 0;
    for (int i = 0; i < n; ) {
      char c = src[i++];
      if (c <= '9' && c >= '0') {
        i = digitsEnd(src, i, n);
        c = '0';
      }
      mask[k++] = c;
    }
    long size = mask.length + e.text.length;
    Masked old = masks[slot];
    if (old != null) {
      maskChars -= old.mask.length + old.text.length;
      masks[slot] = null;
    }
    if (maskChars + size > MASK_MAX_CHARS) {
      Arrays.fill(masks, null);
      maskChars = 0;
    }
    masks[slot] = new Masked(maskHash, mask, e.fingerprint, e.text);
    maskChars += size;
  }

  /**
   * Whether the digits of token {@code t} (a run of them lies inside it) may change without
   * changing the tokens or the results: a literal whose value is not used (kept numbers are
   * excluded before) and whose lexing does not read which digits it holds. A number's first
   * digit decides with the character after it whether {@code 0x..}, {@code 0o..}, {@code 0b..}
   * is read (so a number followed there by one of those letters is not free), and a dollar
   * quote ends at its tag, which may hold digits (then not free).
   */
  private boolean freeDigits(int t, char[] src, int n) {
    int type = types[t];
    int s = starts[t];
    if (type == Type.PARAM.ordinal()) {
      return true;
    }
    if (type == Type.NUMBER.ordinal()) {
      int p = digitsEnd(src, s, n);
      if (p == s || p >= n) {
        return true; // starts with '.', or the run is all of the text's rest
      }
      char c = src[p];
      return !(c == 'x' || c == 'X' || c == 'o' || c == 'O' || c == 'b' || c == 'B');
    }
    if (type == Type.STRING.ordinal()) {
      if (src[s] != '$') {
        return true;
      }
      for (int p = s + 1; p < ends[t] && src[p] != '$'; p++) {
        if (src[p] <= '9' && src[p] >= '0') {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
