package io.pgdba.cli;

import io.pgdba.advisor.index.AdvisorOptions;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.report.ConfigReport;
import io.pgdba.report.HtmlReport;
import io.pgdba.report.JsonReport;
import io.pgdba.report.ReportOptions;
import io.pgdba.report.SqlReport;
import io.pgdba.report.TextReport;
import io.pgdba.workload.WorkloadOptions;
import java.io.ByteArrayInputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads and initialises, on a thread of its own, the classes an {@code analyze} of files will
 * need, by analysing and rendering a small log held here. A one-shot analysis otherwise runs its
 * start-up (picocli reading the command's annotations) and its end (building the report, Jackson's
 * ObjectMapper and serializers, the locale data they load, the management beans of --stats) on
 * one thread while the second core idles: about 0.4 s of each on 300 MB of stderr. The classes
 * are the same ones the analysis would load itself, so nothing it computes changes; the sample's
 * report is thrown away, and a failure here is ignored (the analysis meets it again, and says it).
 *
 * <p>It costs no CPU in total: measured with the class-data archive on 300 MB of stderr (CPU
 * samples per thread), this thread's 0.15 to 0.2 s are as much less on the main thread, whose
 * interpreted start-up and end it takes over; what it saves is that time on the main thread's path.
 */
final class Warmup {

  /** System property: {@code false} turns the warm-up off (to measure it, or to rule it out). */
  static final String PROPERTY = "pgdba.warmup";

  /**
   * {@link #PROPERTY} value for the run {@code make build} dumps the class-data archive from: the
   * sample is rendered in every --output, with --stats, on the calling thread before the command
   * runs, so that the archive holds the classes of whichever output a user asks for (text, the
   * default, as well as the JSON the dump itself writes), whatever the number of cores.
   */
  static final String EVERY_OUTPUT = "every-output";

  /**
   * A few minutes of a server with the common {@code log_line_prefix}: statements with their
   * durations and parameters, an error, a lock wait, a deadlock, a temporary file, checkpoints,
   * autovacuum and sessions, so that each log report section's code runs once.
   */
  static final String SAMPLE = """
      2026-01-01 10:00:00 UTC [100]: user=,db=,app=,client= LOG:  database system is ready \
      to accept connections
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=[unknown],client=127.0.0.1 LOG:  \
      connection authorized: user=app database=shop application_name=web
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      duration: 0.832 ms  parse <unnamed>: SELECT * FROM customers WHERE id = $1
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      duration: 0.683 ms  bind <unnamed>: SELECT * FROM customers WHERE id = $1
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 DETAIL:  \
      parameters: $1 = '15538'
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      duration: 0.070 ms  execute <unnamed>: SELECT * FROM customers WHERE id = $1
      2026-01-01 10:00:01 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 DETAIL:  \
      parameters: $1 = '15538'
      2026-01-01 10:00:02 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      duration: 12.500 ms  statement: UPDATE orders SET status = 'paid', total = 10.5
      \tWHERE id = 42 AND customer_id IN (1, 2, 3);
      2026-01-01 10:00:02 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      temporary file: path "base/pgsql_tmp/pgsql_tmp101.0", size 8192
      2026-01-01 10:00:02 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 STATEMENT:  \
      SELECT * FROM orders ORDER BY created_at
      2026-01-01 10:00:03 UTC [102]: user=app,db=shop,app=psql,client=[local] ERROR:  \
      syntax error at or near "SELEC" at character 1
      2026-01-01 10:00:03 UTC [102]: user=app,db=shop,app=psql,client=[local] STATEMENT:  \
      SELEC * FROM customers LIMIT 1;
      2026-01-01 10:00:04 UTC [103]: user=app,db=shop,app=psql,client=[local] LOG:  \
      process 103 still waiting for ShareLock on transaction 1333 after 101.008 ms
      2026-01-01 10:00:04 UTC [103]: user=app,db=shop,app=psql,client=[local] DETAIL:  \
      Process holding the lock: 102. Wait queue: 103.
      2026-01-01 10:00:04 UTC [103]: user=app,db=shop,app=psql,client=[local] STATEMENT:  \
      UPDATE orders SET status = 'shipped' WHERE id = 42
      2026-01-01 10:00:05 UTC [104]: user=app,db=shop,app=psql,client=[local] ERROR:  \
      deadlock detected
      2026-01-01 10:00:05 UTC [104]: user=app,db=shop,app=psql,client=[local] DETAIL:  \
      Process 104 waits for ShareLock on transaction 1441; blocked by process 105.
      \tProcess 105 waits for ShareLock on transaction 1437; blocked by process 104.
      2026-01-01 10:00:05 UTC [104]: user=app,db=shop,app=psql,client=[local] STATEMENT:  \
      UPDATE orders SET total = 1 WHERE id = 7
      2026-01-01 10:00:06 UTC [106]: user=,db=,app=,client= LOG:  automatic vacuum of table \
      "shop.public.orders": index scans: 1
      \tpages: 0 removed, 36 remain, 36 scanned (100.00% of total)
      \ttuples: 133 removed, 478 remain, 0 are dead but not yet removable
      2026-01-01 10:00:06 UTC [106]: user=,db=,app=,client= LOG:  automatic analyze of table \
      "shop.public.orders"
      2026-01-01 10:00:07 UTC [99]: user=,db=,app=,client= LOG:  checkpoint starting: time
      2026-01-01 10:00:08 UTC [99]: user=,db=,app=,client= LOG:  checkpoint complete: wrote \
      8392 buffers (25.6%); 0 WAL file(s) added, 0 removed, 13 recycled; write=0.108 s, \
      sync=0.001 s, total=0.110 s; sync files=0, longest=0.000 s, average=0.000 s; \
      distance=209574 kB, estimate=209574 kB
      2026-01-01 10:00:09 UTC [101]: user=app,db=shop,app=web,client=127.0.0.1 LOG:  \
      disconnection: session time: 0:00:08.163 user=app database=shop host=127.0.0.1
      """;

