package io.pgdba.log;

import java.io.IOException;
import java.util.function.Consumer;

/** Reads a log source in any supported format and hands each {@link LogRecord} to a sink. */
public final class LogReader {

  private final LogReaderOptions options;

  public LogReader(LogReaderOptions options) {
    this.options = options;
  }

  /**
   * Streams {@code source} into {@code sink}; memory does not grow with the log size.
   *
   * @throws IOException when the source cannot be opened or read (not for unparseable content,
   *     which is counted in the result)
   */
  public LogReadResult read(LogSource source, Consumer<LogRecord> sink) throws IOException {
    throw new UnsupportedOperationException("TODO(log): implement");
  }
}
