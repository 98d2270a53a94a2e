package io.pgdba.apply;

/** What the target's catalog says about an index, read before and after every DDL. */
public enum IndexState {
  /** No relation of that name. */
  ABSENT,
  /** Built and usable ({@code pg_index.indisvalid}). */
  VALID,
  /** Left invalid by a failed or interrupted {@code CREATE INDEX CONCURRENTLY}. */
  INVALID,
  /** Invalid because another session is building it right now. */
  BUILDING
}
