package io.pgdba.workload;

import io.pgdba.log.TextWork;

/**
 * The workload's reading of a statement text ({@link StatementText}: fingerprint, verb, text hash,
 * volatility), worked out by a thread that parses the log, ahead of the workload's thread: the
 * same steps {@link WorkloadBuilder} takes for a text it has not seen, on a fingerprinter of this
 * instance's own (one instance per thread, like the fingerprinter), with the same small cache by
 * exact text. The builder uses a result only for the very String it was made for ({@link
 * WorkloadBuilder#precomputed}), so a cached result is handed out as a copy for the String asked
 * about (the one the event then carries).
 */
final class StatementTextWork implements TextWork {

  private static final int CACHE_SIZE = 1024;
  private static final int CACHE_MAX_CHARS = 4096;
  /**
   * Characters the cache may hold in all: a thread per core each keeps one, beside the builder's,
   * so a log of long distinct texts must not hold a full cache of the longest on every thread.
   */
  private static final int CACHE_BUDGET_CHARS = 1 << 20;

  private final Fingerprinter fingerprinter = new Fingerprinter();
  private final StatementText[] cache = new StatementText[CACHE_SIZE];
  private int cachedChars;

  @Override
  public StatementText apply(String text) {
    int slot = text.hashCode() & (CACHE_SIZE - 1);
    var cached = cache[slot];
    if (cached != null && text.equals(cached.text)) {
      return cached.forEqualText(text);
    }
    long fingerprint = fingerprinter.fingerprint(text);
    var t = new StatementText(text, fingerprint, fingerprinter.readChars(),
        fingerprinter.readLength()).complete();
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
}
