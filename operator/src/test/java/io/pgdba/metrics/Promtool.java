package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus' promtool (Debian package prometheus); tests skip where it is absent. */
public final class Promtool {

  private Promtool() {}

  public static Path require() {
    var path = System.getenv().getOrDefault("PATH", "");
    for (var dir : path.split(File.pathSeparator)) {
      var candidate = Path.of(dir, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "promtool is not installed (apt-get install prometheus); CI installs it");
    throw new IllegalStateException("unreachable");
  }

  /** Runs promtool with {@code args} and {@code stdin}; asserts exit 0, returns the output. */
  public static String run(String stdin, String... args) throws IOException, InterruptedException {
    var command = new ArrayList<String>(List.of(require().toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    assertThat(process.exitValue()).as("promtool %s said:%n%s", args, output).isZero();
    return output;
  }
}
