package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Recommendation.EstimateMethod;
import io.pgdba.advisor.index.Recommendation.Kind;
import io.pgdba.catalog.Catalog;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDdl;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Advice on existing indexes: duplicates, redundant prefixes and unused ones. Never touches an
 * index that backs a constraint or enforces uniqueness (dropping it changes what the database
 * accepts), nor an invalid one (it may be a CREATE INDEX CONCURRENTLY still building).
 */
final class DropAdvisor {

  /**
   * Statistics younger than this cannot call an index unused: a weekly report or a month-end job
   * may be its only user.
   */
  static final Duration MIN_STATS_AGE = Duration.ofDays(7);

  private final Catalog catalog;
  private final Instant now;

  DropAdvisor(Catalog catalog, Instant now) {
    this.catalog = catalog;
    this.now = now;
  }

  List<Recommendation> advise() {
    var out = new ArrayList<Recommendation>();
    for (Table table : catalog.tables()) {
      var indexes = table.indexes().stream()
          .sorted(Comparator.comparing(Index::name)).toList();
      for (Index index : indexes) {
        if (!droppable(index)) {
          continue;
        }
        String reason = null;
        for (Index other : indexes) {
          if (other == index || !other.valid()) {
            continue;
          }
          if (ExistingIndexes.equivalent(index, other) && keeps(other, index)) {
            reason = "duplicate of " + other.name() + " (same method, keys and predicate)";
            break;
          }
          if (index.keys().size() < other.keys().size()
              && ExistingIndexes.isPrefix(index, other)
              && index.method().equals(other.method())
              && java.util.Objects.equals(ExistingIndexes.normalize(index.predicate()),
                  ExistingIndexes.normalize(other.predicate()))
              && index.includeColumns().isEmpty()) {
            reason = "redundant: its keys are a leading prefix of " + other.name()
                + " (same method and predicate), which serves the same lookups";
            break;
          }
        }
        if (reason == null && index.scans() == 0) {
          reason = unusedReason();
        }
        if (reason != null) {
          out.add(drop(table, index, reason));
        }
      }
    }
    return out;
  }

  /** Which of two equivalent indexes to keep: the constraint's, else the more used, else name. */
  private static boolean keeps(Index kept, Index dropped) {
    if (!droppable(kept)) {
      return true;
    }
    if (kept.scans() != dropped.scans()) {
      return kept.scans() > dropped.scans();
    }
    return kept.name().compareTo(dropped.name()) < 0;
  }

  private static boolean droppable(Index index) {
    return index.valid() && index.constraintName() == null && !index.primary()
        && !index.unique();
  }

  private String unusedReason() {
    Instant reset = catalog.statsReset();
    if (reset == null) {
      return null; // no way to tell for how long it has been unused
    }
    Duration age = Duration.between(reset, now);
    if (age.compareTo(MIN_STATS_AGE) < 0) {
      return null;
    }
    return "unused: no index scan in the " + age.toDays() + " days since the statistics were"
        + " reset (" + reset + "); check replicas first, their scans are not counted here";
  }

  private Recommendation drop(Table table, Index index, String reason) {
    String guidance = "DROP INDEX CONCURRENTLY does not block reads or writes but waits for the"
        + " transactions using the table; it cannot run inside a transaction block. Dropping"
        + " frees " + index.sizeBytes() + " bytes and the index's work on every write. The"
        + " rollback re-creates it exactly (CONCURRENTLY, build time like a new index).";
    return new Recommendation(Kind.DropIndex, table.schema(), table.name(), index.name(),
        index.keys(), index.includeColumns(), index.method(), index.predicate(),
        IndexDdl.drop(index.schema(), index.name()), IndexDdl.recreate(index.definition()),
        index.sizeBytes(), 0, EstimateMethod.catalog, List.of(),
        "none: dropping removes the upkeep of this index on every write", reason, guidance);
  }
}
