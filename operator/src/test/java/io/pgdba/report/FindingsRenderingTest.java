package io.pgdba.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Text and JSON render any finding the same way, whichever advisor made it. */
class FindingsRenderingTest {

  private static AnalysisReport withFindings() {
    var base = ReportFixtures.report();
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("deadTuples", 1_200_000L);
    evidence.put("bloatPercent", 41.23456);
    evidence.put("measuredWith", "pgstattuple_approx");
    var bloat = new Finding(Category.TABLE, "table.bloat", Severity.WARNING, "public.orders",
        "41 % of public.orders is dead space", evidence, "VACUUM (VERBOSE) public.orders",
        "VACUUM public.orders", null);
    var config = Finding.of(Category.CONFIG, "config.work_mem", Severity.CRITICAL, "work_mem",
        "37 queries spill to disk", null, "set work_mem = '64MB'");
    return new AnalysisReport(base.sources(), base.workload(), null, base.warnings(),
        List.of(bloat, config));
  }

  @Test
  void jsonListsFindingsMostSevereFirstWithTypedEvidence() throws Exception {
    var tree = JsonReport.toTree(withFindings(), ReportOptions.defaults());
    var findings = tree.get("findings");
    assertEquals(2, findings.size());
    assertEquals("critical", findings.get(0).get("severity").asText());
    assertEquals("config", findings.get(0).get("category").asText());
    var bloat = findings.get(1);
    assertEquals("table.bloat", bloat.get("kind").asText());
    assertEquals("public.orders", bloat.get("object").asText());
    assertTrue(bloat.get("evidence").get("deadTuples").isIntegralNumber());
    assertEquals(41.235, bloat.get("evidence").get("bloatPercent").asDouble());
    assertEquals("VACUUM public.orders", bloat.get("sql").asText());
    assertTrue(bloat.get("rollbackSql").isNull());
  }

  @Test
  void jsonHasAnEmptyFindingsArrayWithoutFindings() {
    var tree = JsonReport.toTree(ReportFixtures.report(), ReportOptions.defaults());
    assertTrue(tree.get("findings").isArray());
    assertEquals(0, tree.get("findings").size());
  }

  @Test
  void textListsFindingsBySeverityWithEvidenceAndAdvice() {
    var text = TextReport.render(withFindings(), ReportOptions.defaults());
    assertTrue(text.contains("\nFindings: 2 (1 critical, 1 warning, 0 info)\n"), text);
    int critical = text.indexOf("1. [critical] config.work_mem on work_mem: 37 queries spill");
    int warning = text.indexOf("2. [warning] table.bloat on public.orders: 41 % of public.orders");
    assertTrue(critical > 0 && warning > critical, text);
    assertTrue(text.contains(
        "evidence: deadTuples 1,200,000, bloatPercent 41.23, measuredWith pgstattuple_approx"),
        text);
    assertTrue(text.contains("sql: VACUUM public.orders"), text);
  }
}
