package io.pgdba.advisor.index;

import io.pgdba.catalog.CatalogReader;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Advice time for a workload of 1,000 distinct queries over eight 100k-row tables, on an embedded
 * PostgreSQL 17 with the cost model (and on the system PostgreSQL 15 with HypoPG when installed).
 * Not a test: run it by hand with {@code operator/bench-advisor.sh [queries] [model|hypopg]} (wall
 * time on a shared machine measures the neighbours too; CPU time and the number of what-if
 * costings do not). The advice is written to {@code target/bench-advice-*.txt} for comparison.
 */
public final class AdvisorBenchmark {

  private static final int TABLES = 8;
  private static final String[] COLS = {"a", "b", "c", "d", "e", "f"};

  private AdvisorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int target = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    String only = args.length > 1 ? args[1] : "both";
    var queries = queries(target);
    if (!only.equals("hypopg")) {
      model(queries);
    }
    if (!only.equals("model")) {
      hypopg(queries);
    }
  }

  private static void model(List<QueryStats> queries) throws Exception {
    try (var pg = TestPostgres.start(java.util.Map.of())) {
      try (Connection admin = pg.connect("postgres"); var st = admin.createStatement()) {
        st.execute(schema());
      }
      try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        run("PostgreSQL 17, cost model", ro, queries, false);
      }
    }
  }

  private static void hypopg(List<QueryStats> queries) throws Exception {
    try {
      io.pgdba.testsupport.SystemPostgres15.assumeHypopgAvailable();
    } catch (org.opentest4j.TestAbortedException e) {
      System.out.println("HypoPG run skipped: " + e.getMessage());
      return;
    }
    try (var pg = io.pgdba.testsupport.SystemPostgres15.start();
        Connection admin = pg.connect("postgres")) {
      try (var st = admin.createStatement()) {
        st.execute("CREATE EXTENSION hypopg");
        st.execute(schema());
      }
      try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "postgres")) {
        run("PostgreSQL 15, HypoPG", ro, queries, true);
      }
    }
  }

  private static void run(String label, Connection ro, List<QueryStats> queries, boolean hypopg)
      throws Exception {
    var catalog = new CatalogReader().read(ro);
    var totals = new WorkloadTotals(queries.size(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        queries.size(), 0, null, null);
    int backend = backendPid(ro);
    double serverCpu = backendCpuSeconds(backend);
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long processCpu = processCpuNanos();
    long start = System.nanoTime();
    var advice = IndexAdvisor.advise(new Workload(totals, queries), catalog, ro,
        new AdvisorOptions(20, 1, 0, 0, hypopg));
    double seconds = (System.nanoTime() - start) / 1e9;
    double clientCpu = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
    double jvmCpu = (processCpuNanos() - processCpu) / 1e9;
    serverCpu = backendCpuSeconds(backend) - serverCpu;
    long creates = advice.recommendations().stream()
        .filter(r -> r.kind() == Recommendation.Kind.CreateIndex).count();
    System.out.printf(Locale.ROOT, "%s: %d distinct queries advised in %.1f s; %d indexes"
        + " proposed, %d queries with a reason for no index, %d what-if costings%n", label,
        queries.size(), seconds, creates, advice.skipped().size(), IndexAdvisor.lastCostings);
    // Wall time on a shared machine measures the neighbours too; CPU time does not.
    System.out.printf(Locale.ROOT, "%s: CPU %.1f s in pgdba (%.1f s with the JVM's compiler"
        + " and GC threads), %.1f s in the server backend; %d statements sent (EXPLAINs, HypoPG"
        + " calls) up to the selection's end%n", label, clientCpu, jvmCpu, serverCpu,
        IndexAdvisor.lastStatements);
    // The decision itself, to compare two versions of the advisor on the same workload.
    var lines = new ArrayList<String>();
    advice.recommendations().forEach(r -> lines.add(r.kind() + " " + AdvisorScenario.signature(r)
        + " " + r.estimatedImprovementPercent() + " %"));
    advice.skipped().forEach(q -> lines.add("skipped " + q.fingerprint() + ": " + q.reason()));
    var file = java.nio.file.Path.of("target", "bench-advice-" + (hypopg ? "hypopg" : "model")
        + ".txt");
    java.nio.file.Files.write(file, lines);
    System.out.printf(Locale.ROOT, "%s: advice written to %s (%d lines, hash %08x)%n", label,
        file, lines.size(), lines.hashCode());
  }

  /** CPU of the whole JVM (compiler and GC threads too), -1 when the platform hides it. */
  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : -1;
  }

  private static int backendPid(Connection ro) throws java.sql.SQLException {
    try (var st = ro.createStatement(); var rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** utime + stime of the server process from /proc (same machine), NaN when unreadable. */
  private static double backendCpuSeconds(int pid) {
    try {
      var path = java.nio.file.Path.of("/proc/" + pid + "/stat");
      String stat = java.nio.file.Files.readString(path);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // USER_HZ is 100 on Linux
    } catch (java.io.IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static String schema() {
    var sql = new StringBuilder();
    for (int t = 0; t < TABLES; t++) {
      // Cardinalities from 2 to 100k per column, so some keys pay and some never do.
      sql.append("create table t").append(t).append("(id bigint primary key, parent bigint,"
          + " a int, b int, c int, d int, e int, f text) with (autovacuum_enabled = off);")
          .append("insert into t").append(t).append(" select i, i % 50000, i % 100000,"
          + " i % 5000, i % 200, i % 20, i % 2, md5(i::text) from generate_series(1, 100000) i;");
    }
    // A statistics target whose sample (300 rows per unit) takes every row, and no autovacuum
    // to analyze again with a sample: the same statistics on every run, so that two versions of
    // the advisor can be compared by their advice.
    return sql.append("set default_statistics_target = 1000; analyze;").toString();
  }

  /** {@code n} distinct query shapes: equalities, ranges, sorts with LIMIT, IN, joins. */
  static List<QueryStats> queries(int n) {
    var out = new LinkedHashSet<String>();
    for (int t = 0; t < TABLES && out.size() < n; t++) {
      String tab = "t" + t;
      for (String x : COLS) {
        out.add("SELECT id FROM " + tab + " WHERE " + x + " = '7'");
        out.add("SELECT id FROM " + tab + " WHERE " + x + " > '99990'");
        for (String y : COLS) {
          if (x.equals(y)) {
            continue;
          }
          out.add("SELECT * FROM " + tab + " WHERE " + x + " = '3' AND " + y + " < '10'");
          out.add("SELECT * FROM " + tab + " WHERE " + x + " = '3' ORDER BY " + y + " LIMIT 10");
          out.add("SELECT * FROM " + tab + " WHERE " + x + " IN ('1', '2') AND " + y + " = '5'");
          for (String z : COLS) {
            if (!z.equals(x) && !z.equals(y)) {
              out.add("SELECT id FROM " + tab + " WHERE " + x + " = '1' AND " + y + " = '2'"
                  + " ORDER BY " + z + " DESC LIMIT 20");
            }
          }
        }
        String other = "t" + ((t + 1) % TABLES);
        out.add("SELECT p.id FROM " + tab + " p JOIN " + other + " c ON c.parent = p.id WHERE p."
            + x + " = '11'");
      }
    }
    var list = new ArrayList<QueryStats>();
    int i = 0;
    for (String sql : out) {
      if (list.size() == n) {
        break;
      }
      list.add(AdvisorScenario.query(String.format(Locale.ROOT, "q%04d", i++), sql, 10 + i % 90));
    }
    return list;
  }
}
