package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.workload.LogReport;
import io.pgdba.workload.WorkloadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;

/**
 * Test support: runs the Debian {@code pgbadger} on a log with {@code -o out.json} and compares its
 * figures with pgdba's, section by section. Where the two differ by definition, the difference is
 * asserted as that definition, not tolerated.
 */
final class PgBadger {

  static final Path BINARY = Path.of("/usr/bin/pgbadger");
  private static final ObjectMapper JSON = new ObjectMapper();

  private PgBadger() {}

  static boolean installed() {
    return Files.isExecutable(BINARY);
  }

  /** pgBadger's JSON output for {@code log}; {@code options} such as {@code -f csv}. */
  static JsonNode run(Path log, Path workDir, String... options) throws Exception {
    Path out = workDir.resolve(log.getFileName() + ".pgbadger.json");
    var cmd = new ArrayList<>(List.of(BINARY.toString(), "-q", "--pid-dir", workDir.toString(),
        "-o", out.toString()));
    cmd.addAll(List.of(options));
    cmd.add(log.toString());
    var p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(workDir.resolve("pgbadger.out").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("pgbadger finishes").isTrue();
    assertThat(p.exitValue()).as(Files.readString(workDir.resolve("pgbadger.out"))).isZero();
    return JSON.readTree(out.toFile());
  }

  static AnalysisReport analyze(Path... logs) throws Exception {
    var sources = new ArrayList<LogSource>();
    for (Path log : logs) {
      sources.add(LogSource.file(log));
    }
    return new Analyzer().run(new AnalysisRequest(sources, LogReaderOptions.auto(),
        WorkloadOptions.defaults(), null, AdvisorOptions.defaults(), 1000),
        Analyzer.Progress.NONE);
  }

  /** pgBadger's histogram keys (lower bound in ms, -1 = from 10 s up) as pgdba's upper bounds. */
  private static final Map<String, Double> BIN = Map.of("0", 1.0, "1", 5.0, "5", 10.0,
      "10", 25.0, "25", 50.0, "50", 100.0, "100", 500.0, "500", 1000.0, "1000", 10_000.0);

  /**
   * The figures of each section, as the two tools count them. {@code withoutDuration}: the
   * {@code statement:} lines that have no {@code duration:} line, which pgBadger counts as
   * queries (with the duration of the line before) and pgdba does not (it has no duration).
   */
  static Figures compare(AnalysisReport report, JsonNode pgb, long withoutDuration) {
    return compare(report, pgb, withoutDuration, 0);
  }

  /**
   * As above; {@code secondApart}: the {@code checkpoints are occurring too frequently (1 second
   * apart)} lines, which pgBadger does not count (it reads only the plural "seconds apart").
   */
  static Figures compare(AnalysisReport report, JsonNode pgb, long withoutDuration,
      long secondApart) {
    var soft = new SoftAssertions();
    var totals = report.workload().totals();
    LogReport log = report.workload().log();
    var overall = pgb.path("overall_stat").path("postgres");
    var f = new Figures();

    // queries: pgBadger's query_total counts timed statements, as pgdba's statements do
    f.put("statements", totals.statements(), overall.path("histogram").path("query_total")
        .asLong());
    soft.assertThat(totals.statements()).as("statements")
        .isEqualTo(overall.path("histogram").path("query_total").asLong());
    soft.assertThat(overall.path("queries_number").asLong() - totals.statements())
        .as("statements without a duration line, counted by pgBadger only")
        .isEqualTo(withoutDuration);
    if (withoutDuration == 0) {
      soft.assertThat(totals.totalTimeMs()).as("total time")
          .isCloseTo(overall.path("queries_duration").path("execute").asDouble(), within(0.01));
      var bins = new TreeMap<String, Long>();
      overall.path("histogram").path("query_time").fields().forEachRemaining(e -> {
        Double upTo = BIN.get(e.getKey());
        bins.merge(String.valueOf(upTo), e.getValue().asLong(), Long::sum);
      });
      var ours = new TreeMap<String, Long>();
      for (var b : log.durationHistogram()) {
        if (b.count() > 0) {
          ours.put(String.valueOf(b.upToMs()), b.count());
        }
      }
      soft.assertThat(ours).as("duration histogram").isEqualTo(bins);
    }

    // errors: pgBadger also counts some LOG lines (a shutdown, "at character N", a detected
    // deadlock while waiting); pgdba counts ERROR, FATAL and PANIC only, timeouts apart
    long pgbErrors = 0;
    long pgbLogLines = 0;
    for (var e : iterable(pgb.path("error_info").path("postgres").elements())) {
      String sample = e.path("error").path(0).asText("");
      if (sample.startsWith("LOG:")) {
        pgbLogLines += e.path("count").asLong();
      } else {
        pgbErrors += e.path("count").asLong();
      }
    }
    long ourErrors = sum(log.errors()) + sum(log.cancellations());
    f.put("errors", ourErrors, pgbErrors);
    f.put("pgBadger LOG lines counted as errors", 0, pgbLogLines);
    soft.assertThat(ourErrors).as("errors and cancellations").isEqualTo(pgbErrors);
    soft.assertThat(totals.errors()).as("summary errors").isEqualTo(ourErrors);
    soft.assertThat(overall.path("errors_number").asLong()).as("pgBadger's errors_number")
        .isEqualTo(pgbErrors + pgbLogLines);

    // checkpoints
    var ck = pgb.path("checkpoint_info");
    var c = log.checkpoints();
    long buffers = c == null ? 0 : c.buffersWritten();
    f.put("checkpoint buffers", buffers, ck.path("wbuffer").asLong());
    soft.assertThat(buffers).as("checkpoint buffers").isEqualTo(ck.path("wbuffer").asLong());
    soft.assertThat(c == null ? 0 : c.writeMs()).as("checkpoint write")
        .isCloseTo(ck.path("write").asDouble() * 1000, within(0.5));
    soft.assertThat(c == null ? 0 : c.syncMs()).as("checkpoint sync")
        .isCloseTo(ck.path("sync").asDouble() * 1000, within(0.5));
    f.put("checkpoints too frequent", c == null ? 0 : c.tooFrequent(), ck.path("warning").asLong());
    soft.assertThat(c == null ? 0 : c.tooFrequent()).as("too frequent, with '1 second apart'")
        .isEqualTo(ck.path("warning").asLong() + secondApart);
    var reasons = new TreeMap<String, Long>();
    ck.path("starting").fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue()
        .asLong()));
    long started = reasons.values().stream().mapToLong(Long::longValue).sum();
    f.put("checkpoints started", c == null ? 0 : sum(c.byReason()), started);
    soft.assertThat(c == null ? 0 : sum(c.byReason())).as("checkpoints started")
        .isEqualTo(started);