  private Warmup() {}

  /**
   * Starts the warm-up for {@code pgdba analyze ...}; any other command (the long-running
   * operator, the demo) has nothing to gain from it.
   */
  static void start(String[] args) {
    if (args.length == 0 || !"analyze".equals(args[0])) {
      return;
    }
    if (EVERY_OUTPUT.equals(System.getProperty(PROPERTY))) {
      try {
        run(EVERY_OUTPUT, true);
      } catch (Throwable e) {
        // the archive then lacks some classes; they are read from the jar when needed
      }
      return;
    }
    // on one core the warm-up's work would only queue before the analysis' own
    if (Runtime.getRuntime().availableProcessors() < 2
        || "false".equals(System.getProperty(PROPERTY))) {
      return;
    }
    String output = output(args);
    boolean stats = List.of(args).contains("--stats");
    var thread = new Thread(() -> {
      try {
        run(output, stats);
      } catch (Throwable e) {
        // only a head start: whatever went wrong here, the analysis does for itself
      }
    }, "pgdba-warmup");
    thread.setDaemon(true); // never holds the process once the command is done
    thread.start();
  }

  /** Analyses the sample and renders it as the command will its report; returns the report. */
  static AnalysisReport run(String output, boolean stats) throws Exception {
    var source = new LogSource("warm-up sample",
        () -> new ByteArrayInputStream(SAMPLE.getBytes(StandardCharsets.UTF_8)));
    var request = new AnalysisRequest(List.of(source), new LogReaderOptions(null, null),
        WorkloadOptions.defaults(), null, AdvisorOptions.defaults(), 1000);
    var report = new Analyzer().run(request, Analyzer.Progress.NONE);
    var options = new ReportOptions(0, 1000);
    switch (output) {
      case "json" -> JsonReport.write(report, options, Writer.nullWriter());
      case "text" -> TextReport.render(report, options);
      case EVERY_OUTPUT -> {
        JsonReport.write(report, options, Writer.nullWriter());
        TextReport.render(report, options);
        SqlReport.render(report);
        ConfigReport.render(report);
        HtmlReport.write(report, options, Writer.nullWriter());
      }
      default -> {
        // the other renderings are rarer: the sample's analysis alone is warmed for them
      }
    }
    if (stats) {
      RunStats.start().summary(report);
    }
    return report;
  }

  /**
   * The value of {@code --output} ({@code text} when absent): picocli has not parsed the command
   * line yet, and a wrong guess only warms a renderer that goes unused.
   */
  static String output(String[] args) {
    String output = "text";
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--output=")) {
        output = args[i].substring("--output=".length());
      } else if (args[i].equals("--output") && i + 1 < args.length) {
        output = args[++i];
      }
    }
    return output;
  }
}
