package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The what-if costs of the selection, cached. Only the candidates on tables a query reads can
 * change its plan, so the cache key is the query and that part of the configuration: choosing an
 * index on one table leaves every cached cost of the queries that do not read it valid, and the
 * greedy rounds cost one EXPLAIN per query and configuration that really changed.
 */
final class WhatIf {

  /** The costing the cache stands in front of (an {@link Evaluator} in production). */
  @FunctionalInterface
  interface Costing {
    double cost(AnalyzedQuery query, double before, List<Candidate> config)
        throws ExplainException;
  }

  private final Costing costing;
  private final Map<String, Double> before;
  private final Map<String, Double> cache = new HashMap<>();
  private int misses;
  private int hits;

  WhatIf(Costing costing, Map<String, Double> before) {
    this.costing = costing;
    this.before = before;
  }

  /** The query's cost with {@code config} added to the existing indexes. */
  double cost(AnalyzedQuery query, List<Candidate> config) throws ExplainException {
    String fp = query.stats().fingerprint();
    var tables = new HashSet<Table>();
    query.accesses().forEach(a -> tables.add(a.table()));
    var relevant = new ArrayList<Candidate>();
    var key = new TreeSet<String>();
    for (Candidate c : config) {
      if (tables.contains(c.table())) {
        relevant.add(c);
        key.add(c.definitions().toString());
      }
    }
    double today = before.get(fp);
    if (relevant.isEmpty()) {
      return today;
    }
    String k = fp + '\u0000' + String.join("\u0000", key);
    Double cached = cache.get(k);
    if (cached != null) {
      hits++;
      return cached;
    }
    misses++;
    double cost = costing.cost(query, today, relevant);
    cache.put(k, cost);
    return cost;
  }

  /** Configurations actually costed (EXPLAINs with HypoPG, model evaluations otherwise). */
  int misses() {
    return misses;
  }

  int hits() {
    return hits;
  }
}
