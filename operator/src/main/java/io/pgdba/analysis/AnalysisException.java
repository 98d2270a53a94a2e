package io.pgdba.analysis;

/**
 * An analysis could not run: an unreadable log source or an unreachable target. The message is one
 * line a user can act on (it names the file or the host, never a password).
 */
public class AnalysisException extends Exception {

  /** What went wrong, for conditions and exit codes. */
  public enum Reason {
    LOG_UNREADABLE,
    TARGET_UNREACHABLE,
    AUTHENTICATION_FAILED,
    DATABASE_MISSING,
    PRIVILEGE_MISSING,
    TIMEOUT,
    INVALID_INPUT
  }

  private final Reason reason;

  public AnalysisException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
