package io.pgdba.log;

import java.util.List;

/** Guesses the format from the first lines ({@link PrefixInference} learns the stderr prefix). */
final class FormatDetector {

  private FormatDetector() {}

  /** The format most of the non-blank sample lines look like; STDERR when nothing tells. */
  static LogFormat format(List<String> sample) {
    if (PgBouncerParser.looksLike(sample)) {
      return LogFormat.PGBOUNCER;
    }
    int stderr = 0;
    int csv = 0;
    int json = 0;
    int cnpg = 0;
    // inside a quoted csvlog field that spans lines (an auto_explain plan, a multi-line query):
    // those lines belong to the csv record before them and must not vote for stderr
    boolean inCsvQuote = false;
    for (String line : sample) {
      if (inCsvQuote) {
        inCsvQuote = oddQuotes(line) != inCsvQuote;
        continue;
      }
      if (line.isBlank() || line.charAt(0) == '\t') {
        continue;
      }
      if (line.charAt(0) == '{') {
        if (line.contains("\"logger\"") || line.contains("\"logging_pod\"")) {
          cnpg++;
        } else {
          json++;
        }
      } else if (line.charAt(0) == '"' && Timestamps.looksLikeDateTime(line, 1)) {
        // csvlog quotes a field that has a space in some writers' output (and in pgBadger's)
        int end = Timestamps.scan(line, 1, true);
        if (end > 0 && line.startsWith("\",", end)) {
          csv++;
          inCsvQuote = oddQuotes(line);
        } else {
          stderr++;
        }
      } else if (Timestamps.looksLikeDateTime(line, 0)) {
        int end = Timestamps.scan(line, 0, true);
        if (end > 0 && end < line.length() && line.charAt(end) == ',') {
          csv++;
          inCsvQuote = oddQuotes(line);
        } else {
          stderr++;
        }
      } else {
        stderr++;
      }
    }
    int best = Math.max(Math.max(stderr, csv), Math.max(json, cnpg));
    if (best == 0 || best == stderr) {
      return LogFormat.STDERR;
    }
    if (best == csv) {
      return LogFormat.CSVLOG;
    }
    return best == cnpg ? LogFormat.CNPG : LogFormat.JSONLOG;
  }

  /** An odd number of '"' leaves a quoted field open ("" inside a field counts two). */
  private static boolean oddQuotes(String line) {
    int quotes = 0;
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '"') {
        quotes++;
      }
    }
    return (quotes & 1) == 1;
  }
}
