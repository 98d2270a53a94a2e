package io.pgdba.log;

/** Counts the lines that belong to no record and remembers the first one, for the user. */
final class ParseStats {
  private final String source;
  private long unparsed;
  // the first one's line and reason, put together only when asked: a range read apart numbers
  // its lines from its own start, and its first unparsed line is moved to the file's numbering
  // when the range is added ({@link #add})
  private boolean hasFirst;
  private long firstLine;
  private String firstReason;

  ParseStats(String source) {
    this.source = source;
  }

  void unparsed(long line, String reason) {
    unparsed++;
    if (!hasFirst) {
      hasFirst = true;
      firstLine = line;
      firstReason = reason;
    }
  }

  /** Adds the counts of a later part of the same source (a range read apart). */
  void add(ParseStats later) {
    add(later, 0);
  }

  /**
   * Adds the counts of a later part of the same source whose lines were numbered from {@code
   * lineBase} (its line 1 being the file's {@code lineBase + 1}).
   */
  void add(ParseStats later, long lineBase) {
    unparsed += later.unparsed;
    if (!hasFirst && later.hasFirst) {
      hasFirst = true;
      firstLine = later.firstLine + lineBase;
      firstReason = later.firstReason;
    }
  }

  long unparsed() {
    return unparsed;
  }

  String firstUnparsed() {
    return hasFirst ? source + ":" + firstLine + ": " + firstReason : null;
  }
}
