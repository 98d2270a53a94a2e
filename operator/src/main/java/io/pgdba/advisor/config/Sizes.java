package io.pgdba.advisor.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Memory sizes as users and servers write them: Kubernetes quantities ({@code 4Gi}, {@code 512M}),
 * PostgreSQL units ({@code 64MB}, {@code 8kB}, powers of 1024) and plain bytes; and the one way
 * pgdba writes a size back, in the largest PostgreSQL unit that divides it exactly.
 */
public final class Sizes {

  public static final long KB = 1L << 10;
  public static final long MB = 1L << 20;
  public static final long GB = 1L << 30;

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(|[kKMGTP]i?|[kKMGT][bB]|[bB])");

  private Sizes() {}

  /**
   * Bytes in {@code text}; {@code IllegalArgumentException} with a one-line reason otherwise.
   * {@code k}, {@code M}, {@code G} alone are decimal as in Kubernetes; {@code kB}, {@code MB},
   * {@code GB} are binary as in PostgreSQL (and as people mean them for RAM).
   */
  public static long parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no size given");
    }
    var m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size like 4GB, 4Gi or 4096MB");
    }
    double n = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    double factor = switch (unit) {
      case "", "b", "B" -> 1;
      case "k" -> 1e3;
      case "K", "Ki", "ki", "kB", "kb", "KB", "Kb" -> KB;
      case "M" -> 1e6;
      case "Mi", "MB", "Mb" -> MB;
      case "G" -> 1e9;
      case "Gi", "GB", "Gb" -> GB;
      case "T" -> 1e12;
      case "Ti", "TB", "Tb" -> 1L << 40;
      case "P" -> 1e15;
      case "Pi" -> 1L << 50;
      default -> throw new IllegalArgumentException("'" + text + "': unknown unit " + unit);
    };
    double bytes = n * factor;
    if (bytes > Long.MAX_VALUE / 2) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return (long) bytes;
  }

  /** CPUs as Kubernetes writes them ({@code 2}, {@code 1.5}, {@code 500m}). */
  public static double parseCpus(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no CPU count given");
    }
    var t = text.strip();
    try {
      double v = t.endsWith("m")
          ? Double.parseDouble(t.substring(0, t.length() - 1)) / 1000
          : Double.parseDouble(t);
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("'" + text + "' must be a positive CPU count");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a CPU count like 2, 1.5 or 500m");
    }
  }

  /** {@code 64MB}, {@code 2GB}, {@code 8kB}: the largest unit that divides the bytes exactly. */
  public static String format(long bytes) {
    if (bytes != 0 && bytes % (1L << 40) == 0) {
      return bytes / (1L << 40) + "TB";
    }
    if (bytes != 0 && bytes % GB == 0) {
      return bytes / GB + "GB";
    }
    if (bytes != 0 && bytes % MB == 0) {
      return bytes / MB + "MB";
    }
    if (bytes != 0 && bytes % KB == 0) {
      return bytes / KB + "kB";
    }
    return bytes + "B";
  }

  /** A size for people reading a sentence: {@code 12.4 GB}, {@code 300 MB}. */
  public static String human(long bytes) {
    if (bytes >= GB) {
      return String.format(Locale.ROOT, "%.1f GB", bytes / (double) GB);
    }
    if (bytes >= MB) {
      return String.format(Locale.ROOT, "%.0f MB", bytes / (double) MB);
    }
    if (bytes >= KB) {
      return String.format(Locale.ROOT, "%.0f kB", bytes / (double) KB);
    }
    return bytes + " B";
  }

  /** The smallest power of two megabytes at least {@code bytes} (1MB at least). */
  public static long ceilPowerOfTwoMb(long bytes) {
    long v = MB;
    while (v < bytes && v < (1L << 50)) {
      v <<= 1;
    }
    return v;
  }

  /** The largest power of two megabytes at most {@code bytes}, 0 below 1MB. */
  public static long floorPowerOfTwoMb(long bytes) {
    if (bytes < MB) {
      return 0;
    }
    long v = MB;
    while (v * 2 <= bytes) {
      v <<= 1;
    }
    return v;
  }
}
