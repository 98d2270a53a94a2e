package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JSON report of 200,000 fingerprints, written in a child JVM whose heap holds the workload
 * but not the workload and a tree of it as well: the report is streamed.
 */
class JsonReportMemoryIT {

  static final int QUERIES = 200_000;

  /** Builds the workload, writes its report to a sink that only counts, prints the count. */
  public static void main(String[] args) {
    var queries = new ArrayList<QueryStats>(QUERIES);
    for (int i = 0; i < QUERIES; i++) {
      queries.add(ReportFixtures.query(String.format("%016x", i),
          "SELECT c" + i + " FROM t WHERE id = $1", 1 + i % 7, i % 1000 + 1.0, 10.0));
    }
    var base = ReportFixtures.report();
    var report = new AnalysisReport(base.sources(),
        new Workload(base.workload().totals(), queries), null, List.of());
    var counted = new long[1];
    JsonReport.write(report, new ReportOptions(0, 1000), new Writer() {
      @Override
      public void write(char[] cbuf, int off, int len) {
        counted[0] += len;
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    });
    System.out.println(counted[0]);
  }

  @Test
  void twoHundredThousandFingerprintsAreWrittenWithoutATree() throws Exception {
    var cmd = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx300m",
        "-cp", System.getProperty("java.class.path"), JsonReportMemoryIT.class.getName());
    var process = new ProcessBuilder(cmd).start();
    process.getOutputStream().close();
    var out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    var err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(err.get()).doesNotContain("OutOfMemoryError");
    assertThat(process.exitValue()).as(err.get()).isZero();
    assertThat(Long.parseLong(out.get().strip())).isGreaterThan(500L * QUERIES);
  }

  private static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
