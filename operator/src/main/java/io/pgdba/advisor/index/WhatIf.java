package io.pgdba.advisor.index;

import io.pgdba.advisor.index.Explainer.ExplainException;
import io.pgdba.catalog.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The what-if costs of the selection, cached. A candidate can change a query's plan only when it
 * is on a table the query reads and its leading key (or its partial-index predicate) names a
 * column the query restricts, joins, groups or sorts on there: so the cache key is the query and
 * that relevant part of the configuration. Choosing an index leaves every cached cost of the
 * queries it cannot serve valid, the selection skips the queries a candidate cannot serve, and
 * the greedy rounds cost one EXPLAIN per query and configuration that really changed.
 */
final class WhatIf {

  /** The costing the cache stands in front of (an {@link Evaluator} in production). */
  @FunctionalInterface
  interface Costing {
    double cost(AnalyzedQuery query, double before, List<Candidate> config)
        throws ExplainException;
  }

  private static final Pattern IDENTIFIER =
      Pattern.compile("\"((?:[^\"]|\"\")*)\"|[A-Za-z_][A-Za-z0-9_$]*");

  private final Costing costing;
  private final Map<String, Double> before;
  private final Map<String, Double> cache = new HashMap<>();
  private final Map<AnalyzedQuery, Map<Table, Set<String>>> columns = new IdentityHashMap<>();
  private final Map<Candidate, Set<String>> named = new IdentityHashMap<>();
  private final Map<Candidate, String> keys = new IdentityHashMap<>();
  private int misses;
  private int hits;

  WhatIf(Costing costing, Map<String, Double> before) {
    this.costing = costing;
    this.before = before;
  }

  /** The query's cost with {@code config} added to the existing indexes. */
  double cost(AnalyzedQuery query, List<Candidate> config) throws ExplainException {
    String fp = query.stats().fingerprint();
    var relevant = new ArrayList<Candidate>();
    var key = new TreeSet<String>();
    for (Candidate c : config) {
      if (relevant(query, c)) {
        relevant.add(c);
        key.add(keys.computeIfAbsent(c, x -> x.definitions().toString()));
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

  /**
   * True when the candidate can change the query's plan: on a table the query reads, with a
   * leading key or partial predicate that names a column the query uses on that table. (An index
   * whose leading column the query does not use could only serve a full index scan, which the
   * planner prefers to a sequential scan only in rare index-only cases no candidate is made for.)
   */
  boolean relevant(AnalyzedQuery query, Candidate c) {
    Set<String> used = columns.computeIfAbsent(query, WhatIf::columnsByTable)
        .get(c.table());
    if (used == null || used.isEmpty()) {
      return false;
    }
    for (String name : named.computeIfAbsent(c, WhatIf::leadingNames)) {
      if (used.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static Map<Table, Set<String>> columnsByTable(AnalyzedQuery q) {
    var out = new HashMap<Table, Set<String>>();
    for (var a : q.accesses()) {
      var set = out.computeIfAbsent(a.table(), t -> new HashSet<>());
      // An OR's column is its first arm's: every arm's counts (team = 3 OR assignee = 42).
      a.predicates().forEach(p -> addColumns(p, set));
      set.addAll(a.orderBy());
      set.addAll(a.groupBy());
    }
    return out;
  }

  /** The predicate's column and those of its arms, and of an arm's conjuncts. */
  private static void addColumns(AnalyzedQuery.Predicate p, Set<String> out) {
    out.add(p.column());
    p.arms().forEach(arm -> addColumns(arm, out));
  }

  /**
   * The column names in the leading keys and partial predicates of the candidate and its
   * companions: a group for an OR also serves the plain equality on each of its arms.
   */
  private static Set<String> leadingNames(Candidate c) {
    var out = new HashSet<String>();
    for (var def : c.definitions()) {
      if (!def.keys().isEmpty()) {
        var lead = def.keys().get(0);
        if (lead.expression()) {
          identifiers(lead.text(), out);
        } else {
          out.add(lead.text());
        }
      }
      if (def.where() != null) {
        identifiers(def.where(), out);
      }
    }
    return out;
  }

  private static void identifiers(String sql, Set<String> out) {
    Matcher m = IDENTIFIER.matcher(sql.replaceAll("'(?:[^']|'')*'", "''"));
    while (m.find()) {
      out.add(m.group(1) != null ? m.group(1).replace("\"\"", "\"")
          : m.group().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Configurations actually costed (EXPLAINs with HypoPG, model evaluations otherwise). */
  int misses() {
    return misses;
  }

  int hits() {
    return hits;
  }
}