    // temporary files
    var tf = pgb.path("tempfile_info").path("postgres");
    f.put("temp files", totals.tempFiles(), tf.path("count").asLong());
    soft.assertThat(totals.tempFiles()).as("temp files").isEqualTo(tf.path("count").asLong());
    soft.assertThat(totals.tempFileBytes()).as("temp bytes").isEqualTo(tf.path("size").asLong());
    long maxBytes = log.tempFiles().stream().mapToLong(LogReport.TempFileGroup::maxBytes).max()
        .orElse(0);
    soft.assertThat(maxBytes).as("largest temp file").isEqualTo(tf.path("maxsize").asLong());

    // autovacuum and autoanalyze, per table
    var vacuums = new TreeMap<String, List<Long>>();
    pgb.path("autovacuum_info").path("postgres").path("tables").fields().forEachRemaining(e ->
        vacuums.put(e.getKey(), List.of(e.getValue().path("vacuums").asLong(),
            e.getValue().path("tuples").path("removed").asLong(),
            e.getValue().path("pages").path("removed").asLong())));
    var analyzes = new TreeMap<String, Long>();
    pgb.path("autoanalyze_info").path("postgres").path("tables").fields().forEachRemaining(e ->
        analyzes.put(e.getKey(), e.getValue().path("analyzes").asLong()));
    var ourVacuums = new TreeMap<String, List<Long>>();
    var ourAnalyzes = new TreeMap<String, Long>();
    for (var t : log.autovacuum()) {
      if (t.vacuums() > 0) {
        ourVacuums.put(t.table(), List.of(t.vacuums(), t.tuplesRemoved(), t.pagesRemoved()));
      }
      if (t.analyzes() > 0) {
        ourAnalyzes.put(t.table(), t.analyzes());
      }
    }
    f.put("autovacuums", totals.autovacuums(),
        vacuums.values().stream().mapToLong(v -> v.get(0)).sum());
    f.put("autoanalyzes", totals.autoanalyzes(),
        analyzes.values().stream().mapToLong(Long::longValue).sum());
    soft.assertThat(ourVacuums).as("vacuums, tuples and pages removed per table")
        .isEqualTo(vacuums);
    soft.assertThat(ourAnalyzes).as("analyzes per table").isEqualTo(analyzes);

    // sessions
    var s = log.sessions();
    long pgbConnections = pgb.path("connection_info").path("postgres").path("count").asLong();
    var si = pgb.path("session_info").path("postgres");
    f.put("connections", s == null ? 0 : s.connections(), pgbConnections);
    f.put("sessions ended", s == null ? 0 : s.disconnections(), si.path("count").asLong());
    soft.assertThat(s == null ? 0 : s.connections()).as("connections").isEqualTo(pgbConnections);
    soft.assertThat(s == null ? 0 : s.disconnections()).as("sessions")
        .isEqualTo(si.path("count").asLong());
    if (s != null && si.path("count").asLong() > 0) {
      // pgBadger sums whole milliseconds of each session; pgdba keeps the fraction
      soft.assertThat(s.meanDurationMs()).as("mean session")
          .isCloseTo(si.path("duration").asDouble() / si.path("count").asLong(), within(1.0));
    }

    // lock waits
    long pgbWaits = 0;
    double pgbWaitMs = 0;
    for (var mode : iterable(pgb.path("lock_info").path("postgres").elements())) {
      pgbWaits += mode.path("count").asLong();
      pgbWaitMs += mode.path("duration").asDouble();
    }
    long ourWaits = log.lockWaits().stream().mapToLong(LogReport.LockWaitGroup::count).sum();
    double ourWaitMs = log.lockWaits().stream().mapToDouble(LogReport.LockWaitGroup::totalWaitMs)
        .sum();
    f.put("lock waits", ourWaits, pgbWaits);
    soft.assertThat(ourWaits).as("lock waits").isEqualTo(pgbWaits);
    soft.assertThat(ourWaitMs).as("lock wait time").isCloseTo(pgbWaitMs, within(0.01));
    soft.assertAll();
    return f;
  }

  private static long sum(List<LogReport.ErrorGroup> groups) {
    return groups.stream().mapToLong(LogReport.ErrorGroup::count).sum();
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  /** Section -> [pgdba, pgBadger], printed by the tests for the record. */
  static final class Figures extends java.util.LinkedHashMap<String, long[]> {
    void put(String section, long ours, long theirs) {
      put(section, new long[] {ours, theirs});
    }

    @Override
    public String toString() {
      var sb = new StringBuilder();
      forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ')
          .append(v[0]).append('/').append(v[1]));
      return sb.toString();
    }
  }

}
