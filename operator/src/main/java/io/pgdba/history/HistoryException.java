package io.pgdba.history;

/** The history store cannot be used; the message is one line, without any password. */
public final class HistoryException extends Exception {

  public HistoryException(String message) {
    super(message, null, false, false);
  }
}
