package io.pgdba.cli;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.advisor.query.QueryAdvisor;
import io.pgdba.analysis.AnalysisException;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ConnectionSettingsParser;
import io.pgdba.catalog.ConnectionStringException;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.catalog.TargetConnectionException;
import io.pgdba.history.History;
import io.pgdba.history.HistoryDatabase;
import io.pgdba.history.HistoryException;
import io.pgdba.history.HistoryOptions;
import io.pgdba.history.HistoryReport;
import io.pgdba.history.HistoryStore;
import io.pgdba.history.RunContext;
import io.pgdba.history.ServerFacts;
import io.pgdba.history.Target;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.report.JsonReport;
import io.pgdba.report.ReportOptions;
import io.pgdba.report.SqlReport;
import io.pgdba.report.TextReport;
import io.pgdba.workload.WorkloadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    description = "Reads PostgreSQL logs (stderr, csvlog, jsonlog, CloudNativePG; gzip or not)"
        + " and reports the queries that cost the most.",
    // the README lists the same codes (ReadmeMatchesTheCliTest)
    exitCodeListHeading = "Exit status:%n",
    exitCodeList = {
      "0:done",
      "1:an input could not be read or the target not reached (one line naming the file or"
          + " host, never a password)",
      "2:wrong usage",
      "3:out of memory (one line with the heap size and a larger `-Xmx` to try, never a stack"
          + " trace)"
    })
public final class AnalyzeCommand implements Callable<Integer> {

