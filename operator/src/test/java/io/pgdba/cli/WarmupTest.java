package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up's sample must keep exercising what an analysis runs: a sample that stopped parsing
 * (a changed detector, a typo) would warm nothing, silently.
 */
class WarmupTest {

  @Test
  void theSampleIsReadWhollyAndFillsTheReportSections() throws Exception {
    var report = Warmup.run("json", true);
    var source = report.sources().get(0);
    assertThat(source.unparsedLines()).isZero();
    assertThat(source.logLinePrefix()).isEqualTo("%t [%p]: user=%u,db=%d,app=%a,client=%h ");
    var totals = report.workload().totals();
    assertThat(totals.statements()).isEqualTo(2);
    assertThat(totals.parseCount()).isEqualTo(1);
    assertThat(totals.bindCount()).isEqualTo(1);
    assertThat(totals.errors()).isEqualTo(2);
    assertThat(totals.lockWaits()).isEqualTo(1);
    assertThat(totals.deadlocks()).isEqualTo(1);
    assertThat(totals.tempFiles()).isEqualTo(1);
    assertThat(totals.checkpoints()).isEqualTo(1);
    assertThat(totals.autovacuums()).isEqualTo(1);
    assertThat(totals.autoanalyzes()).isEqualTo(1);
    assertThat(totals.connections()).isEqualTo(1);
    assertThat(totals.disconnections()).isEqualTo(1);
    var log = report.workload().log();
    assertThat(log.errors()).isNotEmpty();
    assertThat(log.lockWaits()).isNotEmpty();
    assertThat(log.deadlocks()).isNotEmpty();
    assertThat(log.tempFiles()).isNotEmpty();
    assertThat(log.autovacuum()).isNotEmpty();
    assertThat(Warmup.run("text", false).workload().queries()).hasSize(2);
    assertThat(Warmup.run("html", false).workload().queries()).hasSize(2);
    // the archive's training run: every renderer takes the sample without failing
    assertThat(Warmup.run(Warmup.EVERY_OUTPUT, true).workload().queries()).hasSize(2);
  }

  @Test
  void theOutputFlagIsReadAsPicocliWill() {
    assertThat(Warmup.output(new String[] {"analyze", "--output", "json"})).isEqualTo("json");
    assertThat(Warmup.output(new String[] {"analyze", "--output=sql"})).isEqualTo("sql");
    assertThat(Warmup.output(new String[] {"analyze", "--log", "json"})).isEqualTo("text");
    assertThat(Warmup.output(new String[] {"analyze", "--output"})).isEqualTo("text");
  }

  /** The report of a log is the same whether the warm-up ran beside it or not. */
  @Test
  void theAnalysisPrintsTheSameWithAWarmUpBesideIt(@TempDir Path dir) throws Exception {
    var logFile = dir.resolve("pg.log");
    Files.writeString(logFile, Warmup.SAMPLE.repeat(3));
    String[] args = {"analyze", "--log", logFile.toString(), "--output", "json"};
    String alone = run(args);
    for (int i = 0; i < 3; i++) {
      Warmup.start(args);
      assertThat(run(args)).isEqualTo(alone);
    }
  }

  private static String run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(args);
    assertThat(exit).as(err.toString()).isZero();
    return out.toString();
  }
}
