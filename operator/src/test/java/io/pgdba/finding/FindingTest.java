package io.pgdba.finding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingTest {

  static Finding finding(Category c, String kind, Severity s, String object) {
    return Finding.of(c, kind, s, object, "title of " + kind, Map.of("rows", 10L), "do it");
  }

  @Test
  void kindMustNameItsCategory() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> finding(Category.TABLE, "query.select-star", Severity.INFO, "abc"));
    assertEquals("kind query.select-star must start with its category table.", e.getMessage());
  }

  @Test
  void evidenceKeepsTheAdvisorsOrderAndCannotChange() {
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("zeta", 1L);
    evidence.put("alpha", 2L);
    var f = Finding.of(Category.TABLE, "table.bloat", Severity.WARNING, "public.t", "bloated",
        evidence, "VACUUM");
    evidence.put("later", 3L);
    assertEquals(List.of("zeta", "alpha"), List.copyOf(f.evidence().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> f.evidence().put("x", 1));
  }

  @Test
  void reportOrderIsMostSevereFirstThenStable() {
    var a = finding(Category.QUERY, "query.or", Severity.INFO, "q1");
    var b = finding(Category.TABLE, "table.bloat", Severity.CRITICAL, "public.b");
    var c = finding(Category.TABLE, "table.bloat", Severity.CRITICAL, "public.a");
    var d = finding(Category.CONFIG, "config.work_mem", Severity.WARNING, "work_mem");
    assertEquals(List.of(c, b, d, a), Findings.sorted(List.of(a, b, c, d)));
  }

  @Test
  void countsHaveEveryCategoryAndSeverity() {
    var counts = Findings.counts(List.of(
        finding(Category.TABLE, "table.bloat", Severity.CRITICAL, "public.b"),
        finding(Category.TABLE, "table.no-pk", Severity.CRITICAL, "public.c")));
    assertEquals(2L, counts.get(Category.TABLE).get(Severity.CRITICAL));
    assertEquals(0L, counts.get(Category.CONFIG).get(Severity.INFO));
    assertEquals(Category.values().length, counts.size());
  }
}
