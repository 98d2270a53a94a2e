package io.pgdba.workload;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEventAssembler;
import io.pgdba.log.LogReader;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The workload thread's work alone: reads a log into events (not timed), then times a fresh
 * {@link WorkloadBuilder} over them, several rounds, in thread CPU time, and prints a digest of
 * the result so that two builds can be compared. Not a test: run it by hand with the launcher's
 * flags, e.g. {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx3g -cp ...
 * io.pgdba.workload.WorkloadReplayBench pg300.log 3}. The events are read again for every round:
 * their parameters parse lazily, once, and a second round would find them parsed.
 */
public final class WorkloadReplayBench {

  private WorkloadReplayBench() {}

  public static void main(String[] args) throws Exception {
    Path log = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    for (int round = 0; round < rounds; round++) {
      // as in the analyzer: this thread reads and assembles, a second one builds the workload
      // from batches of fresh events (so they are still in the caches, as there)
      var queue = new java.util.concurrent.ArrayBlockingQueue<List<LogEvent>>(4);
      var builder = new WorkloadBuilder(WorkloadOptions.defaults());
      var result = new Object[2];
      var consumer = new Thread(() -> {
        var bean = ManagementFactory.getThreadMXBean();
        long events = 0;
        try {
          for (List<LogEvent> batch = queue.take(); !batch.isEmpty(); batch = queue.take()) {
            for (var e : batch) {
              builder.accept(e);
            }
            events += batch.size();
          }
        } catch (InterruptedException e) {
          return;
        }
        result[0] = builder.build();
        result[1] = new long[] {bean.getCurrentThreadCpuTime(), events,
            ((com.sun.management.ThreadMXBean) bean).getCurrentThreadAllocatedBytes()};
      }, "pgdba-workload");
      consumer.start();
      @SuppressWarnings("unchecked")
      var batch = new ArrayList[] {new ArrayList<LogEvent>(1024)};
      var assembler = new LogEventAssembler(e -> {
        batch[0].add(e);
        if (batch[0].size() == 1024) {
          put(queue, batch[0]);
          batch[0] = new ArrayList<LogEvent>(1024);
        }
      });
      // as in the analyzer, the reading threads work out the statement texts ahead
      new LogReader(new LogReaderOptions(null, null)).withTextWork(WorkloadBuilder::textWork)
          .read(LogSource.file(log), assembler);
      assembler.finish();
      put(queue, batch[0]);
      put(queue, List.of());
      consumer.join();
      var w = (Workload) result[0];
      long[] cpu = (long[]) result[1];
      // errorsByFingerprint is a Map.copyOf, whose order changes from one JVM to the next
      String digest = w.totals() + "\n" + w.queries() + "\n"
          + new java.util.TreeMap<>(w.errorsByFingerprint()) + "\n" + w.sessions();
      if (System.getProperty("dump") != null) {
        java.nio.file.Files.writeString(Path.of(System.getProperty("dump")), digest);
      }
      System.out.printf(
          "round %d: %d events, workload thread cpu %.3f s, %d MB allocated, digest %08x/%d%n",
          round, cpu[1], cpu[0] / 1e9, cpu[2] >> 20, digest.hashCode(), digest.length());
    }
  }

  private static void put(java.util.concurrent.BlockingQueue<List<LogEvent>> q, List<LogEvent> b) {
    try {
      q.put(b);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
