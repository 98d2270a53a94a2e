package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.WorkloadOptions;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of the analysis facade that do not depend on log content. */
class AnalyzerTest {

  private static AnalysisRequest request(LogSource... sources) {
    return new AnalysisRequest(List.of(sources), LogReaderOptions.auto(),
        WorkloadOptions.defaults(), null, AdvisorOptions.defaults(), 1000);
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
}
