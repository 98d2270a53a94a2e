package io.pgdba.apply;

import java.time.Instant;
import java.util.List;

/**
 * What a {@code CREATE INDEX CONCURRENTLY} is waiting for right now, as another session sees it in
 * {@code pg_locks}: the table's lock (someone holds a conflicting lock: another build, a VACUUM,
 * an open DDL), or older transactions to end (the build waits for every transaction that could
 * still see the table without the index; that blocks nobody and is not an error).
 *
 * @param kind what is waited for
 * @param blockingPids the sessions waited on ({@code pg_blocking_pids}), smallest first
 * @param since when this wait was first seen
 * @param oldestTransactionStart the oldest {@code xact_start} among them, null if unknown
 */
public record BuildWait(
    Kind kind, List<Integer> blockingPids, Instant since, Instant oldestTransactionStart) {

  /** The two waits a concurrent build knows. */
  public enum Kind {
    /** The table's SHARE UPDATE EXCLUSIVE lock is not granted yet: bounded by lock_timeout. */
    TABLE_LOCK,
    /** Older transactions must end first: bounded by the longer build timeout. */
    OLDER_TRANSACTIONS
  }

  public BuildWait {
    blockingPids = List.copyOf(blockingPids);
  }

  /** Same wait on the same sessions: no news for a status. */
  boolean sameAs(BuildWait o) {
    return o != null && kind == o.kind && blockingPids.equals(o.blockingPids);
  }
}
