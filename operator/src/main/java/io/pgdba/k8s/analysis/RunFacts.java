package io.pgdba.k8s.analysis;

import io.pgdba.history.ServerFacts;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec;
import io.pgdba.k8s.recommendation.Phase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run is stored with besides its figures: the target's version and a hash of its
 * settings (so that a regression after an upgrade or a configuration change says so), the
 * indexes applied on the analysis' advice, and how often each had been scanned.
 *
 * @param applied {@code status.appliedIndex} of the analysis' Applied recommendations
 * @param indexScans {@code pg_stat_user_indexes.idx_scan} of those the target still has
 */
public record RunFacts(String serverVersion, String settingsHash, List<String> applied,
    Map<String, Long> indexScans) {

  public static final RunFacts NONE = new RunFacts(null, null, List.of(), Map.of());

  public RunFacts {
    applied = applied == null ? List.of() : List.copyOf(applied);
    indexScans = indexScans == null ? Map.of() : Map.copyOf(indexScans);
  }

  /** The analysis' Applied CreateIndex recommendations (what the run is stored with). */
  static List<IndexRecommendation> applied(List<IndexRecommendation> recs, String analysis) {
    return recs.stream()
        .filter(r -> r.getSpec() != null && analysis.equals(r.getSpec().analysis()))
        .filter(r -> r.getStatus() != null && r.getStatus().phase() == Phase.Applied
            && r.getStatus().appliedIndex() != null)
        .sorted(java.util.Comparator.comparing(r -> r.getStatus().appliedIndex()))
        .toList();
  }

  /** Reads the facts through the run's read-only session {@code c}. */
  static RunFacts read(Connection c, List<IndexRecommendation> applied) throws SQLException {
    var server = ServerFacts.read(c);
    var scans = new TreeMap<String, Long>();
    try (var ps = c.prepareStatement("SELECT idx_scan FROM pg_stat_user_indexes"
        + " WHERE schemaname = coalesce(?, current_schema()) AND indexrelname = ?")) {
      for (var rec : applied) {
        if (rec.getSpec().kind() == IndexRecommendationSpec.Kind.DropIndex) {
          continue; // applied means dropped: nothing to scan
        }
        ps.setString(1, rec.getSpec().schema());
        ps.setString(2, rec.getSpec().indexName());
        try (var rs = ps.executeQuery()) {
          if (rs.next()) {
            scans.put(rec.getStatus().appliedIndex(), rs.getLong(1));
          }
        }
      }
    }
    return new RunFacts(server.serverVersion(), server.settingsHash(),
        applied.stream().map(r -> r.getStatus().appliedIndex()).toList(), scans);
  }
}
