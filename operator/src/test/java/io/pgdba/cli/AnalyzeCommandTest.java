package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in process: option parsing, usage errors and unreadable-input errors. */
class AnalyzeCommandTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void unknownOptionIsAUsageError() {
    var r = run("analyze", "--log", "x.log", "--frobnicate");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--frobnicate'")
        .contains("Try 'pgdba analyze --help'.").doesNotContain("Usage:");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void badValuesAreUsageErrorsNamingTheOption() {
    var format = run("analyze", "--log", "x.log", "--log-format", "frob");
    assertThat(format.exit()).isEqualTo(2);
    assertThat(format.err()).contains("--log-format", "unknown log format 'frob'");

    var output = run("analyze", "--log", "x.log", "--output", "xml");
    assertThat(output.exit()).isEqualTo(2);
    assertThat(output.err()).contains("--output", "xml");

    var top = run("analyze", "--log", "x.log", "--top", "0");
    assertThat(top.exit()).isEqualTo(2);
    assertThat(top.err()).contains("--top must be at least 1, got 0");

    assertThat(run("analyze").err()).contains("give --log FILE... or --db URI");
    var db = run("analyze", "--log", "x.log", "--db", "postgresql://u:pw@h:99999/db");
    assertThat(db.exit()).isEqualTo(2);
    assertThat(db.err()).startsWith("pgdba: --db: ").doesNotContain("pw@");
    assertThat(run("analyze", "--log", "-", "--log", "-").err())
        .contains("standard input can be read only once");
  }

  @Test
  void aDashIsStandardInputNotAnOption(@TempDir Path dir) {
    var missing = dir.resolve("nope.log");
    // "-" parses as a file argument: the run gets past option parsing to the missing file
    var r = run("analyze", "--log", "-", missing.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("cannot read " + missing);
  }

  @Test
  void verifyRewritesNeedsATarget() {
    var r = run("analyze", "--log", "x.log", "--verify-rewrites");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--verify-rewrites needs --db URI");
  }

  @Test
  void noCommandIsAUsageError() {
    var r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("missing command").contains("analyze");
  }

  @Test
  void versionAndHelp() {
    var v = run("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("pgdba ");
    var help = run("analyze", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--log=FILE", "--log-line-prefix", "--max-fingerprints")
        .doesNotContain("--stats");
  }

  @Test
  void aMissingFileIsOneLineNamingIt(@TempDir Path dir) {
    var missing = dir.resolve("nope.log");
    var r = run("analyze", "--log", missing.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("pgdba: cannot read " + missing + ": no such file"
        + System.lineSeparator());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aDirectoryIsNotALog(@TempDir Path dir) {
    var r = run("analyze", "--log", dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("pgdba: cannot read " + dir + ": is a directory"
        + System.lineSeparator());
  }
}
