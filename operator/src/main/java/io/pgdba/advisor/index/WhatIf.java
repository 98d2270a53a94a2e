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
  private final java.util.function.BiPredicate<AnalyzedQuery, Candidate> monotone;
  private final Map<String, Double> before;
  private final Map<AnalyzedQuery, Double> floors = new IdentityHashMap<>();
  private final Map<String, Double> cache = new HashMap<>();
  private final Map<AnalyzedQuery, Map<Table, Set<String>>> columns = new IdentityHashMap<>();
  private final Map<Candidate, Set<String>> named = new IdentityHashMap<>();
  private final Map<Candidate, String> keys = new IdentityHashMap<>();
  private int misses;
  private int hits;

  WhatIf(Costing costing, Map<String, Double> before) {
    this(costing, before, (q, c) -> false);
  }

  /**
   * @param monotone true when adding the candidate to a configuration can never raise the
   *     query's cost (the planner keeps the cheapest path, and one more index only adds paths):
   *     then the cost with every such candidate at once is a floor for all their subsets
   */
  WhatIf(Costing costing, Map<String, Double> before,
      java.util.function.BiPredicate<AnalyzedQuery, Candidate> monotone) {
    this.costing = costing;
    this.before = before;
    this.monotone = monotone;
  }

  /**
   * Costs each query once with all the monotone candidates on the tables it reads (Dexter's
   * first pass: every hypothetical index at once, one EXPLAIN). That cost is the least any
   * configuration of them can reach, so a query already there is never costed again (see {@link
   * #atFloor}). Queries are taken table by table so that HypoPG keeps the same hypothetical
   * indexes from one to the next.
   */
  void floors(List<AnalyzedQuery> queries, List<Candidate> candidates) {
    // A query no candidate is relevant to is never costed, and needs no floor.
    var configs = new IdentityHashMap<AnalyzedQuery, List<Candidate>>();
    var byTables = new java.util.TreeMap<String, List<AnalyzedQuery>>();
    for (AnalyzedQuery q : queries) {
      var tables = new HashSet<Table>();
      var names = new TreeSet<String>();
      q.accesses().forEach(a -> {
        tables.add(a.table());
        names.add(a.table().schema() + '.' + a.table().name());
      });
      var config = candidates.stream()
          .filter(c -> tables.contains(c.table()) && monotone.test(q, c)).toList();
      if (config.stream().anyMatch(c -> relevant(q, c))) {
        configs.put(q, config);
        byTables.computeIfAbsent(String.join(",", names), k -> new ArrayList<>()).add(q);
      }
    }
    Set<AnalyzedQuery> failed =
        java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (AnalyzedQuery q : queries) {
      if (!configs.containsKey(q)) {
        continue;
      }
      try {
        // HypoPG's baseline (twins of the existing indexes alone) first, for every query, so
        // that the candidates are then created once per table, not once per query.
        costing.cost(q, before.get(q.stats().fingerprint()), List.of());
      } catch (ExplainException | RuntimeException e) {
        failed.add(q);
      }
    }
    for (var group : byTables.values()) {
      for (AnalyzedQuery q : group) {
        if (failed.contains(q)) {
          continue;
        }
        double today = before.get(q.stats().fingerprint());
        misses++;
        try {
          floors.put(q, Math.min(today, costing.cost(q, today, configs.get(q))));
        } catch (ExplainException | RuntimeException e) {
          // no floor: the query is costed as before
        }
      }
    }
  }

  /**
   * Share of a query's cost it may still be above its floor and count as there. HypoPG's floor
   * plan takes the best of every candidate (often a wider one than chosen, or two ANDed) and is
   * rarely matched to the cent; what a query can still gain within this share is inside the
   * planner's own fuzz (it keeps one of two paths within 1 % of each other) and far below the
   * saving any recommendation needs ({@link AdvisorOptions#minImprovementPercent}).
   */
  static final double FLOOR_TOLERANCE = 0.02;

  /**
   * True when the query already costs {@code now} (its cost with the indexes chosen so far) and
   * no configuration of monotone candidates can go (materially) lower: adding {@code config}'s
   * newcomer cannot change its cost, so it is not costed. Never true when a relevant member of
   * the configuration is not monotone (a group costed by the model instead).
   */
  boolean atFloor(AnalyzedQuery query, List<Candidate> config, double now) {
    Double floor = floors.get(query);
    if (floor == null || now - floor > FLOOR_TOLERANCE * now) {
      return false;
    }
    for (Candidate c : config) {
      if (relevant(query, c) && !monotone.test(query, c)) {
        return false;
      }
    }
    return true;
  }

  /** The part of {@code config} that can change the query's plan, as a sortable key. */
  String relevantKey(AnalyzedQuery query, List<Candidate> config) {
    var key = new TreeSet<String>();
    for (Candidate c : config) {
      if (relevant(query, c)) {
        key.add(keys.computeIfAbsent(c, x -> x.definitions().toString()));
      }
    }
    return String.join("\u0000", key);
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
