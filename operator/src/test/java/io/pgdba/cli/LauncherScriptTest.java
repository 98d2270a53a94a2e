package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/pgdba chooses JVM options from the command line: these run the real script with a stand-in
 * for java that writes down the arguments it was given, so the choice and the untouched user
 * arguments are what is asserted.
 */
class LauncherScriptTest {

  private static final Path SCRIPT = Paths.get("..", "bin", "pgdba").toAbsolutePath().normalize();
  private static final List<String> C1 =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:NewRatio=1");

  @TempDir Path dir;
  private Path fakeJava;
  private Path argsFile;
  private Path jar;

  @BeforeEach
  void standInForJava() throws IOException {
    argsFile = dir.resolve("args");
    fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '"
        + argsFile + "'\n");
    fakeJava.toFile().setExecutable(true);
    jar = Files.writeString(dir.resolve("pgdba.jar"), "not read by the stand-in");
  }

  private Result run(Map<String, String> env, String... args) throws Exception {
    var command = new ArrayList<String>();
    command.add("bash");
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA", fakeJava.toString());
    builder.environment().put("PGDBA_JAR", jar.toString());
    builder.environment().remove("JAVA_OPTS");
    builder.environment().remove("PGDBA_JIT");
    builder.environment().putAll(env);
    var process = builder.start();
    var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    List<String> javaArgs = Files.exists(argsFile) ? Files.readAllLines(argsFile) : List.of();
    return new Result(exit, output, javaArgs);
  }

  record Result(int exit, String output, List<String> javaArgs) {}

  @Test
  void aShortAnalyzeOfFilesRunsWithC1AndPassesEveryArgumentUnchanged() throws Exception {
    var log = Files.writeString(dir.resolve("a log; $(touch pwned) `id`.log"), "x\n");
    var result = run(Map.of(), "analyze", "--log", log.toString(), "--output", "json");
    assertThat(result.exit()).isZero();
    var expected = new ArrayList<>(C1);
    expected.addAll(List.of("-jar", jar.toString(), "analyze", "--log", log.toString(),
        "--output", "json"));
    assertThat(result.javaArgs()).containsExactlyElementsOf(expected);
    assertThat(dir.resolve("pwned")).doesNotExist();
  }

  @Test
  void standardInputLargeLogsAndOtherCommandsKeepTheJvmDefaults() throws Exception {
    var log = Files.writeString(dir.resolve("big.log"), "x".repeat(2_000) + "\n");
    assertThat(run(Map.of(), "analyze", "--log", "-").javaArgs())
        .containsExactly("-jar", jar.toString(), "analyze", "--log", "-");
    assertThat(run(Map.of("PGDBA_C1_MAX_MB", "0"), "analyze", "--log=" + log).javaArgs())
        .containsExactly("-jar", jar.toString(), "analyze", "--log=" + log);
    assertThat(run(Map.of(), "operator").javaArgs())
        .containsExactly("-jar", jar.toString(), "operator");
    assertThat(run(Map.of(), "analyze", "--log", dir.resolve("missing.log").toString())
        .javaArgs()).doesNotContainAnyElementsOf(C1);
  }

  /**
   * The class-data archive make build writes beside the jar is handed to the JVM for every
   * command, before the user's options; with it the JVM's warnings (a stale archive's among them)
   * go to stderr, never into a report written to stdout.
   */
  @Test
  void anArchiveBesideTheJarIsUsedAndTheJvmsWarningsLeaveStdoutAlone() throws Exception {
    Files.writeString(dir.resolve("pgdba.jsa"), "not read by the stand-in");
    assertThat(jar.toFile().setLastModified(System.currentTimeMillis() - 60_000)).isTrue();
    var cds = List.of("-XX:SharedArchiveFile=" + dir.resolve("pgdba.jsa"), "-Xlog:disable",
        "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr");
    var expected = new ArrayList<String>(cds);
    expected.addAll(List.of("-Xmx1g", "-jar", jar.toString(), "operator"));
    assertThat(run(Map.of("JAVA_OPTS", "-Xmx1g"), "operator").javaArgs())
        .containsExactlyElementsOf(expected);
    var log = Files.writeString(dir.resolve("small.log"), "x\n");
    expected = new ArrayList<>(C1);
    expected.addAll(cds);
    expected.addAll(List.of("-jar", jar.toString(), "analyze", "--log", log.toString()));
    assertThat(run(Map.of(), "analyze", "--log", log.toString()).javaArgs())
        .containsExactlyElementsOf(expected);
  }

  /**
   * The JVM trusts an archive's class data as it trusts the jar: one that another user could have
   * written (a jar in /tmp, an archive writable by the group or by all) is not used, nor one older
   * than the jar (the JVM would refuse it anyway, after reading it).
   */
  @Test
  void anArchiveOthersCanWriteOrOlderThanTheJarIsNotUsed() throws Exception {
    var archive = Files.writeString(dir.resolve("pgdba.jsa"), "not read by the stand-in");
    assertThat(jar.toFile().setLastModified(System.currentTimeMillis() - 60_000)).isTrue();
    for (String mode : List.of("rw-rw-r--", "rw-r--rw-", "rw-rw-rw-")) {
      Files.setPosixFilePermissions(archive, java.nio.file.attribute.PosixFilePermissions
          .fromString(mode));
      assertThat(run(Map.of(), "operator").javaArgs()).as(mode)
          .containsExactly("-jar", jar.toString(), "operator");
    }
    Files.setPosixFilePermissions(archive, java.nio.file.attribute.PosixFilePermissions
        .fromString("r--r--r--"));
    assertThat(run(Map.of(), "operator").javaArgs()).first().asString()
        .startsWith("-XX:SharedArchiveFile=");
    assertThat(archive.toFile().setLastModified(System.currentTimeMillis() - 120_000)).isTrue();
    assertThat(run(Map.of(), "operator").javaArgs())
        .containsExactly("-jar", jar.toString(), "operator");
  }

  @Test
  void theUserCanForceEitherAndAddOptions() throws Exception {
    assertThat(run(Map.of("PGDBA_JIT", "c1", "JAVA_OPTS", "-Xmx1g"), "operator").javaArgs())
        .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:NewRatio=1", "-Xmx1g",
            "-jar", jar.toString(), "operator");
    var log = Files.writeString(dir.resolve("small.log"), "x\n");
    assertThat(run(Map.of("PGDBA_JIT", "default"), "analyze", "--log", log.toString())
        .javaArgs()).containsExactly("-jar", jar.toString(), "analyze", "--log", log.toString());
  }

  @Test
  void aWrongSettingOrAMissingJarIsOneLineAndExitTwo() throws Exception {
    var wrong = run(Map.of("PGDBA_JIT", "fast"), "operator");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.output().strip())
        .isEqualTo("pgdba: PGDBA_JIT must be auto, c1 or default, not 'fast'");
    var missing = run(Map.of("PGDBA_JAR", dir.resolve("none.jar").toString()), "operator");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.output().strip()).startsWith("pgdba: ").endsWith("set PGDBA_JAR)")
        .doesNotContain("\n");
    assertThat(missing.javaArgs()).isEmpty();
  }

  @Test
  void theSizeBoundIsANumberNeverArithmeticThatRunsCommands() throws Exception {
    // bash evaluates a variable's value inside (( )) as an expression, and an array subscript
    // there runs a command substitution: the bound must be checked as digits first.
    var log = Files.writeString(dir.resolve("small.log"), "x\n");
    var pwned = dir.resolve("pwned");
    for (String bound : List.of("a[$(touch '" + pwned + "')]", "x[`touch '" + pwned + "'`]",
        "1e3", "08", "-1")) {
      var result = run(Map.of("PGDBA_C1_MAX_MB", bound), "analyze", "--log", log.toString());
      assertThat(pwned).as(bound).doesNotExist();
      assertThat(result.exit()).as(bound).isEqualTo(2);
      assertThat(result.output().strip()).as(bound)
          .startsWith("pgdba: PGDBA_C1_MAX_MB must be").doesNotContain("\n");
      assertThat(result.javaArgs()).as(bound).isEmpty();
    }
    assertThat(run(Map.of("PGDBA_C1_MAX_MB", "5"), "analyze", "--log", log.toString())
        .javaArgs()).startsWith(C1.toArray(String[]::new));
  }
}
