package io.pgdba.log;

/**
 * What reading one source gave.
 *
 * @param format the format used (given or detected)
 * @param logLinePrefix the stderr prefix used (given or detected), null for other formats
 * @param linesRead physical lines read
 * @param unparsedLines lines that belong to no record (garbage, unknown prefix, truncated JSON...)
 * @param firstUnparsed "source:line: reason" of the first unparsed line, null when none
 * @param bytesRead uncompressed bytes read
 * @param truncatedLines lines whose text was cut by the 1 MB caps, on one line (the head is still
 *     read) and on one record (continuation lines past 1 MB of record text are left out)
 * @param pgbouncer what a pgBouncer log said, null for the server's logs
 * @param contents what a log that holds no statements holds instead (a Redshift connection or
 *     user log), told to the user in place of "no statement found"; null for the others
 */
public record LogReadResult(
    String source,
    LogFormat format,
    String logLinePrefix,
    long linesRead,
    long unparsedLines,
    String firstUnparsed,
    long bytesRead,
    long truncatedLines,
    PgBouncerSummary pgbouncer,
    String contents) {

  /** A server log's result (no pgBouncer summary). */
  public LogReadResult(
      String source,
      LogFormat format,
      String logLinePrefix,
      long linesRead,
      long unparsedLines,
      String firstUnparsed,
      long bytesRead,
      long truncatedLines) {
    this(source, format, logLinePrefix, linesRead, unparsedLines, firstUnparsed, bytesRead,
        truncatedLines, null, null);
  }
}
