package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {

  private final io.pgdba.catalog.Table orders = TestCatalogs.orders(List.of());

  private final Map<String, Double> before = Map.of("a", 100.0, "b", 100.0, "c", 100.0);
  private final Map<String, Long> calls = Map.of("a", 10L, "b", 10L, "c", 1000L);

  /** Each candidate's cost per query when it is the only new index (absent: no effect). */
  private final Map<String, Map<String, Double>> standalone = new HashMap<>();
  private final Map<String, Long> sizes = new HashMap<>();
  private final Map<String, Double> overheads = new HashMap<>();

  private Candidate candidate(String name, long size, Map<String, Double> after,
      double overhead) {
    standalone.put(name, after);
    sizes.put(name, size);
    overheads.put(name, overhead);
    var def = IndexDefinition.btree("public", "orders", List.of(IndexKey.column(name)));
    return new Candidate(def, orders, "test", Set.of());
  }

  private static String name(Candidate c) {
    return c.definition().keys().get(0).text();
  }

  /** A configuration costs what its best member gives each query, as for one table read. */
  private double cost(AnalyzedQuery q, double today, List<Candidate> config) {
    double best = today;
    for (Candidate c : config) {
      best = Math.min(best, standalone.get(name(c)).getOrDefault(q.stats().fingerprint(),
          today));
    }
    return best;
  }

  private List<AnalyzedQuery> queries() {
    // Each query restricts every candidate's column: any candidate may serve it (the costing
    // says which does); WhatIf skips candidates whose column a query does not use.
    var predicates = standalone.keySet().stream().sorted().map(n -> new AnalyzedQuery.Predicate(
        n, null, AnalyzedQuery.Op.EQ, "1", n + " = 1")).toList();
    var access = new AnalyzedQuery.TableAccess(orders, "orders", predicates, List.of(), false,
        List.of(), null, false);
    return before.keySet().stream().sorted().map(fp -> new AnalyzedQuery(
        AdvisorScenario.query(fp, "SELECT 1", calls.get(fp)), "SELECT 1", List.of(access),
        null)).toList();
  }

  private Selection selection(AdvisorOptions options, WhatIf.Costing costing) {
    return new Selection(queries(), before, calls, options, new WhatIf(costing, before),
        c -> sizes.get(name(c)), c -> overheads.get(name(c)));
  }

  private Selection selection(double min, int perTable, long budget) {
    return selection(new AdvisorOptions(min, 1, perTable, budget, true), this::cost);
  }

  private static List<String> names(List<Selection.Pick> picks) {
    return picks.stream().map(p -> name(p.candidate())).toList();
  }

  @Test
  void oneIndexServingSeveralQueriesBeatsTwoNarrowOnes() {
    var wide = candidate("wide", 10, Map.of("a", 20.0, "b", 20.0), 0);
    var onlyA = candidate("only_a", 10, Map.of("a", 10.0), 0);
    var onlyB = candidate("only_b", 10, Map.of("b", 10.0), 0);
    var selection = selection(20, 0, 0);
    // The narrow ones halve what is left of a and b, but that is 0.1 % of the workload.
    assertThat(names(selection.select(List.of(onlyA, wide, onlyB)))).containsExactly("wide");
    assertThat(selection.rejections().get(onlyA).reason())
        .contains("an index already chosen serves its queries nearly as well");
  }

  @Test
  void aTableGetsAsManyIndexesAsPayUnlessTheUserCapsThem() {
    var forA = candidate("for_a", 10, Map.of("a", 1.0), 0);
    var forB = candidate("for_b", 10, Map.of("b", 1.0), 0);
    var forC = candidate("for_c", 10, Map.of("c", 1.0), 0);
    var wideC = candidate("wide_c", 10, Map.of("a", 20.0, "c", 50.0), 0);
    assertThat(names(selection(20, 0, 0).select(List.of(forA, forB, forC, wideC))))
        .containsExactly("for_c", "for_a", "for_b");
    var capped = selection(20, 1, 0);
    assertThat(names(capped.select(List.of(forA, forB, forC, wideC))))
        .containsExactly("for_c");
    assertThat(capped.rejections().get(forA).reason()).contains("maxIndexesPerTable");
  }

  @Test
  void callsWeighTheSavings() {
    var rare = candidate("rare", 10, Map.of("a", 1.0), 0);
    var frequent = candidate("frequent", 10, Map.of("c", 50.0), 0);
    assertThat(names(selection(20, 1, 0).select(List.of(rare, frequent))))
        .containsExactly("frequent");
  }

  @Test
  void minimumImprovementBudgetAndWriteOverheadAreRespected() {
    var small = candidate("small", 10, Map.of("c", 85.0), 0);
    var s = selection(20, 0, 0);
    assertThat(s.select(List.of(small))).isEmpty();
    assertThat(s.rejections().get(small).reason()).contains("saves only 15.0 %");
    var big = candidate("big", 1000, Map.of("c", 10.0), 0);
    assertThat(selection(20, 0, 999).select(List.of(big))).isEmpty();
    assertThat(selection(20, 0, 1000).select(List.of(big))).hasSize(1);
    // Saving 1000 calls x 90 = 90000 cost units; an overhead above that makes it a loss.
    var heavyWrites = candidate("heavy", 10, Map.of("c", 10.0), 90001);
    s = selection(20, 0, 0);
    assertThat(s.select(List.of(heavyWrites))).isEmpty();
    assertThat(s.rejections().get(heavyWrites).reason()).contains("write overhead");
    var lighter = candidate("lighter", 10, Map.of("c", 10.0), 89999);
    var picks = selection(20, 0, 0).select(List.of(lighter));
    assertThat(picks).hasSize(1);
    assertThat(picks.get(0).improvementPercent()).isEqualTo(90.0);
  }

  @Test
  void aSecondIndexThatOnlyPaysAfterTheFirstIsFound() {
    var first = candidate("first", 10, Map.of("c", 60.0), 0);
    var second = candidate("second", 10, Map.of(), 0);
    // Together they make c cost 5; "second" alone changes nothing (the join needs both).
    WhatIf.Costing together = (q, today, config) -> {
      var names = config.stream().map(SelectionTest::name).toList();
      if (q.stats().fingerprint().equals("c") && names.contains("first")
          && names.contains("second")) {
        return 5.0;
      }
      return cost(q, today, config);
    };
    var picks = selection(new AdvisorOptions(20, 1, 0, 0, true), together)
        .select(List.of(second, first));
    assertThat(names(picks)).containsExactly("first", "second");
    assertThat(picks.get(1).affected().get("c")).containsExactly(60.0, 5.0);
  }

  @Test
  void aCandidateIsNeverCostedForAQueryThatDoesNotUseItsLeadingColumn() {
    var costed = new java.util.ArrayList<String>();
    var useful = candidate("customer_id", 10, Map.of("a", 10.0), 0);
    var access = new AnalyzedQuery.TableAccess(orders, "orders", List.of(
        new AnalyzedQuery.Predicate("status", null, AnalyzedQuery.Op.EQ, "x", "status = 'x'")),
        List.of(), false, List.of(), null, false);
    var other = new AnalyzedQuery(AdvisorScenario.query("b", "SELECT 1", 10), "SELECT 1",
        List.of(access), null);
    var queries = new java.util.ArrayList<>(queries().subList(0, 1));
    queries.add(other);
    var selection = new Selection(queries, before, calls, new AdvisorOptions(20, 1, 0, 0, true),
        new WhatIf((q, today, config) -> {
          costed.add(q.stats().fingerprint());
          return cost(q, today, config);
        }, before), c -> 10L, c -> 0.0);
    assertThat(names(selection.select(List.of(useful)))).containsExactly("customer_id");
    assertThat(costed).containsOnly("a");
  }
  @Test
  void aQueryAtItsFloorIsNeverCostedAgainAndTheChoiceStaysTheSame() {
    var forA = candidate("for_a", 10, Map.of("a", 1.0), 0);
    var forB = candidate("for_b", 10, Map.of("b", 1.0), 0);
    var forC = candidate("for_c", 10, Map.of("c", 1.0), 0);
    var wideC = candidate("wide_c", 10, Map.of("a", 20.0, "c", 50.0), 0);
    var all = List.of(forA, forB, forC, wideC);
    var plain = new java.util.ArrayList<String>();
    var bounded = new java.util.ArrayList<String>();
    var withoutFloors = new Selection(queries(), before, calls, AdvisorOptions.defaults(),
        new WhatIf((q, today, config) -> {
          plain.add(q.stats().fingerprint() + configNames(config));
          return cost(q, today, config);
        }, before), c -> 10L, c -> 0.0);
    // "Best member" is monotone: every candidate at once gives each query its floor.
    var withFloors = new Selection(queries(), before, calls, AdvisorOptions.defaults(),
        new WhatIf((q, today, config) -> {
          bounded.add(q.stats().fingerprint() + configNames(config));
          return cost(q, today, config);
        }, before, (q, c) -> true), c -> 10L, c -> 0.0);
    var expected = names(withoutFloors.select(all));
    assertThat(names(withFloors.select(all))).isEqualTo(expected)
        .containsExactly("for_c", "for_a", "for_b");
    assertThat(withFloors.rejections().keySet()).isEqualTo(withoutFloors.rejections().keySet());
    // Once for_c is chosen, c is at its floor (1.0): wide_c is no longer costed for it.
    assertThat(plain).contains("c[for_c, wide_c]");
    assertThat(bounded).doesNotContain("c[for_c, wide_c]");
    assertThat(bounded.size()).isLessThan(plain.size());
  }

  private static List<String> configNames(List<Candidate> config) {
    return config.stream().map(SelectionTest::name).toList();
  }
}
