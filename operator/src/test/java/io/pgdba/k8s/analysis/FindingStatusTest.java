package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.k8s.analysis.PgAnalysisStatus.FindingCount;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The findings part of the status and which critical findings are new. */
class FindingStatusTest {

  private static Finding f(Category c, String kind, Severity s, String object) {
    return Finding.of(c, kind, s, object, "title of " + object, Map.of(), "advice");
  }

  @Test
  void countsBySeverityAndCategoryTopFirstAndCriticalKeys() {
    var findings = List.of(
        f(Category.CONFIG, "config.work_mem", Severity.INFO, "work_mem"),
        f(Category.TABLE, "table.bloat", Severity.WARNING, "public.a"),
        f(Category.TABLE, "table.int4-overflow", Severity.CRITICAL, "public.b.id"),
        f(Category.QUERY, "query.not-in", Severity.CRITICAL, "abc"));
    var s = FindingStatus.of(findings);
    assertThat(s.total()).isEqualTo(4);
    assertThat(s.counts()).containsExactly(new FindingCount("table", "warning", 1),
        new FindingCount("table", "critical", 1), new FindingCount("query", "critical", 1),
        new FindingCount("config", "info", 1));
    assertThat(s.top()).extracting(t -> t.kind()).containsExactly("table.int4-overflow",
        "query.not-in", "table.bloat", "config.work_mem");
    assertThat(s.critical()).containsExactly("table.int4-overflow public.b.id", "query.not-in abc");
  }

  @Test
  void onlyCriticalFindingsMissingFromThePreviousStatusAreNew() {
    var before = FindingStatus.of(List.of(
        f(Category.TABLE, "table.int4-overflow", Severity.CRITICAL, "public.b.id")));
    var now = List.of(
        f(Category.TABLE, "table.int4-overflow", Severity.CRITICAL, "public.b.id"),
        f(Category.TABLE, "table.sequence-overflow", Severity.CRITICAL, "public.s"),
        f(Category.TABLE, "table.bloat", Severity.WARNING, "public.a"));
    assertThat(FindingStatus.newCritical(before, now)).extracting(Finding::object)
        .containsExactly("public.s");
    assertThat(FindingStatus.newCritical(null, now)).hasSize(2);
    assertThat(FindingStatus.newCritical(FindingStatus.of(now), now)).isEmpty();
  }
}
