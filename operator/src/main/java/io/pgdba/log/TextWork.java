package io.pgdba.log;

/**
 * Work on a logged statement's text that depends on the text alone (the workload's fingerprint of
 * it), done by a thread that parses ranges of a log, busy a third of the time, instead of the one
 * thread that consumes the events, the critical path of an analysis. The result travels with the
 * record ({@link LogRecord#worked()}) and then the event
 * ({@link LogEvent.ExecutedStatement#precomputed()}); the consumer uses it only for the very
 * String it was made from and works anything else out itself, so the outcome is the same whether
 * a result came or not (sequential reads, csvlog, jsonlog, syslog have none).
 *
 * <p>Implementations keep buffers: the reader gives each of its threads an instance of its own.
 */
@FunctionalInterface
public interface TextWork {

  /** What the consumer would work out of {@code text}: a pure function of the text. */
  Object apply(String text);

  /**
   * What this work already knows of the text whose UTF-8 bytes are {@code b[from, to)}, found
   * by those bytes alone (no String is made for a text that may never be cut: a continuation
   * line would change it), or null. Given back to {@link #reuse} with the text once it is cut.
   */
  default Object known(byte[] b, int from, int to) {
    return null;
  }

  /**
   * {@link #apply} of {@code text}, whose bytes {@link #known} answered with {@code known}: the
   * same result, for this String.
   */
  default Object reuse(Object known, String text) {
    return apply(text);
  }

  /**
   * {@link #apply} of a text whose chars are all ASCII, whose bytes {@link #known} did not
   * answer: the work may keep the result to answer them next time.
   */
  default Object applyAscii(String text) {
    return apply(text);
  }
}
