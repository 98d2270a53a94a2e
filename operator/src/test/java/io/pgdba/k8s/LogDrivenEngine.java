package io.pgdba.k8s;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisException;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.apply.TargetConnections;
import io.pgdba.k8s.analysis.AnalysisEngine;
import io.pgdba.log.LogReadResult;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import io.pgdba.workload.WorkloadTotals;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A small stand-in for the engine in operator tests: it really reads the log sources the operator
 * hands over, and recommends a btree index for each {@code WHERE column = } it finds, after
 * checking on the real target that the column exists and has no index. The operator tests thus
 * check the operator's plumbing (logs in, recommendations out, DDL applied) without depending on
 * the advisor's heuristics; OperatorEngineIT runs the real engine.
 */
public final class LogDrivenEngine implements AnalysisEngine {

  private static final Pattern QUERY = Pattern.compile(
      "duration: ([0-9.]+) ms\\s+statement: (SELECT .* FROM (\\w+) WHERE (\\w+) = .*)$");

  @Override
  public AnalysisReport analyze(AnalysisRequest request) throws AnalysisException {
    var sources = new ArrayList<LogReadResult>();
    var found = new LinkedHashMap<String, List<String>>(); // "table.column" -> [example, ms...]
    for (var source : request.logs()) {
      long lines = 0;
      try (var in = new BufferedReader(
          new InputStreamReader(source.opener().open(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines++;
          var m = QUERY.matcher(line);
          if (m.find()) {
            var list = found.computeIfAbsent(m.group(3) + "." + m.group(4),
                k -> new ArrayList<>(List.of(m.group(2))));
            list.add(m.group(1));
          }
        }
      } catch (IOException e) {
        throw new AnalysisException(AnalysisException.Reason.LOG_UNREADABLE,
            source.name() + ": " + e.getMessage(), e);
      }
      sources.add(new LogReadResult(source.name(), null, null, lines, 0, null, 0, 0));
    }
    var recommendations = new ArrayList<Recommendation>();
    var queries = new ArrayList<QueryStats>();
    try (var c = TargetConnections.open(request.target(), "pgdba-test-engine")) {
      for (Map.Entry<String, List<String>> e : found.entrySet()) {
        String table = e.getKey().split("\\.")[0];
        String column = e.getKey().split("\\.")[1];
        try (var ps = c.prepareStatement(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(?) AND attname = ?"
                + " AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = attrelid"
                + " AND i.indkey[0] = attnum)")) {
          ps.setString(1, table);
          ps.setString(2, column);
          try (var rs = ps.executeQuery()) {
            rs.next();
            if (rs.getLong(1) == 0) {
              continue;
            }
          }
        }
        String fingerprint = Integer.toHexString(e.getKey().hashCode());
        String example = e.getValue().get(0);
        long calls = e.getValue().size() - 1;
        double mean = e.getValue().stream().skip(1).mapToDouble(Double::parseDouble).average()
            .orElse(0);
        String index = table + "_" + column + "_pgdba_idx";
        queries.add(new QueryStats(fingerprint, example, example, List.of(), null, calls,
            mean * calls, mean, mean, mean, mean, mean, mean, Instant.EPOCH, Instant.EPOCH,
            Map.of(), Map.of(), Map.of(), List.of()));
        recommendations.add(new Recommendation(Recommendation.Kind.CreateIndex, "public", table,
            index, List.of(column), List.of(), "btree", null,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + index + " ON public." + table + " ("
                + column + ")",
            "DROP INDEX CONCURRENTLY IF EXISTS public." + index, 1 << 20, 90.0,
            Recommendation.EstimateMethod.model,
            List.of(new Recommendation.AffectedQuery(fingerprint, calls, 1000.0, 10.0)),
            "one more index entry per insert", "sequential scans on " + table,
            "built concurrently"));
      }
    } catch (SQLException e) {
      throw new AnalysisException(AnalysisException.Reason.TARGET_UNREACHABLE,
          e.getMessage(), e);
    }
    long statements = queries.stream().mapToLong(QueryStats::calls).sum();
    var totals = new WorkloadTotals(statements, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        queries.size(), 0, null, null);
    return new AnalysisReport(sources, new Workload(totals, queries),
        new IndexAdvice(recommendations, List.of()), List.of());
  }
}
