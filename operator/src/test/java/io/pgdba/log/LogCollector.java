package io.pgdba.log;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: reads a source through LogReader and LogEventAssembler, keeping everything. */
final class LogCollector {
  final List<LogRecord> records = new ArrayList<>();
  final List<LogEvent> events = new ArrayList<>();
  LogReadResult result;

  static LogCollector read(LogSource source, LogReaderOptions options) {
    var c = new LogCollector();
    var assembler = new LogEventAssembler(c.events::add);
    try {
      c.result =
          new LogReader(options)
              .read(
                  source,
                  r -> {
                    c.records.add(r);
                    assembler.accept(r);
                  });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assembler.finish();
    return c;
  }

  static LogCollector read(Path file) {
    return read(LogSource.file(file), LogReaderOptions.auto());
  }

  /** A fixture under src/test/resources/logs/. */
  static LogCollector fixture(String name) {
    return fixture(name, LogReaderOptions.auto());
  }

  static LogCollector fixture(String name, LogReaderOptions options) {
    var url = LogCollector.class.getResource("/logs/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    return read(new LogSource(name, url::openStream), options);
  }

  static LogCollector text(String text, LogReaderOptions options) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return read(new LogSource("text", () -> new ByteArrayInputStream(bytes)), options);
  }

  <T extends LogEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
