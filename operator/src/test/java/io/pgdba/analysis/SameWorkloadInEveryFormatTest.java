package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.WorkloadOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * examples/logs holds one workload that a real PostgreSQL logged to stderr, csvlog and jsonlog at
 * once (RealPostgresLogIT regenerates it): the three must give the same workload — statements,
 * fingerprints with their calls, and total time.
 */
class SameWorkloadInEveryFormatTest {

  static final Path LOGS = Path.of("../examples/logs");
  static final String PREFIX =
      "%m [%p] %q[sess=%c,line=%l,user=%u,db=%d,app=%a,client=%h,state=%e,qid=%Q] ";

  @Test
  void stderrCsvlogAndJsonlogGiveTheSameWorkload() throws Exception {
    var stderr = analyze("postgresql.log", PREFIX);
    var csv = analyze("postgresql.csv", null);
    var json = analyze("postgresql.json", null);

    assertThat(stderr.workload().totals().statements()).isPositive();
    for (var other : List.of(csv, json)) {
      assertThat(other.sources().get(0).unparsedLines()).isZero();
      assertThat(other.workload().totals().statements())
          .isEqualTo(stderr.workload().totals().statements());
      assertThat(other.workload().totals().totalTimeMs())
          .isCloseTo(stderr.workload().totals().totalTimeMs(),
              org.assertj.core.data.Offset.offset(1e-6));
      assertThat(callsByFingerprint(other)).isEqualTo(callsByFingerprint(stderr));
    }
    assertThat(stderr.sources().get(0).unparsedLines()).isZero();
  }

  private static Map<String, Long> callsByFingerprint(AnalysisReport report) {
    var calls = new TreeMap<String, Long>();
    for (QueryStats q : report.workload().queries()) {
      calls.put(q.fingerprint() + " " + q.query(), q.calls());
    }
    return calls;
  }

  private static AnalysisReport analyze(String file, String prefix) throws AnalysisException {
    var request = new AnalysisRequest(List.of(LogSource.file(LOGS.resolve(file))),
        new LogReaderOptions(null, prefix), WorkloadOptions.defaults(), null,
        AdvisorOptions.defaults(), 1000);
    return new Analyzer().run(request, Analyzer.Progress.NONE);
  }
}
