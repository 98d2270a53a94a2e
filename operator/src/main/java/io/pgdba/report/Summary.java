package io.pgdba.report;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReadResult;
import java.util.Locale;
import java.util.Objects;

/**
 * The figures over all sources that both the JSON and the text renderings show.
 *
 * @param format the format name in lower case, "mixed" when sources differ, null when no source
 *     was recognised (empty input)
 * @param firstUnparsed the first unparsed line over all sources, in input order
 */
record Summary(
    String format, long linesRead, long unparsedLines, String firstUnparsed, long bytesRead) {

  static Summary of(AnalysisReport report) {
    var formats =
        report.sources().stream().map(LogReadResult::format).filter(Objects::nonNull).distinct()
            .toList();
    String format =
        switch (formats.size()) {
          case 0 -> null;
          case 1 -> name(formats.get(0));
          default -> "mixed";
        };
    long lines = 0;
    long unparsed = 0;
    long bytes = 0;
    String first = null;
    for (var s : report.sources()) {
      lines += s.linesRead();
      unparsed += s.unparsedLines();
      bytes += s.bytesRead();
      if (first == null) {
        first = s.firstUnparsed();
      }
    }
    return new Summary(format, lines, unparsed, first, bytes);
  }

  static String name(LogFormat format) {
    return format == null ? null : format.name().toLowerCase(Locale.ROOT);
  }
}
