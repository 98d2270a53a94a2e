package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar ({@code target/pgdba.jar}, built by {@code package}) run as a user runs it, on a
 * hand-written stderr log whose figures are known: five executed statements in three queries.
 */
public class AnalyzeCommandIT {

  private static final Path JAR = Path.of("target", "pgdba.jar");
  private static final String PREFIX = "%t [%p]: user=%u,db=%d,app=%a,client=%h ";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path known;

  public record Run(int exit, String out, String err) {
    public JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  @BeforeAll
  static void copyFixture() throws IOException {
    assertThat(JAR).as("run mvn package first").exists();
    known = dir.resolve("known.log");
    try (InputStream in = AnalyzeCommandIT.class.getResourceAsStream("/cli/known.log")) {
      Files.copy(in, known);
    }
  }

  public static Run pgdba(byte[] stdin, String... args) throws Exception {
    var cmd = new ArrayList<String>(List.of(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(classArchive());
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    var process = new ProcessBuilder(cmd).start();
    var out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    var err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("pgdba finished").isTrue();
    return new Run(process.exitValue(), out.get(), err.get());
  }

  public static Run pgdba(String... args) throws Exception {
    return pgdba(null, args);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The archive of {@link #classArchive()}, once made; empty when it could not be. */
  private static List<String> archiveOptions;

  /**
   * The options that start each run from a class-data archive of the jar (AppCDS, as bin/pgdba
   * does): this test JVM makes one, once, from a run on the known log, and each of the dozens of
   * runs the ITs make then starts a few tenths of a second of CPU sooner, with the same code. The
   * archive's own warnings are off: a run's stdout is its report. Without an archive (the JVM
   * could not write one) the runs start as before.
   */
  private static synchronized List<String> classArchive() throws Exception {
    if (archiveOptions == null) {
      archiveOptions = List.of();
      Path jsa = Files.createTempFile("pgdba-it-", ".jsa");
      jsa.toFile().deleteOnExit();
      Files.delete(jsa);
      Path log = Files.createTempFile("pgdba-it-cds-", ".log");
      log.toFile().deleteOnExit();
      try (InputStream in = AnalyzeCommandIT.class.getResourceAsStream("/cli/known.log")) {
        Files.copy(in, log, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      // without --history: a history directory's initdb would cost more than its classes save
      var dump = new ProcessBuilder(java(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
          "-XX:ArchiveClassesAtExit=" + jsa, "-Xlog:cds*=off", "-jar", JAR.toString(),
          "analyze", "--log", log.toString(), "--output", "json")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      boolean done = dump.waitFor(120, TimeUnit.SECONDS);
      if (done && dump.exitValue() == 0 && Files.isRegularFile(jsa) && Files.size(jsa) > 0) {
        archiveOptions = List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds*=off");
      } else {
        dump.destroyForcibly().waitFor();
      }
    }
    return archiveOptions;
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The figures of known.log, whatever way it was fed in. */
  private static void assertKnownSummary(JsonNode summary, int copies) {
    assertThat(summary.get("format").asText()).isEqualTo("stderr");
    assertThat(summary.get("linesRead").asLong()).isEqualTo(19L * copies);
    assertThat(summary.get("unparsedLines").asLong()).isZero();
    assertThat(summary.get("firstUnparsed").isNull()).isTrue();
    assertThat(summary.get("statements").asLong()).isEqualTo(5L * copies);
    assertThat(summary.get("distinctQueries").asLong()).isEqualTo(3);
    assertThat(summary.get("totalTimeMs").asDouble()).isEqualTo(1217.0 * copies);
    assertThat(summary.at("/parse/count").asLong()).isEqualTo(copies);
    assertThat(summary.at("/parse/totalTimeMs").asDouble()).isCloseTo(0.1 * copies, within(1e-9));
    assertThat(summary.at("/bind/count").asLong()).isEqualTo(copies);
    assertThat(summary.at("/bind/totalTimeMs").asDouble()).isCloseTo(0.2 * copies, within(1e-9));
    assertThat(summary.get("errors").asLong()).isEqualTo(copies);
    assertThat(summary.get("checkpoints").asLong()).isEqualTo(copies);
    assertThat(summary.get("tempFiles").asLong()).isEqualTo(copies);
    assertThat(summary.get("tempFileBytes").asLong()).isEqualTo(1048576L * copies);
    assertThat(summary.get("connections").asLong()).isEqualTo(copies);
    assertThat(summary.get("disconnections").asLong()).isEqualTo(copies);
    assertThat(summary.get("lockWaits").asLong()).isZero();
    assertThat(summary.get("deadlocks").asLong()).isZero();
    assertThat(summary.get("autovacuums").asLong()).isZero();
    assertThat(summary.get("foldedQueries").asLong()).isZero();
    assertThat(summary.get("firstTimestamp").asText()).isEqualTo("2025-03-01T10:00:01Z");
    assertThat(summary.get("lastTimestamp").asText()).isEqualTo("2025-03-01T10:00:09Z");
  }

  @Test
  void jsonContractOnAKnownLog() throws Exception {
    var run = pgdba("analyze", "--log", known.toString(), "--output", "json", "--slow-ms", "1000");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    var json = run.json();
    assertKnownSummary(json.get("summary"), 1);
    assertThat(json.at("/sources/0/source").asText()).isEqualTo(known.toString());
    assertThat(json.at("/sources/0/logLinePrefix").asText()).isEqualTo(PREFIX);
    assertThat(json.at("/sources/0/bytesRead").asLong()).isEqualTo(Files.size(known));
    assertThat(json.get("warnings")).isEmpty();
    assertThat(json.has("recommendations")).isFalse();

    var queries = json.get("queries");
    assertThat(queries).hasSize(3);
    var report = queries.get(0);
    assertThat(report.get("calls").asLong()).isEqualTo(1);
    assertThat(report.get("totalTimeMs").asDouble()).isEqualTo(1200.0);
    assertThat(report.get("slow").asBoolean()).isTrue();
    assertThat(report.get("users").toString()).isEqualTo("{\"rep\":1}");

    var update = queries.get(1);
    assertThat(update.get("totalTimeMs").asDouble()).isEqualTo(10.0);
    assertThat(update.get("query").asText()).doesNotContain("\n", "\t").contains("$1", "$2")
        .doesNotContain(" 7");
    assertThat(update.get("slow").asBoolean()).isFalse();

    // the simple and the extended-protocol SELECTs are one query, as in pg_stat_statements
    var select = queries.get(2);
    assertThat(select.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    assertThat(select.get("query").asText()).contains("orders", "$1").doesNotContain("22");
    assertThat(select.get("example").asText()).startsWith("SELECT * FROM orders WHERE id = ")
        .doesNotContain("$1");
    assertThat(select.get("calls").asLong()).isEqualTo(3);
    assertThat(select.get("totalTimeMs").asDouble()).isEqualTo(7.0);
    assertThat(select.get("minTimeMs").asDouble()).isEqualTo(1.5);
    assertThat(select.get("maxTimeMs").asDouble()).isEqualTo(3.0);
    assertThat(select.get("meanTimeMs").asDouble()).isEqualTo(2.333);
    // percentiles come from a histogram: exact to its precision, not to the microsecond
    assertThat(select.get("p50TimeMs").asDouble()).isCloseTo(2.5, withinPercentage(1));
    assertThat(select.get("p99TimeMs").asDouble()).isCloseTo(3.0, withinPercentage(1));
    assertThat(select.get("firstSeen").asText()).isEqualTo("2025-03-01T10:00:01Z");
    assertThat(select.get("lastSeen").asText()).isEqualTo("2025-03-01T10:00:03Z");
    assertThat(select.get("databases").toString()).isEqualTo("{\"shop\":3}");
    assertThat(select.get("applications").toString()).isEqualTo("{\"api\":1,\"web\":2}");
  }

  @Test
  void severalFilesGzipAndStdinGiveTheSameFigures() throws Exception {
    var gz = dir.resolve("known.log.gz");
    try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(known, out);
    }
    var gzipped = pgdba("analyze", "--log", gz.toString(), "--output", "json");
    assertThat(gzipped.exit()).as(gzipped.err()).isZero();
    assertKnownSummary(gzipped.json().get("summary"), 1);

    var piped = pgdba(Files.readAllBytes(known), "analyze", "--log", "-", "--output", "json");
    assertThat(piped.exit()).as(piped.err()).isZero();
    assertKnownSummary(piped.json().get("summary"), 1);
    assertThat(piped.json().at("/sources/0/source").asText()).isEqualTo("stdin");

    // several files after one --log, and another --log
    var three = pgdba("analyze", "--log", known.toString(), gz.toString(), "--log",
        known.toString(), "--output", "json", "--top", "1");
    assertThat(three.exit()).as(three.err()).isZero();
    var json = three.json();
    assertKnownSummary(json.get("summary"), 3);
    assertThat(json.get("sources")).hasSize(3);
    assertThat(json.get("queries")).hasSize(1);
    assertThat(json.at("/queries/0/calls").asLong()).isEqualTo(3);
  }

  @Test
  void anEmptyFileIsAnEmptyReport() throws Exception {
    var empty = Files.createFile(dir.resolve("empty.log"));
    var run = pgdba("analyze", "--log", empty.toString(), "--output", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    var json = run.json();
    assertThat(json.at("/summary/linesRead").asLong()).isZero();
    assertThat(json.at("/summary/statements").asLong()).isZero();
    assertThat(json.get("queries")).isEmpty();
    assertThat(json.get("warnings").toString()).contains("empty.log: empty");
  }

  @Test
  void aGarbageFileIsCountedAndNamedNotFatal() throws Exception {
    var bytes = new byte[64 * 1024];
    new Random(7).nextBytes(bytes);
    var garbage = dir.resolve("garbage.bin");
    Files.write(garbage, bytes);
    // alone, nothing could be read: an error that says what the file looks like
    var alone = pgdba("analyze", "--log", garbage.toString(), "--output", "json");
    assertThat(alone.exit()).isEqualTo(1);
    assertThat(alone.err().strip()).startsWith("pgdba: " + garbage).contains("binary data")
        .doesNotContain("\n").doesNotContain("Exception");
    // beside a log that reads, it is counted and named, and the run goes on
    var run = pgdba("analyze", "--log", garbage.toString(), known.toString(), "--output", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    var summary = run.json().get("summary");
    assertThat(summary.get("unparsedLines").asLong()).isPositive();
    assertThat(summary.get("statements").asLong()).isPositive();
    assertThat(summary.get("firstUnparsed").asText()).startsWith(garbage + ":1");
    assertThat(run.json().get("warnings").toString()).contains(garbage + ": ");
  }

  @Test
  void textAndSqlOutputs() throws Exception {
    var text = pgdba("analyze", "--log", known.toString(), "--top", "2");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("Top queries by total time", "Slow queries (mean >= 1,000.00"
        + " ms): 1", "1,217.00 ms", "every line was understood");
    var sql = pgdba("analyze", "--log", known.toString(), "--output", "sql");
    assertThat(sql.exit()).isZero();
    assertThat(sql.out().lines()).allMatch(l -> l.startsWith("--"));
  }

  @Test
  void aBadOptionExitsWithTwo() throws Exception {
    var run = pgdba("analyze", "--log", known.toString(), "--top", "many");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--top").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aMissingFileExitsWithOneAndOneLine() throws Exception {
    var missing = dir.resolve("x").resolve("y.log");
    var run = pgdba("analyze", "--log", known.toString(), missing.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("pgdba: cannot read " + missing + ": no such file\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aCutGzipKeepsWhatWasReadAndSaysWhere() throws Exception {
    var bad = dir.resolve("cut.log.gz");
    var gz = new java.io.ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      for (int i = 0; i < 50; i++) {
        out.write(Files.readAllBytes(known));
      }
    }
    var bytes = gz.toByteArray();
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 20));
    var run = pgdba("analyze", "--log", bad.toString(), "--output", "json");
    assertThat(run.exit()).as(run.err()).isZero();
    var summary = run.json().get("summary");
    assertThat(summary.get("statements").asLong()).isPositive();
    assertThat(summary.get("unparsedLines").asLong()).isPositive();
    assertThat(run.json().get("warnings").toString()).contains("cut.log.gz");
  }
}
