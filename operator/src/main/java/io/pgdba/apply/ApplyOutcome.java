package io.pgdba.apply;

/**
 * What one apply or rollback did.
 *
 * @param message one line for a condition: the server's error (never a password) or what was done
 * @param sqlState the SQLSTATE of the failure, null otherwise
 * @param invalidIndexDropped a failed build left an invalid index, and it was dropped
 * @param lastWait what the build last waited for, null if it never waited
 */
public record ApplyOutcome(
    Result result, String qualifiedIndexName, String message, String sqlState,
    boolean invalidIndexDropped, BuildWait lastWait) {

  public ApplyOutcome(Result result, String qualifiedIndexName, String message, String sqlState,
      boolean invalidIndexDropped) {
    this(result, qualifiedIndexName, message, sqlState, invalidIndexDropped, null);
  }

  /** The kinds of outcome. */
  public enum Result {
    /** The index was built now and is valid. */
    BUILT,
    /** A valid index of that name was already there: nothing was built twice. */
    ALREADY_PRESENT,
    /** Another session is building it; look again later. */
    IN_PROGRESS_ELSEWHERE,
    /** The index was dropped now. */
    DROPPED,
    /** There was no index of that name to drop. */
    ALREADY_ABSENT,
    /** The DDL failed; nothing invalid was left behind. */
    FAILED,
    /** The build failed and its invalid index could not be dropped yet (a lock): retry later. */
    FAILED_INVALID_LEFT,
    /**
     * The table's lock was not granted within the lock timeout (another build, a VACUUM, open
     * DDL): nothing was built and nothing is left behind; worth retrying a little later.
     */
    LOCK_NOT_AVAILABLE
  }

  public boolean succeeded() {
    return result == Result.BUILT
        || result == Result.ALREADY_PRESENT
        || result == Result.DROPPED
        || result == Result.ALREADY_ABSENT;
  }
}
