package io.pgdba.log;

/** Counts the lines that belong to no record and remembers the first one, for the user. */
final class ParseStats {
  private final String source;
  private long unparsed;
  private String firstUnparsed;

  ParseStats(String source) {
    this.source = source;
  }

  void unparsed(long line, String reason) {
    unparsed++;
    if (firstUnparsed == null) {
      firstUnparsed = source + ":" + line + ": " + reason;
    }
  }

  /** Adds the counts of a later part of the same source (a range read apart). */
  void add(ParseStats later) {
    unparsed += later.unparsed;
    if (firstUnparsed == null) {
      firstUnparsed = later.firstUnparsed;
    }
  }

  long unparsed() {
    return unparsed;
  }

  String firstUnparsed() {
    return firstUnparsed;
  }
}
