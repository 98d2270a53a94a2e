package io.pgdba.cli;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.analysis.AnalysisException;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ConnectionSettingsParser;
import io.pgdba.catalog.ConnectionStringException;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.report.JsonReport;
import io.pgdba.report.ReportOptions;
import io.pgdba.report.SqlReport;
import io.pgdba.report.TextReport;
import io.pgdba.workload.WorkloadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code pgdba analyze}: reads PostgreSQL logs and prints the workload profile. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Reads PostgreSQL logs (stderr, csvlog, jsonlog, CloudNativePG; gzip or not) and reports"
          + " the queries that cost the most.",
      "Exit status: 0 done, 1 an input could not be read or the target not used, 2 wrong"
          + " usage."
    })
public final class AnalyzeCommand implements Callable<Integer> {

  /** What --output accepts. */
  enum Output {
    text,
    json,
    sql
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--log",
      arity = "1..*",
      paramLabel = "FILE",
      description = {
        "Log files to read, several allowed; '-' reads standard input.",
        "Without --log, the workload comes from pg_stat_statements of --db."
      })
  List<String> logs = new ArrayList<>();

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "auto",
      converter = FormatConverter.class,
      description = "auto (default), stderr, csvlog, jsonlog, cnpg, syslog, syslog2 or logplex.")
  LogFormat format;

  @Option(
      names = "--log-line-prefix",
      paramLabel = "PREFIX",
      description = "The server's log_line_prefix for stderr logs (detected when absent).")
  String logLinePrefix;

  @Option(
      names = "--top",
      paramLabel = "N",
      description =
          "Queries per ranking in text output (default 10); in JSON output, list only the top N"
              + " (default: all).")
  Integer top;

  @Option(
      names = "--slow-ms",
      paramLabel = "MS",
      defaultValue = "1000",
      description = "A query whose mean time reaches this is slow (default ${DEFAULT-VALUE}).")
  double slowMs;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (default), json or sql (the index DDL and its rollback).")
  Output output;

  @Option(
      names = "--db",
      paramLabel = "URI",
      description = {
        "Target database to advise indexes on: a postgresql:// URI or a conninfo string, with"
            + " the PG* environment and ~/.pgpass as libpq. Only read-only sessions are opened."
      })
  String db;

  @Option(
      names = "--max-fingerprints",
      paramLabel = "N",
      description =
          "Distinct queries kept before the rarest are folded into 'other' (default 20000).")
  Integer maxFingerprints;

  @Option(names = "--stats", hidden = true, description = "Print throughput and heap to stderr.")
  boolean stats;

  private ConnectionSettings target;

  @Override
  public Integer call() {
    validate();
    var unreadable = firstUnreadableFile();
    if (unreadable != null) {
      spec.commandLine().getErr().println("pgdba: " + unreadable);
      return Main.EXIT_FAILURE;
    }
    var runStats = RunStats.start();
    var request = request();
    var progress = ProgressPrinter.forSources(spec.commandLine().getErr(), logs);
    AnalysisReport report;
    try {
      report = new Analyzer().run(request, progress);
    } catch (AnalysisException e) {
      progress.done();
      spec.commandLine().getErr().println("pgdba: " + e.getMessage());
      return Main.EXIT_FAILURE;
    }
    progress.done();
    render(report);
    if (stats) {
      spec.commandLine().getErr().println(runStats.summary(report));
    }
    return 0;
  }

  private void validate() {
    var cl = spec.commandLine();
    if (top != null && top < 1) {
      throw new ParameterException(cl, "--top must be at least 1, got " + top);
    }
    if (maxFingerprints != null && maxFingerprints < 1) {
      throw new ParameterException(
          cl, "--max-fingerprints must be at least 1, got " + maxFingerprints);
    }
    if (slowMs < 0 || Double.isNaN(slowMs)) {
      throw new ParameterException(cl, "--slow-ms must be >= 0, got " + slowMs);
    }
    if (logs.stream().filter("-"::equals).count() > 1) {
      throw new ParameterException(cl, "--log -: standard input can be read only once");
    }
    if (logs.isEmpty() && db == null) {
      throw new ParameterException(cl, "give --log FILE... or --db URI (or both)");
    }
    if (db != null) {
      try {
        target = ConnectionSettingsParser.fromSystem().parse(db);
      } catch (ConnectionStringException e) {
        throw new ParameterException(cl, "--db: " + e.getMessage());
      }
    }
  }

  /**
   * Checks every file before reading any, so that a typo in the last name does not fail the run
   * after minutes spent on the first files (the analysis would report it too, but late).
   */
  private String firstUnreadableFile() {
    for (var log : logs) {
      if (log.equals("-")) {
        continue;
      }
      var path = Path.of(log);
      String reason = null;
      if (!Files.exists(path)) {
        reason = "no such file";
      } else if (Files.isDirectory(path)) {
        reason = "is a directory";
      } else if (!Files.isReadable(path)) {
        reason = "permission denied";
      }
      if (reason != null) {
        return "cannot read " + path + ": " + reason;
      }
    }
    return null;
  }

  private AnalysisRequest request() {
    var sources = logs.stream()
        .map(l -> l.equals("-") ? LogSource.stdin() : LogSource.file(Path.of(l)))
        .toList();
    var defaults = WorkloadOptions.defaults();
    var workloadOptions = new WorkloadOptions(
        maxFingerprints == null ? defaults.maxFingerprints() : maxFingerprints,
        defaults.bucketWidth());
    return new AnalysisRequest(
        sources,
        new LogReaderOptions(format, logLinePrefix),
        workloadOptions,
        target,
        AdvisorOptions.defaults(),
        slowMs);
  }

  private void render(AnalysisReport report) {
    var out = spec.commandLine().getOut();
    switch (output) {
      case json -> JsonReport.write(report, new ReportOptions(top == null ? 0 : top, slowMs), out);
      case text -> out.print(TextReport.render(report, new ReportOptions(
          top == null ? ReportOptions.defaults().top() : top, slowMs)));
      case sql -> out.print(SqlReport.render(report));
    }
    out.flush();
  }

  /** Maps "auto" to null (detect) and rejects unknown names as a usage error. */
  static final class FormatConverter implements ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      try {
        return LogFormat.parseOrAuto(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
