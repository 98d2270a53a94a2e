package io.pgdba.workload;

import io.pgdba.log.LogReader;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.log.TextWork;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The range threads' statement-text work alone: reads a log once, recording every call the
 * parsers make on their {@link StatementTextWork} (the bytes looked up, the texts worked out),
 * then replays each thread's calls on a new instance, several rounds, in thread CPU time, and
 * prints a digest of the results so that two builds can be compared. Not a test: run it by hand
 * with the launcher's flags, e.g. {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx4g -cp
 * ... io.pgdba.workload.TextWorkReplayBench pg300.log 5}.
 */
public final class TextWorkReplayBench {

  private TextWorkReplayBench() {}

  /** The calls one thread made: a byte[] is a look-up, a String a text worked out after one. */
  private static final class Recording implements TextWork {
    final StatementTextWork work = new StatementTextWork();
    final List<Object> calls = new ArrayList<>();

    @Override
    public Object apply(String text) {
      calls.add(new String[] {text});
      return work.apply(text);
    }

    @Override
    public Object known(byte[] b, int from, int to) {
      calls.add(Arrays.copyOfRange(b, from, to));
      return work.known(b, from, to);
    }

    @Override
    public Object reuse(Object known, String text) {
      calls.add(text);
      return work.reuse(known, text);
    }

    @Override
    public Object applyAscii(String text) {
      calls.add(text);
      return work.applyAscii(text);
    }
  }

  public static void main(String[] args) throws Exception {
    Path log = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    var recordings = java.util.Collections.synchronizedList(new ArrayList<Recording>());
    new LogReader(new LogReaderOptions(null, null)).withTextWork(() -> {
      var r = new Recording();
      recordings.add(r);
      return r;
    }).read(LogSource.file(log), rec -> {});
    long calls = recordings.stream().mapToLong(r -> r.calls.size()).sum();
    var bean = ManagementFactory.getThreadMXBean();
    double best = Double.MAX_VALUE;
    double bestLookUps = Double.MAX_VALUE;
    for (int round = 0; round < rounds; round++) {
      // the look-ups alone, to tell them from the work on the texts they did not find
      long l0 = bean.getCurrentThreadCpuTime();
      long sink = 0;
      for (var r : recordings) {
        var work = new StatementTextWork();
        for (Object c : r.calls) {
          if (c instanceof byte[] b) {
            sink += work.known(b, 0, b.length) == null ? 1 : 0;
          }
        }
      }
      bestLookUps = Math.min(bestLookUps, (bean.getCurrentThreadCpuTime() - l0) / 1e9);
      long digest = 0;
      long fresh = 0;
      long t0 = bean.getCurrentThreadCpuTime();
      for (var r : recordings) {
        var work = new StatementTextWork();
        Object known = null;
        for (Object c : r.calls) {
          StatementText t;
          if (c instanceof byte[] b) {
            known = work.known(b, 0, b.length);
            continue;
          } else if (c instanceof String[] s) {
            t = work.apply(s[0]);
            fresh++;
          } else if (known != null) {
            t = work.reuse(known, (String) c);
          } else {
            t = work.applyAscii((String) c);
            fresh++;
          }
          known = null;
          digest += t.fingerprint + t.identity(List.of()) + t.verb().hashCode();
        }
      }
      double cpu = (bean.getCurrentThreadCpuTime() - t0) / 1e9;
      best = Math.min(best, cpu);
      System.out.printf("round %d: %d calls, %d not known by bytes, cpu %.3f s, digest %016x"
          + " [%d]%n", round, calls, fresh, cpu, digest, sink & 1);
    }
    System.out.printf("min cpu %.3f s, of which look-ups %.3f s: the rest %.3f s%n", best,
        bestLookUps, best - bestLookUps);
  }
}
