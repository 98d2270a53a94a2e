package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar in a child JVM with a small heap, on a log of 6,000 distinct queries of 40 KB
 * each in Cyrillic (two bytes a character in the heap, and in UTF-8): the workload must fold
 * rare queries by what they really cost, and a heap too small for anything must end in one line.
 */
class BoundedMemoryIT {

  private static final Path JAR = Path.of("target", "pgdba.jar");
  private static final int QUERIES = 6_000;
  private static final int QUERY_BYTES = 40 * 1024;

  @TempDir static Path dir;
  static Path log;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void generate() throws IOException {
    assertThat(JAR).as("run mvn package first").exists();
    log = dir.resolve("cyrillic.log");
    try (var w = new BufferedWriter(
        new OutputStreamWriter(Files.newOutputStream(log), StandardCharsets.UTF_8), 1 << 20)) {
      for (int i = 0; i < QUERIES; i++) {
        // the number spelled in Cyrillic letters makes every query's identifiers distinct
        var id = new StringBuilder();
        for (char c : Integer.toString(i).toCharArray()) {
          id.append((char) ('а' + (c - '0')));
        }
        var sql = new StringBuilder("SELECT ");
        int utf8 = 7;
        for (int k = 0; utf8 < QUERY_BYTES - 100; k++) {
          String column = "поле_" + id + "_" + k + ", ";
          sql.append(column);
          utf8 += column.getBytes(StandardCharsets.UTF_8).length;
        }
        sql.append("1 FROM таблица_").append(id).append(" WHERE ключ = 42");
        w.write("2026-11-24 10:54:28.336 UTC [9383] LOG:  duration: 12.5 ms  statement: ");
        w.write(sql.toString());
        w.write('\n');
      }
    }
  }

  @Test
  void sixThousandDistinctFortyKilobyteNonAsciiQueriesFitIn160Megabytes() throws Exception {
    var run = pgdba("-Xmx160m", "analyze", "--log", log.toString(), "--output", "json");
    assertThat(run.err()).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
    assertThat(run.exit()).as(run.err()).isZero();
    var summary = new ObjectMapper().readTree(run.out()).get("summary");
    assertThat(summary.get("statements").asLong()).isEqualTo(QUERIES);
    assertThat(summary.get("unparsedLines").asLong()).isZero();
    assertThat(summary.get("foldedQueries").asLong()).isPositive();
  }

  @Test
  void runningOutOfMemoryIsOneLineAndItsOwnExitStatus() throws Exception {
    var run = pgdba("-Xmx24m", "analyze", "--log", log.toString(), "--output", "json");
    assertThat(run.exit()).as(run.err()).isEqualTo(Main.EXIT_OUT_OF_MEMORY);
    var lines = run.err().lines().filter(l -> !l.startsWith("pgdba: reading ")).toList();
    assertThat(lines).singleElement().asString()
        .startsWith("pgdba: out of memory (Java heap of ")
        .contains("-Xmx");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static Run pgdba(String heap, String... args) throws Exception {
    var cmd = new ArrayList<String>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    var process = new ProcessBuilder(cmd).start();
    process.getOutputStream().close();
    var out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    var err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("pgdba finished").isTrue();
    return new Run(process.exitValue(), out.get(), err.get());
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
