package io.pgdba.log;

/**
 * How to read logs.
 *
 * @param format the format, or null to detect it from the first lines
 * @param logLinePrefix the stderr {@code log_line_prefix}, or null to detect the common ones
 */
public record LogReaderOptions(LogFormat format, String logLinePrefix) {
  public static LogReaderOptions auto() {
    return new LogReaderOptions(null, null);
  }
}
