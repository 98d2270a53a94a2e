package io.pgdba.advisor.index;

import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDefinition;
import java.util.Set;

/**
 * A possible new index and the queries it was derived from.
 *
 * @param purpose what it is for in a few words (shown in the recommendation's reason)
 * @param fingerprints the queries whose predicates suggested it
 */
record Candidate(IndexDefinition definition, Table table, String purpose, Set<String> fingerprints) {}
