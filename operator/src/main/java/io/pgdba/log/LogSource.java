package io.pgdba.log;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A named stream of log text: a file, standard input or a pod's log. Gzip is recognised by its
 * magic bytes when read, whatever the name.
 */
public record LogSource(String name, Opener opener) {

  /** Opens the raw stream; called once per read. */
  @FunctionalInterface
  public interface Opener {
    InputStream open() throws IOException;
  }

  public static LogSource file(Path path) {
    return new LogSource(path.toString(), () -> Files.newInputStream(path));
  }

  public static LogSource stdin() {
    return new LogSource("stdin", () -> System.in);
  }
}
