package io.pgdba.cli;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogReadResult;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * Throughput and heap figures of one run, for the benchmark ({@code --stats}). The peak heap is
 * the sum of each heap pool's own peak: an upper bound of the true peak, which is what a "stays
 * under N MB" claim needs.
 */
final class RunStats {

  private final long startNanos;

  private RunStats(long startNanos) {
    this.startNanos = startNanos;
  }

  static RunStats start() {
    return new RunStats(System.nanoTime());
  }

  String summary(AnalysisReport report) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long jvmMillis = ManagementFactory.getRuntimeMXBean().getUptime();
    long bytes = report.sources().stream().mapToLong(LogReadResult::bytesRead).sum();
    long lines = report.sources().stream().mapToLong(LogReadResult::linesRead).sum();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    long max = Runtime.getRuntime().maxMemory();
    return String.format(
        Locale.ROOT,
        "pgdba stats: bytes=%d lines=%d analysis_s=%.3f jvm_uptime_s=%.3f mb_per_s=%.1f"
            + " lines_per_s=%.0f peak_heap_mb=%.1f max_heap_mb=%.1f",
        bytes,
        lines,
        seconds,
        jvmMillis / 1e3,
        bytes / 1e6 / seconds,
        lines / seconds,
        peak / 1048576.0,
        max / 1048576.0);
  }
}