  /** What --output accepts. */
  enum Output {
    text,
    json,
    sql,
    config,
    html
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
      description = "auto (default), stderr, csvlog, jsonlog, cnpg, syslog, syslog2, logplex,"
          + " cloudsql, azure, redshift or pgbouncer.")
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
      description = "text (default), json, sql (the index DDL and its rollback), config"
          + " (ALTER SYSTEM script, CloudNativePG patch, postgresql.conf lines) or html (one"
          + " self-contained page with charts, plans and the schema).")
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

  @Option(
      names = "--history",
      paramLabel = "DIR|URI",
      description = {
        "Keep this run in a history and compare it with the runs before: a directory (an"
            + " embedded PostgreSQL is kept there, e.g. ~/.pgdba) or a postgresql:// URI.",
        "Adds trends and regressions to the report."
      })
  String history;

  @Option(
      names = "--history-name",
      paramLabel = "NAME",
      description = "The name this run's history is kept under (default: the --db database,"
          + " else 'default'); runs are compared only with runs of the same name.")
  String historyName;

  @Option(
      names = "--baseline",
      paramLabel = "NAME",
      description = "With --history: also compare with the baseline NAME.")
  String baseline;

  @Option(
      names = "--save-baseline",
      paramLabel = "NAME",
      description = "With --history: keep this run as the baseline NAME (replacing it).")
  String saveBaseline;

  @Option(
      names = "--target",
      paramLabel = "SELECTOR:METRIC<=MS",
      description = {
        "With --history: a limit per query, several allowed. SELECTOR is a fingerprint or"
            + " ~regex on the query; METRIC is mean, p95, total or calls.",
        "Example: --target '~FROM orders:p95<=50'"
      })
  List<String> targets = new ArrayList<>();

  @Option(
      names = "--min-change",
      paramLabel = "PERCENT",
      defaultValue = "20",
      description = "With --history: smaller changes are not reported, however significant"
          + " (default ${DEFAULT-VALUE}).")
  double minChangePercent;

  @Option(
      names = "--history-retention",
      paramLabel = "DAYS",
      defaultValue = "400",
      description = "With --history: runs older than this are deleted (default"
          + " ${DEFAULT-VALUE}).")
  int retentionDays;

  @Option(
      names = "--verify-rewrites",
      description = {
        "Run each query rewrite and its original on --db (read-only, 5 s timeout, at most"
            + " 10000 rows each) and compare their rows and times. Off by default: without it"
            + " queries are only EXPLAINed, never run."
      })
  boolean verifyRewrites;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      description = {
        "Memory the server may use (4GB, 4Gi, 4096MB), for the configuration advice.",
        "Without it no memory-sized setting is proposed."
      })
  String memory;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      description = "CPUs the server may use (2, 1.5, 500m), for the configuration advice.")
  String cpus;

  @Option(
      names = "--storage",
      paramLabel = "KIND",
      description = "ssd, hdd or network: the storage under the data, for random_page_cost.")
  String storage;

  @Option(names = "--stats", hidden = true, description = "Print throughput and heap to stderr.")
  boolean stats;

  private ConnectionSettings target;
  private List<Target> parsedTargets = List.of();

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
    if (history != null) {
      try {
        report = report.withHistory(recordHistory(report));
      } catch (HistoryException e) {
        spec.commandLine().getErr().println("pgdba: " + e.getMessage());
        return Main.EXIT_FAILURE;
      }
    }
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
    if (history == null && (baseline != null || saveBaseline != null || !targets.isEmpty())) {
      throw new ParameterException(cl, "--baseline, --save-baseline and --target need --history");
    }
    if (retentionDays < 1) {
      throw new ParameterException(cl, "--history-retention must be at least 1 day, got "
          + retentionDays);
    }
    if (minChangePercent < 0 || Double.isNaN(minChangePercent)) {
      throw new ParameterException(cl, "--min-change must be >= 0, got " + minChangePercent);
    }
    parsedTargets = new ArrayList<>();
    for (var t : targets) {
      try {
        parsedTargets.add(Target.parse(t));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cl, "--target " + e.getMessage());
      }
    }
    if (logs.isEmpty() && db == null) {
      throw new ParameterException(cl, "give --log FILE... or --db URI (or both)");
    }
    if (verifyRewrites && db == null) {
      throw new ParameterException(cl, "--verify-rewrites needs --db URI: it runs queries there");
    }
    check(cl, "--memory", memory, io.pgdba.advisor.config.Sizes::parse);
    check(cl, "--cpus", cpus, io.pgdba.advisor.config.Sizes::parseCpus);
    check(cl, "--storage", storage, io.pgdba.advisor.config.Resources.Storage::parse);
    if (db != null) {
      try {
        target = ConnectionSettingsParser.fromSystem().parse(db);
      } catch (ConnectionStringException e) {
        throw new ParameterException(cl, "--db: " + e.getMessage());
      }
    }
  }

  private HistoryReport recordHistory(AnalysisReport report) throws HistoryException {
    var workload = report.workload();
    var totals = workload.totals();
    var recordedAt = totals.lastTimestamp() != null && !logs.isEmpty()
        ? totals.lastTimestamp() : Instant.now();
    var name = historyName != null ? historyName
        : target != null ? target.database() + "@" + target.host() + ":" + target.port()
        : "default";
    var facts = serverFacts();
    var run = new RunContext(name, recordedAt, logs.isEmpty() ? null : totals.firstTimestamp(),
        logs.isEmpty() ? null : totals.lastTimestamp(),
        logs.isEmpty() ? "pg_stat_statements" : "logs", facts.serverVersion(),
        facts.settingsHash(), List.of());
    var options = HistoryOptions.defaults().with(baseline, saveBaseline, parsedTargets,
        Duration.ofDays(retentionDays), minChangePercent);
    try (var db = HistoryDatabase.open(history, ConnectionSettingsParser.fromSystem())) {
      return History.recordAndCompare(HistoryStore.open(db.dataSource()), run, workload, options);
    } catch (IOException e) {
      throw new HistoryException("--history " + history + ": " + e.getMessage());
    }
  }

  /**
   * The target's version and settings hash for the history, read the way the operator reads
   * them; without --db there is no target to ask. Missing facts cost the run nothing but a note.
   */
  private ServerFacts serverFacts() {
    if (target == null) {
      return ServerFacts.NONE;
    }
    try (var c = ReadOnlySession.open(target)) {
      return ServerFacts.read(c);
    } catch (TargetConnectionException | SQLException e) {
      spec.commandLine().getErr().println("pgdba: --history: the server version and settings"
          + " hash are not recorded: " + e.getMessage().lines().findFirst().orElse(""));
      return ServerFacts.NONE;
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
        slowMs,
        advisorSettings());
  }

  /** The resources for the configuration advisor; absent flags stay absent (it says so). */
  private java.util.Map<String, String> advisorSettings() {
    var settings = new java.util.TreeMap<String, String>();
    if (memory != null) {
      settings.put(io.pgdba.advisor.config.Resources.MEMORY, memory);
      settings.put(io.pgdba.advisor.config.Resources.MEMORY_SOURCE, "--memory " + memory);
    }
    if (cpus != null) {
      settings.put(io.pgdba.advisor.config.Resources.CPUS, cpus);
    }
    if (verifyRewrites) {
      settings.put(QueryAdvisor.VERIFY_SETTING, "true");
    }
    if (storage != null) {
      settings.put(io.pgdba.advisor.config.Resources.STORAGE, storage);
    }
    return settings;
  }

  /** A resource flag that does not parse is a usage error naming the flag. */
  private static void check(picocli.CommandLine cl, String flag, String value,
      java.util.function.Function<String, ?> parser) {
    if (value == null) {
      return;
    }
    try {
      parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, flag + ": " + e.getMessage());
    }
  }

  private void render(AnalysisReport report) {
    var out = spec.commandLine().getOut();
    switch (output) {
      case json -> JsonReport.write(report, new ReportOptions(top == null ? 0 : top, slowMs), out);
      case text -> out.print(TextReport.render(report, new ReportOptions(
          top == null ? ReportOptions.defaults().top() : top, slowMs)));
      case sql -> out.print(SqlReport.render(report));
      case config -> out.print(io.pgdba.report.ConfigReport.render(report));
      case html -> io.pgdba.report.HtmlReport.write(
          report, new ReportOptions(top == null ? 0 : top, slowMs), out);
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
