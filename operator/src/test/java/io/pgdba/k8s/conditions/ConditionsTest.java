package io.pgdba.k8s.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

  static final Clock T1 = Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
  static final Clock T2 = Clock.fixed(Instant.parse("2026-01-01T11:00:00Z"), ZoneOffset.UTC);

  @Test
  void lastTransitionTimeIsKeptUnlessTheStatusFlips() {
    var first = new Conditions(null, 1L, T1).set("Ready", true, "Ok", "fine").toList();
    assertThat(first).singleElement().satisfies(c -> {
      assertThat(c.lastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
      assertThat(c.observedGeneration()).isEqualTo(1L);
    });

    var same = new Conditions(first, 2L, T2).set("Ready", true, "StillOk", "fine").toList();
    assertThat(same.get(0).lastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(same.get(0).observedGeneration()).isEqualTo(2L);
    assertThat(same.get(0).reason()).isEqualTo("StillOk");

    var flipped = new Conditions(same, 2L, T2).set("Ready", false, "Broken", "no").toList();
    assertThat(flipped.get(0).lastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
  }

  @Test
  void conditionsNotEvaluatedAreDroppedUnlessKept() {
    var before = new Conditions(null, 1L, T1).set("A", true, "R", "m").set("B", false, "R", "m")
        .toList();
    var next = new Conditions(before, 2L, T2).keep("B").set("C", true, "R", "m").toList();
    assertThat(next).extracting(Condition::type).containsExactly("B", "C");
    assertThat(Conditions.find(next, "B")).hasValueSatisfying(
        c -> assertThat(c.lastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z"));
    assertThat(Conditions.find(List.of(), "A")).isEmpty();
  }

  @Test
  void longMessagesAreTruncated() {
    var c = new Conditions(null, 1L, T1).set("A", true, "R", "x".repeat(5000)).toList().get(0);
    assertThat(c.message()).hasSize(Conditions.MAX_MESSAGE).endsWith("...");
  }
}
