package io.pgdba.log;

/** Turns the lines of one format into {@link LogRecord}s. One instance per source. */
interface RecordParser {

  /** Feeds one physical line (without its terminator). */
  void line(String text, long lineNumber);

  /** Flushes the record still open at the end of the input. */
  void finish();
}
