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
 * @param truncatedLines lines longer than 1 MB whose tail was skipped (the head is still read)
 */
public record LogReadResult(
    String source,
    LogFormat format,
    String logLinePrefix,
    long linesRead,
    long unparsedLines,
    String firstUnparsed,
    long bytesRead,
    long truncatedLines) {}
