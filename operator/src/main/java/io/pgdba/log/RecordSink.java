package io.pgdba.log;

import java.util.function.Consumer;

/**
 * A sink for records that can take one numbered from a base: the parallel read of a plain stderr
 * file numbers each range's lines from the range's start, as its thread parses it, and learns
 * where the range starts in the file only when the ranges before it are parsed. A sink that
 * reads the number adds the base itself; any other {@link Consumer} is handed a copy of each
 * record with its line number in the file.
 */
@FunctionalInterface
public interface RecordSink extends Consumer<LogRecord> {

  /** {@code record}, its first line being the file's line {@code lineBase + record.line()}. */
  void accept(LogRecord record, long lineBase);

  @Override
  default void accept(LogRecord record) {
    accept(record, 0);
  }
}
