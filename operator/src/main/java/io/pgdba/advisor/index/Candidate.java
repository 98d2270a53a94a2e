package io.pgdba.advisor.index;

import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDefinition;
import java.util.List;
import java.util.Set;

/**
 * A possible new index and the queries it was derived from.
 *
 * @param purpose what it is for in a few words (shown in the recommendation's reason)
 * @param fingerprints the queries whose predicates suggested it
 * @param companions indexes that only pay off together with this one and are proposed with it
 *     (the arms of an OR that a BitmapOr combines), empty for a lone index
 */
record Candidate(
    IndexDefinition definition, Table table, String purpose, Set<String> fingerprints,
    List<IndexDefinition> companions) {

  Candidate(IndexDefinition definition, Table table, String purpose, Set<String> fingerprints) {
    this(definition, table, purpose, fingerprints, List.of());
  }

  Candidate {
    companions = companions == null ? List.of() : List.copyOf(companions);
  }

  /** This index and its companions. */
  List<IndexDefinition> definitions() {
    var all = new java.util.ArrayList<IndexDefinition>();
    all.add(definition);
    all.addAll(companions);
    return all;
  }

  /**
   * True when HypoPG cannot model it: a GIN index or a group of indexes. An index on a
   * partitioned parent it models (HypoPG 1.1.4, the first release for PostgreSQL 13, added
   * hypothetical indexes on partitioned tables): the planner sees it on every partition and
   * prunes partitions itself, so HypoPG's costs are those of the partitions a query keeps.
   */
  boolean needsModel() {
    return !companions.isEmpty() || !"btree".equals(definition.method());
  }
}
