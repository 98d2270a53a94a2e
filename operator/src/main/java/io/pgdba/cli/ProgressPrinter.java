package io.pgdba.cli;

import io.pgdba.analysis.Analyzer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a long analysis on stderr (never stdout, which may be a JSON pipe). On a terminal,
 * one line rewritten in place a few times a second; otherwise, for inputs large enough to make a
 * user wonder, a plain line every few seconds. Small inputs off a terminal stay silent.
 */
final class ProgressPrinter implements Analyzer.Progress {

  /** Below this a run takes a second or two: progress would be noise in scripts and CI logs. */
  static final long BIG_INPUT_BYTES = 64L << 20;

  private final PrintWriter err;
  private final boolean terminal;
  private final Map<String, Long> sizes;
  private final long intervalNanos;
  private final long startNanos = System.nanoTime();
  private long lastNanos = startNanos;
  private boolean lineOpen;

  /**
   * @param sizes file sizes by source name, or null to print nothing
   * @param intervalNanos least time between two prints
   */
  ProgressPrinter(PrintWriter err, boolean terminal, Map<String, Long> sizes, long intervalNanos) {
    this.err = err;
    this.terminal = terminal;
    this.sizes = sizes;
    this.intervalNanos = intervalNanos;
  }

  /** A printer for these sources: silent unless stderr is a terminal or the input is big. */
  static ProgressPrinter forSources(PrintWriter err, List<String> logs) {
    var sizes = new HashMap<String, Long>();
    long total = 0;
    for (var log : logs) {
      if (!log.equals("-")) {
        try {
          var size = Files.size(Path.of(log));
          sizes.put(Path.of(log).toString(), size);
          total += size;
        } catch (IOException | RuntimeException e) {
          // Unreadable files are reported by the analysis itself, with a proper message.
        }
      }
    }
    boolean terminal = stderrIsTerminal();
    return new ProgressPrinter(
        err,
        terminal,
        terminal || total >= BIG_INPUT_BYTES ? sizes : null,
        terminal ? 250_000_000L : 10_000_000_000L);
  }

  @Override
  public void bytesRead(String source, long bytes) {
    if (sizes == null) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastNanos < intervalNanos && intervalNanos > 0) {
      return;
    }
    lastNanos = now;
    double seconds = (now - startNanos) / 1e9;
    var size = sizes.get(source);
    var text = new StringBuilder("pgdba: reading ").append(source).append(": ")
        .append(mb(bytes));
    if (size != null && size > 0) {
      text.append(" of ").append(mb(size))
          .append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, bytes * 100 / size)));
    }
    text.append(String.format(Locale.ROOT, ", %.0f s", seconds));
    if (terminal) {
      err.print("\r\033[K" + text);
      lineOpen = true;
    } else {
      err.println(text);
    }
    err.flush();
  }

  /** Clears the in-place line so that what follows on stderr starts clean. */
  void done() {
    if (lineOpen) {
      err.print("\r\033[K");
      err.flush();
      lineOpen = false;
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
  }

  /**
   * Java 17 cannot ask whether stderr is a terminal; on Linux its descriptor names the device.
   * Elsewhere we fall back to "is there a console at all", which is right for interactive use.
   */
  static boolean stderrIsTerminal() {
    try {
      var target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
