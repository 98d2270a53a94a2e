package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.AnalysisReport;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code log} JSON object and the text sections from a pgBadger fixture, and a hostile log:
 * logged text never reaches the terminal as control characters.
 */
class LogReportRenderingTest {

  @Test
  void jsonAndTextCarryTheSectionsOfAFixture() throws Exception {
    AnalysisReport report = PgBadger.analyze(
        Path.of("src/test/resources/logs/pgbadger/queryid.log.gz"));
    var options = ReportOptions.defaults();
    var log = JsonReport.toTree(report, options).path("log");
    assertThat(log.fieldNames()).toIterable().containsExactly("timeline", "durationHistogram",
        "queryTypes", "errors", "cancellations", "lockWaits", "tempFiles");
    assertThat(log.path("timeline").path("bucketSeconds").asLong()).isEqualTo(60);
    assertThat(log.path("timeline").path("peak").path("statements").asLong()).isEqualTo(5);
    assertThat(log.path("lockWaits").path(0).path("totalWaitMs").asDouble()).isEqualTo(13555.814);
    assertThat(log.path("lockWaits").path(0).path("lockType").asText())
        .isEqualTo("AccessShareLock on relation");
    assertThat(log.path("tempFiles").path(0).path("totalBytes").asLong()).isEqualTo(145_806);
    assertThat(log.path("cancellations").path(0).path("pattern").asText())
        .isEqualTo("canceling statement due to user request");
    assertThat(log.path("durationHistogram").path(9).path("upToMs").isNull()).isTrue();
    // the streamed document is the tree's, byte for byte
    var out = new StringWriter();
    JsonReport.write(report, options, out);
    assertThat(out.toString()).isEqualTo(JsonReport.render(report, options));
    var text = TextReport.render(report, options);
    assertThat(text).contains("Time distribution (per minute)", "peak: 2022-02-17T16:26:00Z",
        "Lock waits", "13,555.81", "Temporary files", "Cancelled statements and timeouts: 1",
        "Top queries in detail", "ms: min ");
  }

  @Test
  void hostileLoggedTextCannotDriveTheTerminal(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("hostile.log");
    String esc = "\u001b]0;owned\u0007\u001b[2J";
    java.nio.file.Files.write(log, List.of(
        "2026-01-01 10:00:00 UTC [1] LOG:  connection authorized: user=u database=d "
            + "application_name=" + esc + "app",
        "2026-01-01 10:00:01 UTC [1] ERROR:  relation \"x" + esc + "\" does not exist",
        "2026-01-01 10:00:01 UTC [1] STATEMENT:  select '" + esc + "' from x",
        "2026-01-01 10:00:02 UTC [1] LOG:  temporary file: path \"p\", size 10",
        "2026-01-01 10:00:02 UTC [1] STATEMENT:  select '" + esc + "' /* \u009b31m */",
        "2026-01-01 10:00:03 UTC [1] LOG:  duration: 1.0 ms  statement: select '" + esc + "'"));
    var report = PgBadger.analyze(log);
    var text = TextReport.render(report, ReportOptions.defaults());
    assertThat(text).contains("Errors by SQLSTATE", "Temporary files", "Sessions: 1");
    int start = text.indexOf("Top queries in detail");
    assertThat(text.substring(start)).doesNotContain("\u001b", "\u0007", "\u009b");
  }
}
