package io.pgdba.report;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.log.LogFormat;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Analysis values built by hand, so the renderers are tested on figures we know. */
final class ReportFixtures {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
  static final Instant T1 = Instant.parse("2025-03-01T11:30:00Z");

  private ReportFixtures() {}

  static QueryStats query(String fp, String sql, long calls, double total, double max) {
    return new QueryStats(
        fp,
        sql,
        sql.replace("$1", "42"),
        List.of("42"),
        null,
        calls,
        total,
        max / 4,
        max,
        total / calls,
        total / calls,
        max * 0.9,
        max * 0.99,
        T0,
        T1,
        ordered("shop", calls - 1, "app", 1L),
        ordered("web", calls),
        ordered("psql", 1L, "shop-web", calls - 1),
        List.of());
  }

  /** A map whose iteration order is the reverse of sorted, to show the output sorts it. */
  private static Map<String, Long> ordered(Object... kv) {
    var m = new LinkedHashMap<String, Long>();
    for (int i = kv.length - 2; i >= 0; i -= 2) {
      m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
    }
    return m;
  }

  /** Three queries that the three rankings (total, mean, calls) put in three different orders. */
  static Workload workload() {
    var queries = new ArrayList<QueryStats>();
    queries.add(
        query("00000000000000aa", "SELECT * FROM orders WHERE id = $1", 1000, 5000.0, 40.0));
    queries.add(query("00000000000000bb", "SELECT count(*) FROM orders o JOIN items i ON i.o = o.id"
        + " WHERE o.created > $1 GROUP BY o.customer ORDER BY 1 DESC", 2, 4000.0, 2500.0));
    queries.add(query("00000000000000cc", "UPDATE stock SET n = n - $1 WHERE id = $2", 30, 90.0,
        20.0));
    var totals = new WorkloadTotals(
        1032, 0.1 + 0.2 + 9089.7, 40, 1.5, 40, 2.25, 3, 2, 1, 1, 2, 8 << 20, 1, 0, 12, 11, 3, 0,
        T0, T1);
    return new Workload(totals, queries);
  }

  static List<LogReadResult> sources() {
    return List.of(
        new LogReadResult("a.log", LogFormat.STDERR, "%m [%p] ", 1200, 0, null, 150_000, 0),
        new LogReadResult("b.log", LogFormat.STDERR, "%m [%p] ", 30, 2,
            "b.log:7: no log_line_prefix match", 4_000, 1));
  }

  static Recommendation recommendation(String name, String column) {
    return new Recommendation(
        Recommendation.Kind.CreateIndex,
        "public",
        "orders",
        name,
        List.of(column),
        List.of(),
        "btree",
        null,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"" + name + "\" ON \"public\".\"orders\" (\""
            + column + "\")",
        "DROP INDEX CONCURRENTLY IF EXISTS \"public\".\"" + name + "\"",
        16 << 20,
        87.456,
        Recommendation.EstimateMethod.hypopg,
        List.of(new Recommendation.AffectedQuery("00000000000000bb", 2, 1234.567, 10.004)),
        "one more index entry per insert",
        "a seq scan of orders filters on " + column + "\nin 2 calls",
        "builds without blocking writes");
  }

  static AnalysisReport report() {
    return new AnalysisReport(sources(), workload(), null, List.of("b.log:7: no prefix match"));
  }

  static AnalysisReport reportWithAdvice() {
    var advice = new IndexAdvice(
        List.of(recommendation("orders_created_idx", "created"),
            recommendation("orders_customer_idx", "customer")),
        List.of(new IndexAdvice.SkippedQuery("00000000000000cc", "not a SELECT")));
    return new AnalysisReport(sources(), workload(), advice, List.of());
  }
}
