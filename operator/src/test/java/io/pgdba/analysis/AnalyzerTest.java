package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.log.LogReadResult;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadOptions;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analysis facade: sources, progress, the target seam and unreadable inputs. */
class AnalyzerTest {

  private static AnalysisRequest request(LogSource... sources) {
    return new AnalysisRequest(List.of(sources), LogReaderOptions.auto(),
        WorkloadOptions.defaults(), null, AdvisorOptions.defaults(), 1000);
  }

  private static LogSource known(String name) {
    return new LogSource(name, () -> AnalyzerTest.class.getResourceAsStream("/cli/known.log"));
  }

  private static AnalysisRequest withTarget(List<LogSource> logs) {
    var target = new ConnectionSettings("db.example", 5432, "shop", "app", "pw", "prefer", null,
        10);
    return new AnalysisRequest(logs, LogReaderOptions.auto(), WorkloadOptions.defaults(), target,
        AdvisorOptions.defaults(), 1000);
  }

  @Test
  void severalSourcesMakeOneWorkloadAndKeepTheirOwnResults() throws Exception {
    var report = new Analyzer().run(request(known("a.log"), known("b.log")),
        Analyzer.Progress.NONE);
    assertThat(report.sources()).extracting(LogReadResult::source)
        .containsExactly("a.log", "b.log");
    assertThat(report.sources()).allMatch(r -> r.linesRead() == 19 && r.unparsedLines() == 0);
    assertThat(report.workload().totals().statements()).isEqualTo(10);
    assertThat(report.workload().queries()).hasSize(3);
    assertThat(report.advice()).isNull();
    assertThat(report.warnings()).isEmpty();
  }

  @Test
  void progressReportsTheBytesOfEachSource() throws Exception {
    var seen = new java.util.LinkedHashMap<String, Long>();
    new Analyzer().run(request(known("a.log"), known("b.log")), seen::put);
    long size;
    try (var in = AnalyzerTest.class.getResourceAsStream("/cli/known.log")) {
      size = in.readAllBytes().length;
    }
    assertThat(seen).containsExactly(Map.entry("a.log", size), Map.entry("b.log", size));
  }

  @Test
  void theTargetStepGetsTheLogWorkloadOrNullWithoutLogs() throws Exception {
    var given = new ArrayList<Workload>();
    var advice = new IndexAdvice(List.of(), List.of());
    TargetStep step = (request, workload, warnings) -> {
      given.add(workload);
      warnings.add("from the target step");
      var result = workload != null ? workload : new Workload(
          new Analyzer().run(request(known("x.log")), Analyzer.Progress.NONE).workload().totals(),
          List.of());
      return new TargetStep.Result(result, advice);
    };
    var withLogs = new Analyzer(step).run(withTarget(List.of(known("a.log"))),
        Analyzer.Progress.NONE);
    assertThat(given.get(0).totals().statements()).isEqualTo(5);
    assertThat(withLogs.advice()).isSameAs(advice);
    assertThat(withLogs.warnings()).containsExactly("from the target step");

    var withoutLogs = new Analyzer(step).run(withTarget(List.of()), Analyzer.Progress.NONE);
    assertThat(given.get(1)).isNull();
    assertThat(withoutLogs.sources()).isEmpty();
    assertThat(withoutLogs.workload().queries()).isEmpty();
  }

  @Test
  void aMissingFileIsLogUnreadableNamingTheFile(@TempDir Path dir) {
    var missing = dir.resolve("gone.log");
    assertThatThrownBy(() -> new Analyzer().run(request(LogSource.file(missing)),
        Analyzer.Progress.NONE))
        .isInstanceOfSatisfying(AnalysisException.class, e -> {
          assertThat(e.reason()).isEqualTo(AnalysisException.Reason.LOG_UNREADABLE);
          assertThat(e.getMessage()).isEqualTo("cannot read " + missing + ": no such file");
        });
  }

  @Test
  void openFailuresAreDescribedInPlainWords() {
    var denied = new LogSource("/var/log/pg.log", () -> {
      throw new AccessDeniedException("/var/log/pg.log");
    });
    assertThatThrownBy(() -> new Analyzer().run(request(denied), Analyzer.Progress.NONE))
        .hasMessage("cannot read /var/log/pg.log: permission denied");
    assertThat(IoReasons.describe(new ZipException("Not in GZIP format")))
        .isEqualTo("corrupt gzip data (not in GZIP format)");
    assertThat(IoReasons.describe(new IOException("Is a directory"))).isEqualTo("is a directory");
  }

  private static byte[] knownLog() throws IOException {
    try (var in = AnalyzerTest.class.getResourceAsStream("/cli/known.log")) {
      return in.readAllBytes();
    }
  }

  private static LogSource bytes(String name, byte[] content) {
    return new LogSource(name, () -> new java.io.ByteArrayInputStream(content));
  }

  @Test
  void aGzipCutInsideItsHeaderIsOneLineNamingTheFileOnce() throws Exception {
    var gz = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.GZIPOutputStream(gz)) {
      out.write(knownLog());
    }
    for (int cut : new int[] {3, 6, 9}) {
      var source = bytes("pg.log.gz", java.util.Arrays.copyOf(gz.toByteArray(), cut));
      assertThatThrownBy(() -> new Analyzer().run(request(source), Analyzer.Progress.NONE))
          .isInstanceOfSatisfying(AnalysisException.class, e -> {
            assertThat(e.reason()).isEqualTo(AnalysisException.Reason.LOG_UNREADABLE);
            assertThat(e.getMessage()).isEqualTo("cannot read pg.log.gz: gzip data ends inside"
                + " its header: the file is truncated and holds no log text");
          });
    }
  }

  @Test
  void textThatStartsWithTheGzipMagicBytesIsReadAsText() throws Exception {
    var text = new java.io.ByteArrayOutputStream();
    text.write(new byte[] {0x1f, (byte) 0x8b, 'x', '\n'});
    text.write(knownLog());
    var report = new Analyzer().run(request(bytes("odd.log", text.toByteArray())),
        Analyzer.Progress.NONE);
    var result = report.sources().get(0);
    assertThat(result.linesRead()).isEqualTo(20);
    assertThat(result.unparsedLines()).isEqualTo(1);
    assertThat(result.firstUnparsed()).startsWith("odd.log:1: ");
    assertThat(report.workload().totals().statements()).isEqualTo(5);
  }
}
