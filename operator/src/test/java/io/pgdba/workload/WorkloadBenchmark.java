package io.pgdba.workload;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Throughput of the fingerprinter and the workload builder, and the heap of a cardinality
 * explosion (every statement unique). Not a test: run it by hand, with a small heap to check the
 * bound, e.g. {@code java -Xmx256m -cp ... io.pgdba.workload.WorkloadBenchmark}.
 */
public final class WorkloadBenchmark {

  private static final String[] SHAPES = {
    "select * from orders where id = %d",
    "SELECT o.id, o.amount FROM orders o JOIN customers c ON c.id = o.customer_id"
        + " WHERE c.name = 'cust%d' AND o.status IN ('open', 'paid')"
        + " ORDER BY o.created DESC LIMIT 50",
    "update orders set status = 'done', amount = %d.25 where id = %<d",
    "insert into events (kind, payload, created) values ('click', '{\"n\": %d}', now())",
    "select count(*) from events where created > now() - interval '%d minutes'",
    "begin",
    "commit",
    "select id, name from customers where id = $1",
  };

  private WorkloadBenchmark() {}

  /**
   * CPU time of this thread: the machine may be shared, and wall time would then measure the
   * neighbours rather than the code.
   */
  private static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    var sql = new String[4096];
    long bytes = 0;
    for (int i = 0; i < sql.length; i++) {
      sql[i] = String.format(SHAPES[i % SHAPES.length], i);
      bytes += sql[i].length();
    }
    System.out.printf("corpus: %d distinct texts, mean %d chars%n", sql.length, bytes / sql.length);

    var f = new Fingerprinter();
    for (int round = 0; round < 3; round++) {
      long sink = 0;
      long t0 = cpuNanos();
      for (int i = 0; i < n; i++) {
        sink += f.fingerprint(sql[i & (sql.length - 1)]);
      }
      double s = (cpuNanos() - t0) / 1e9;
      System.out.printf("fingerprint(): %,.0f statements per CPU second (%.1f MB/s) [%d]%n", n / s,
          n * (bytes / (double) sql.length) / s / 1e6, sink & 1);
    }
    long t0 = cpuNanos();
    for (int i = 0; i < n / 4; i++) {
      Fingerprinter.normalize(sql[i & (sql.length - 1)]);
    }
    System.out.printf("normalize() (allocating): %,.0f statements per CPU second%n",
        n / 4 / ((cpuNanos() - t0) / 1e9));

    var origin = new Origin(Instant.parse("2026-01-05T10:00:00Z"), "shop", "app", "web", 1,
        "bench", 1);
    var events = new ExecutedStatement[sql.length];
    for (int i = 0; i < sql.length; i++) {
      var o = new Origin(origin.timestamp().plusMillis(i * 250L), "shop", "app" + (i % 3),
          "web", 1, "bench", i);
      events[i] = new ExecutedStatement(o, Phase.SIMPLE, null, (i % 97) * 0.37, sql[i], List.of());
    }
    for (int round = 0; round < 2; round++) {
      var b = new WorkloadBuilder(WorkloadOptions.defaults());
      t0 = cpuNanos();
      for (int i = 0; i < n; i++) {
        b.accept(events[i & (events.length - 1)]);
      }
      var w = b.build();
      System.out.printf("WorkloadBuilder: %,.0f events per CPU second, %d queries%n",
          n / ((cpuNanos() - t0) / 1e9), w.queries().size());
    }

    // the same events in 64 sessions: what following sessions (SessionTracker) costs
    var inSessions = new ExecutedStatement[events.length];
    for (int i = 0; i < events.length; i++) {
      var o = events[i].origin();
      inSessions[i] = new ExecutedStatement(new Origin(o.timestamp(), o.database(), o.user(),
          o.application(), o.pid(), o.source(), o.line(), "s" + (i % 64)), Phase.SIMPLE, null,
          events[i].durationMs(), events[i].text(), List.of());
    }
    for (int round = 0; round < 2; round++) {
      var b = new WorkloadBuilder(WorkloadOptions.defaults());
      t0 = cpuNanos();
      for (int i = 0; i < n; i++) {
        b.accept(inSessions[i & (inSessions.length - 1)]);
      }
      var w = b.build();
      System.out.printf("WorkloadBuilder, 64 sessions followed: %,.0f events per CPU second,"
          + " %d queries%n", n / ((cpuNanos() - t0) / 1e9), w.queries().size());
    }

    // cardinality explosion: every statement a new shape (a new table name each time)
    var b = new WorkloadBuilder(WorkloadOptions.defaults());
    t0 = cpuNanos();
    long peak = 0;
    var mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < n; i++) {
      String text = "select a, b, c from table_" + i + " where id = " + i + " and x = 'y'";
      var o = new Origin(origin.timestamp().plusMillis(i), "db" + (i % 5), "u" + (i % 20),
          "app", 1, "bench", i);
      b.accept(new ExecutedStatement(o, Phase.SIMPLE, null, 1 + (i % 10), text, List.of()));
      if ((i & 0x3FFFF) == 0) {
        peak = Math.max(peak, mem.getHeapMemoryUsage().getUsed());
      }
    }
    var w = b.build();
    System.gc();
    System.out.printf("explosion: %,d unique statements in %.1f CPU s, %d queries kept, %d folded,"
            + " heap after GC %d MB, peak sampled %d MB, max heap %d MB%n",
        n, (cpuNanos() - t0) / 1e9, w.queries().size(), w.totals().foldedQueries(),
        mem.getHeapMemoryUsage().getUsed() >> 20, peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);

    // many frequent queries, each with a histogram, buckets and breakdowns: the worst case
    w = null;
    b = new WorkloadBuilder(WorkloadOptions.defaults());
    for (int i = 0; i < 20_000 * 30; i++) {
      int q = i % 20_000;
      String text = "select a, b, c from table_" + q + " where id = " + i;
      var o = new Origin(origin.timestamp().plus(Duration.ofSeconds(i)), "db" + (i % 5),
          "u" + (i % 20), "app" + (i % 7), 1, "bench", i);
      b.accept(new ExecutedStatement(o, Phase.SIMPLE, null, 0.1 + (i % 1000) * 1.7, text,
          List.of()));
    }
    System.gc();
    long used = mem.getHeapMemoryUsage().getUsed();
    w = b.build();
    System.gc();
    System.out.printf("20,000 queries x 30 calls over 7 days: builder heap %d MB, with the built"
            + " workload %d MB (%d queries, %d folded)%n", used >> 20,
        mem.getHeapMemoryUsage().getUsed() >> 20, w.queries().size(), w.totals().foldedQueries());
  }
}
