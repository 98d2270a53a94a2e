package io.pgdba.history;

/** One-line messages from driver and library exceptions. */
final class Messages {

  private Messages() {}

  static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
