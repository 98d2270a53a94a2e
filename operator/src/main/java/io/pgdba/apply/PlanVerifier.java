package io.pgdba.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.SafeExplain;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * After a build, EXPLAINs the affected queries (through {@link SafeExplain}, in a read-only
 * transaction, without ANALYZE, so nothing runs) to see whether the planner now uses the index:
 * the observed effect of an apply.
 */
public final class PlanVerifier {

  /** An affected query to check: an executable example and its planner cost before the index. */
  public record QueryExample(String fingerprint, String sql, Double costBefore) {}

  /** One query's plan after the build. */
  public record QueryCheck(
      String fingerprint, boolean usesIndex, Double costBefore, Double costAfter, String error) {}

  /** All checks and the index's real size. */
  public record Verification(List<QueryCheck> checks, long indexSizeBytes) {

    public int usingIndex() {
      return (int) checks.stream().filter(QueryCheck::usesIndex).count();
    }

    /** Planner cost saved over the checked queries that had a cost before, percent; or null. */
    public Double costImprovementPercent() {
      double before = 0;
      double after = 0;
      for (var c : checks) {
        if (c.costBefore() != null && c.costAfter() != null && c.error() == null) {
          before += c.costBefore();
          after += c.costAfter();
        }
      }
      return before <= 0 ? null : Math.round(1000 * (before - after) / before) / 10.0;
    }
  }

  public Verification verify(
      ConnectionSettings settings, String schema, String indexName, List<QueryExample> examples)
      throws SQLException {
    try (var c = TargetConnections.open(settings, IndexApplier.APPLICATION_NAME)) {
      var catalog = new IndexCatalog(c);
      long size = catalog.sizeBytes(schema, indexName);
      var names = java.util.Set.of(indexName);
      if (catalog.partitioned(schema, indexName)) {
        // A partitioned table's plan reads the partitions' indexes attached to this one.
        var parts = catalog.partitionIndexes(schema, indexName);
        names = parts.keySet();
        size = parts.values().stream().mapToLong(Long::longValue).sum();
      }
      c.setAutoCommit(false);
      c.setReadOnly(true);
      var checks = new ArrayList<QueryCheck>();
      for (var q : examples) {
        checks.add(check(c, q, names));
      }
      return new Verification(checks, size);
    }
  }

  private static QueryCheck check(java.sql.Connection c, QueryExample q,
      java.util.Set<String> indexNames)
      throws SQLException {
    try {
      // The example came from a log: SafeExplain decides what reaches the server.
      JsonNode plan = new SafeExplain(c).plan(q.sql());
      return new QueryCheck(
          q.fingerprint(), usesIndex(plan, indexNames), q.costBefore(),
          plan.path("Total Cost").asDouble(), null);
    } catch (SafeExplain.Refused e) {
      return new QueryCheck(q.fingerprint(), false, q.costBefore(), null, e.getMessage());
    } finally {
      c.rollback();
    }
  }

  static boolean usesIndex(JsonNode plan, String indexName) {
    return usesIndex(plan, java.util.Set.of(indexName));
  }

  static boolean usesIndex(JsonNode plan, java.util.Set<String> indexNames) {
    if (indexNames.contains(plan.path("Index Name").asText(""))) {
      return true;
    }
    for (var child : plan.path("Plans")) {
      if (usesIndex(child, indexNames)) {
        return true;
      }
    }
    return false;
  }
}
