package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {

  private final io.pgdba.catalog.Table orders = TestCatalogs.orders(List.of());

  private Selection.Evaluated evaluated(String name, long size, Map<String, Double> after,
      double overhead) {
    var def = IndexDefinition.btree("public", "orders", List.of(IndexKey.column(name)));
    return new Selection.Evaluated(new Candidate(def, orders, "test", Set.of()), name, size,
        after, overhead);
  }

  private final Map<String, Double> before = Map.of("a", 100.0, "b", 100.0, "c", 100.0);
  private final Map<String, Long> calls = Map.of("a", 10L, "b", 10L, "c", 1000L);

  @Test
  void oneIndexServingSeveralQueriesBeatsTwoNarrowOnes() {
    var wide = evaluated("wide", 10, Map.of("a", 20.0, "b", 20.0), 0);
    var onlyA = evaluated("only_a", 10, Map.of("a", 10.0), 0);
    var onlyB = evaluated("only_b", 10, Map.of("b", 10.0), 0);
    var chosen = new Selection(before, calls, 20, 3, 0).select(List.of(onlyA, wide, onlyB));
    // The narrow ones halve what is left of a and b, but that is 0.1 % of the workload.
    assertThat(chosen).extracting(Selection.Evaluated::name).containsExactly("wide");
  }

  @Test
  void largestNetGainFirstAndThePerTableLimitHolds() {
    var wide = evaluated("wide", 10, Map.of("a", 20.0, "c", 50.0), 0);
    var sharp = evaluated("sharp", 10, Map.of("c", 1.0), 0);
    var chosen = new Selection(before, calls, 20, 3, 0).select(List.of(sharp, wide));
    assertThat(chosen).extracting(Selection.Evaluated::name).containsExactly("sharp", "wide");
    var perTable = new Selection(before, calls, 20, 1, 0).select(List.of(sharp, wide));
    assertThat(perTable).extracting(Selection.Evaluated::name).containsExactly("sharp");
  }

  @Test
  void callsWeighTheSavings() {
    var rare = evaluated("rare", 10, Map.of("a", 1.0), 0);
    var frequent = evaluated("frequent", 10, Map.of("c", 50.0), 0);
    var chosen = new Selection(before, calls, 20, 1, 0).select(List.of(rare, frequent));
    assertThat(chosen).extracting(Selection.Evaluated::name).containsExactly("frequent");
  }

  @Test
  void minimumImprovementBudgetAndWriteOverheadAreRespected() {
    var small = evaluated("small", 10, Map.of("c", 85.0), 0);
    assertThat(new Selection(before, calls, 20, 3, 0).select(List.of(small))).isEmpty();
    var big = evaluated("big", 1000, Map.of("c", 10.0), 0);
    assertThat(new Selection(before, calls, 20, 3, 999).select(List.of(big))).isEmpty();
    assertThat(new Selection(before, calls, 20, 3, 1000).select(List.of(big))).hasSize(1);
    // Saving 1000 calls x 90 = 90000 cost units; an overhead above that makes it a loss.
    var heavyWrites = evaluated("heavy", 10, Map.of("c", 10.0), 90001);
    assertThat(new Selection(before, calls, 20, 3, 0).select(List.of(heavyWrites))).isEmpty();
    assertThat(new Selection(before, calls, 20, 3, 0)
        .improvementPercent(heavyWrites)).isEqualTo(90.0);
  }
}
