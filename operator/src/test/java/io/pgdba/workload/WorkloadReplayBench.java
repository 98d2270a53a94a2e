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
    var bean = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      List<LogEvent> events = new ArrayList<>();
      var assembler = new LogEventAssembler(events::add);
      new LogReader(new LogReaderOptions(null, null)).read(LogSource.file(log), assembler);
      assembler.finish();
      System.gc();
      var builder = new WorkloadBuilder(WorkloadOptions.defaults());
      long t0 = bean.getCurrentThreadCpuTime();
      for (var e : events) {
        builder.accept(e);
      }
      var w = builder.build();
      long t1 = bean.getCurrentThreadCpuTime();
      // errorsByFingerprint is a Map.copyOf, whose order changes from one JVM to the next
      String digest = w.totals() + "\n" + w.queries() + "\n"
          + new java.util.TreeMap<>(w.errorsByFingerprint()) + "\n" + w.sessions();
      if (System.getProperty("dump") != null) {
        java.nio.file.Files.writeString(Path.of(System.getProperty("dump")), digest);
      }
      System.out.printf("round %d: %d events, workload cpu %.3f s, digest %08x/%d%n", round,
          events.size(), (t1 - t0) / 1e9, digest.hashCode(), digest.length());
    }
  }
}
