package io.pgdba.workload;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogEventAssembler;
import io.pgdba.log.LogReader;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * The workload builder alone on one thread: reads a log into events held in memory (not timed),
 * then times a fresh {@link WorkloadBuilder} over them, several rounds, in thread CPU time. With
 * no reading thread beside it, it is steadier than {@link WorkloadReplayBench} on a busy machine,
 * though its events are no longer fresh in the caches. Not a test: run it by hand with the
 * launcher's flags and room for the events, e.g. {@code java -XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC -Xmx5g -Xmn512m -cp ... io.pgdba.workload.WorkloadMemoryReplayBench pg300.log
 * 6}; the digest shows that two builds give the same workload.
 */
public final class WorkloadMemoryReplayBench {

  private WorkloadMemoryReplayBench() {}

  public static void main(String[] args) throws Exception {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    new LogReader(new LogReaderOptions(null, null)).withTextWork(WorkloadBuilder::textWork)
        .read(LogSource.file(Path.of(args[0])), assembler);
    assembler.finish();
    for (var e : events) {
      if (e instanceof LogEvent.ExecutedStatement s) {
        s.parameters().size(); // parsed lazily, once: not in the first round only
      }
    }
    var bean = ManagementFactory.getThreadMXBean();
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    var times = new StringBuilder();
    String digest = null;
    for (int r = 0; r < rounds; r++) {
      long t0 = bean.getCurrentThreadCpuTime();
      var builder = new WorkloadBuilder(WorkloadOptions.defaults());
      for (int i = 0, n = events.size(); i < n; i++) {
        builder.accept(events.get(i));
      }
      var w = builder.build();
      long t1 = bean.getCurrentThreadCpuTime();
      times.append(String.format(" %.3f", (t1 - t0) / 1e9));
      // errorsByFingerprint is a Map.copyOf, whose order changes from one JVM to the next
      digest = w.totals() + "\n" + w.queries() + "\n"
          + new java.util.TreeMap<>(w.errorsByFingerprint()) + "\n" + w.sessions();
    }
    System.out.printf("%d events, digest %08x/%d, builder cpu s per round:%s%n", events.size(),
        digest.hashCode(), digest.length(), times);
  }
}
