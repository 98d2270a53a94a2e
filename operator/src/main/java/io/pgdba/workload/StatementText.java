package io.pgdba.workload;

import java.util.List;

/**
 * What the workload reads of one exact statement text: its fingerprint and what the session
 * patterns look at (first keyword, text hash, volatility). Logs repeat the very same text
 * (prepared statements, constant-free queries), so the builder keeps these by exact text and works
 * each out once per text instead of once per execution. Every value is a function of the text
 * alone: a cached copy answers as a fresh one would. Single-threaded, like the builder.
 */
final class StatementText {

  final String text;
  final long fingerprint;
  private String verb;
  private boolean hashed;
  private long textHash;
  /** 0 not yet known, 1 no, 2 yes. */
  private byte volatility;
  /** The instance this one is a copy of ({@link #forEqualText}), or null. */
  private StatementText source;

  StatementText(String text, long fingerprint) {
    this.text = text;
    this.fingerprint = fingerprint;
  }

  /**
   * With the characters of {@code text} at hand ({@code chars[0, n)}, the fingerprinter's copy,
   * which the next statement overwrites): the verb and the text hash are worked out now from the
   * array, the same values as from the String, without a second read of the String through
   * {@code charAt}. When the copy is cut short (a text past the fingerprinter's bound) they are
   * left to the String, later, as without it.
   */
  StatementText(String text, long fingerprint, char[] chars, int n) {
    this(text, fingerprint);
    if (n == text.length()) {
      verb = SessionTracker.firstWord(chars, n, text);
      textHash = SessionTracker.textHash(chars, n);
      hashed = true;
    }
  }

  /**
   * What this copy knows, for {@code equal}, a String equal to {@link #text}: every value is a
   * function of the text alone.
   */
  StatementText forEqualText(String equal) {
    var t = new StatementText(equal, fingerprint);
    t.verb = verb;
    t.hashed = hashed;
    t.textHash = textHash;
    t.volatility = volatility;
    t.source = source == null ? this : source;
    return t;
  }

  /**
   * The same object for this instance and its copies ({@link #forEqualText}), whose texts are
   * all equal: a memo by text can be hit by reference, without comparing the characters.
   */
  Object sameText() {
    return source == null ? this : source;
  }

  /** {@link SessionTracker#textHash} of the text. */
  long textHash() {
    if (!hashed) {
      textHash = SessionTracker.textHash(text);
      hashed = true;
    }
    return textHash;
  }

  /**
   * Works out now the verb and the text hash, which the workload's thread asks of every text
   * (volatility, asked of repeats only, stays to be worked out when first asked).
   */
  StatementText complete() {
    verb();
    identity(java.util.List.of());
    return this;
  }

  /** {@link SessionTracker#firstWord}. */
  String verb() {
    if (verb == null) {
      verb = SessionTracker.firstWord(text);
    }
    return verb;
  }

  /** {@link SessionTracker#identity} of this text and {@code parameters}. */
  long identity(List<String> parameters) {
    return SessionTracker.identity(textHash(), parameters);
  }

  /** {@link SessionTracker#isVolatile}. */
  boolean isVolatile() {
    if (volatility == 0) {
      volatility = SessionTracker.isVolatile(text) ? (byte) 2 : (byte) 1;
    }
    return volatility == 2;
  }
}
