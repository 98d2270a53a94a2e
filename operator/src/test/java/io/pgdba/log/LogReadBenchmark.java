package io.pgdba.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A quick throughput measurement of LogReader + LogEventAssembler, run by hand (not a test):
 *
 * <pre>
 * mvn -q -o test-compile
 * java -Xmx256m -cp operator/target/test-classes:operator/target/classes:$(cat cp.txt) \
 *   io.pgdba.log.LogReadBenchmark [file] [sizeMB]
 * </pre>
 *
 * Without a file it writes a stderr log of ~300-byte lines (default prefix, statements with and
 * without parameters, some multi-line) of {@code sizeMB} (default 512) to a temporary file, then
 * reads it three times and prints MB/s and lines/s of each run.
 */
public final class LogReadBenchmark {

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
          .withZone(java.time.ZoneOffset.UTC);

  private LogReadBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file;
    boolean generated = args.length == 0 || args[0].isEmpty();
    if (generated) {
      long mb = args.length > 1 ? Long.parseLong(args[1]) : 512;
      file = Files.createTempFile("pgdba-bench", ".log");
      generate(file, mb << 20);
    } else {
      file = Path.of(args[0]);
    }
    try {
      long size = Files.size(file);
      System.out.printf("file %s, %.1f MB%n", file, size / 1e6);
      for (int run = 1; run <= 3; run++) {
        long[] counts = new long[2];
        var assembler = new LogEventAssembler(e -> counts[0]++);
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        var result =
            new LogReader(LogReaderOptions.auto())
                .read(
                    LogSource.file(file),
                    r -> {
                      counts[1]++;
                      assembler.accept(r);
                    });
        assembler.finish();
        double s = (System.nanoTime() - t0) / 1e9;
        // CPU time too: on a shared machine the wall clock mostly measures the neighbours
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf(
            "run %d: %.2f s, %.1f MB/s (%.1f MB per CPU second), %.0f lines/s, %d records,"
                + " %d events, %d unparsed, heap used %d MB%n",
            run,
            s,
            result.bytesRead() / 1e6 / s,
            result.bytesRead() / 1e6 / cpu,
            result.linesRead() / s,
            counts[1],
            counts[0],
            result.unparsedLines(),
            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
      }
    } finally {
      if (generated) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** A stderr log shaped like a busy OLTP server's with log_min_duration_statement = 0. */
  static void generate(Path file, long bytes) throws IOException {
    var random = new Random(1);
    String[] tables = {"orders", "customers", "order_lines", "products", "invoices"};
    long written = 0;
    long ms = 1_714_557_600_000L;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      var line = new StringBuilder(512);
      while (written < bytes) {
        line.setLength(0);
        ms += random.nextInt(3);
        String ts = TIME.format(java.time.Instant.ofEpochMilli(ms)) + " UTC";
        int pid = 1000 + random.nextInt(200);
        String table = tables[random.nextInt(tables.length)];
        String prefix = ts + " [" + pid + "] ";
        int kind = random.nextInt(10);
        if (kind < 6) {
          line.append(prefix)
              .append("LOG:  duration: ")
              .append(random.nextInt(100))
              .append('.')
              .append(100 + random.nextInt(900))
              .append(" ms  statement: select id, status, created_at, updated_at, total from ")
              .append(table)
              .append(" where customer_id = ")
              .append(random.nextInt(1_000_000))
              .append(" and status in ('new', 'paid', 'shipped') order by created_at desc")
              .append(" limit 50\n");
        } else if (kind < 9) {
          line.append(prefix)
              .append("LOG:  duration: 0.")
              .append(100 + random.nextInt(900))
              .append(" ms  execute S_")
              .append(random.nextInt(20))
              .append(": update ")
              .append(table)
              .append(" set status = $1, updated_at = now() where id = $2 and version = $3\n")
              .append(prefix)
              .append("DETAIL:  Parameters: $1 = 'paid', $2 = '")
              .append(random.nextInt(1_000_000))
              .append("', $3 = '")
              .append(random.nextInt(100))
              .append("'\n");
        } else {
          line.append(prefix)
              .append("LOG:  duration: ")
              .append(random.nextInt(1000))
              .append(".5 ms  statement: select c.id, c.name, sum(o.total)\n")
              .append("\t  from customers c\n\t  join ")
              .append(table)
              .append(" o on o.customer_id = c.id\n\t where c.country = 'FR'\n")
              .append("\t group by c.id, c.name\n");
        }
        w.append(line);
        written += line.length();
      }
    }
  }
}
