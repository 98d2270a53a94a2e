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
    for (String line : recordStarts(sample)) {
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
        } else {
          stderr++;
        }
      } else if (Timestamps.looksLikeDateTime(line, 0)) {
        int end = Timestamps.scan(line, 0, true);
        if (end > 0 && end < line.length() && line.charAt(end) == ',') {
          csv++;
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

  /**
   * The non-blank lines of {@code sample} that can start a record, the only ones that vote for a
   * format. Left out: lines inside a quoted csvlog field that spans lines (an auto_explain plan, a
   * multi-line query: csvlog writes a statement's newlines raw) and tab-indented lines (the stderr
   * format indents every line after a message's first). Their text is whatever a client sent, so
   * letting it vote would let a query decide how the file is read: a statement made of pgBouncer
   * log lines would make the server's log pass for pgBouncer's, and hide its queries. A quote a
   * client sends is written doubled inside the field, so it cannot close the field early. Amazon
   * Redshift's user activity log writes a query's newlines raw too, with no quoting at all: the
   * lines after one of its headers are the query's up to the next header. No other format lets a
   * client start a line (stderr indents, csvlog quotes, the JSON formats escape, syslog heads each
   * line of a message), so a header a query forges elsewhere hides no line that votes.
   */
  static List<String> recordStarts(List<String> sample) {
    var starts = new java.util.ArrayList<String>(sample.size());
    boolean inCsvQuote = false;
    boolean inRedshiftQuery = false;
    for (String raw : sample) {
      // under a Kubernetes timestamp (kubectl logs --timestamps) the same holds for what follows
      String line = LogReader.stripKubernetesTimestamp(raw);
      if (inCsvQuote) {
        inCsvQuote = oddQuotes(line) != inCsvQuote;
        continue;
      }
      if (line.isBlank() || line.charAt(0) == '\t') {
        continue;
      }
      boolean redshiftHeader = line.charAt(0) == '\'' && RedshiftLog.userActivity(line) != null;
      if (inRedshiftQuery && !redshiftHeader) {
        continue;
      }
      inRedshiftQuery = redshiftHeader;
      starts.add(raw);
      inCsvQuote = startsCsvRecord(line) && oddQuotes(line);
    }
    return starts;
  }

  /** A csvlog record's first line: its timestamp, bare or quoted, then a comma. */
  private static boolean startsCsvRecord(String line) {
    if (line.charAt(0) == '"' && Timestamps.looksLikeDateTime(line, 1)) {
      int end = Timestamps.scan(line, 1, true);
      return end > 0 && line.startsWith("\",", end);
    }
    if (Timestamps.looksLikeDateTime(line, 0)) {
      int end = Timestamps.scan(line, 0, true);
      return end > 0 && end < line.length() && line.charAt(end) == ',';
    }
    return false;
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
