package io.pgdba.log;

import java.util.function.Consumer;

/**
 * Turns {@link LogRecord}s into {@link LogEvent}s: parses the message ({@code duration: ...},
 * {@code statement:}, {@code execute <name>:}, checkpoints, temp files...), pairs
 * {@code log_statement} + {@code log_duration} lines of the same session, and attaches parameters.
 * Call {@link #finish()} at the end of the input to flush what is still pending.
 */
public final class LogEventAssembler implements Consumer<LogRecord> {

  private final Consumer<LogEvent> sink;

  public LogEventAssembler(Consumer<LogEvent> sink) {
    this.sink = sink;
  }

  @Override
  public void accept(LogRecord record) {
    throw new UnsupportedOperationException("TODO(log): implement");
  }

  public void finish() {}
}
