package io.pgdba.k8s.recommendation;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec.AffectedQuery;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.Workload;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns the engine's advice into IndexRecommendations of one analysis: creates the new ones
 * (owned by the analysis), and marks with an annotation those no longer recommended, or no
 * longer obsolete. It never writes a spec after creation: that belongs to humans and Git.
 */
public final class RecommendationWriter {

  /** Set while the latest run did not recommend it any more; read by the recommendation side. */
  public static final String OBSOLETE_ANNOTATION = "pgdba.io/obsolete-since";

  /**
   * The id of the last history run recorded after the apply: changing it wakes the
   * recommendation's reconciler, which measures the index's effect from the history.
   */
  public static final String HISTORY_RUN_ANNOTATION = "pgdba.io/history-run";

  static final int MAX_AFFECTED = 10;
  static final int MAX_EXAMPLE = 2000;

  private final KubernetesClient client;
  private final Clock clock;

  public RecommendationWriter(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** What a sync changed. */
  public record SyncResult(List<String> created, List<String> obsoleted, List<String> current) {}

  public SyncResult sync(PgAnalysis analysis, List<Recommendation> advice, Workload workload) {
    String ns = analysis.getMetadata().getNamespace();
    String analysisName = analysis.getMetadata().getName();
    Map<String, QueryStats> byFingerprint = workload == null || workload.queries() == null
        ? Map.of()
        : workload.queries().stream().collect(Collectors.toMap(
            QueryStats::fingerprint, Function.identity(), (a, b) -> a));
    var wanted = new LinkedHashMap<String, Recommendation>();
    for (var r : advice) {
      wanted.putIfAbsent(RecommendationNames.name(analysisName, r), r);
    }
    var existing = new HashMap<String, IndexRecommendation>();
    for (var rec : client.resources(IndexRecommendation.class).inNamespace(ns)
        .withLabel(RecommendationNames.ANALYSIS_LABEL,
            RecommendationNames.labelValue(analysisName))
        .list().getItems()) {
      existing.put(rec.getMetadata().getName(), rec);
    }
    var created = new java.util.ArrayList<String>();
    var obsoleted = new java.util.ArrayList<String>();
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    for (var e : wanted.entrySet()) {
      var rec = existing.get(e.getKey());
      if (rec == null) {
        client.resource(newResource(analysis, e.getKey(), e.getValue(), byFingerprint)).create();
        created.add(e.getKey());
      } else if (annotations(rec).containsKey(OBSOLETE_ANNOTATION)) {
        client.resources(IndexRecommendation.class).inNamespace(ns).withName(e.getKey())
            .edit(r -> {
              r.getMetadata().getAnnotations().remove(OBSOLETE_ANNOTATION);
              return r;
            });
      }
    }
    var gone = new HashSet<>(existing.keySet());
    gone.removeAll(wanted.keySet());
    for (var name : gone.stream().sorted().toList()) {
      if (!annotations(existing.get(name)).containsKey(OBSOLETE_ANNOTATION)) {
        client.resources(IndexRecommendation.class).inNamespace(ns).withName(name)
            .edit(r -> {
              if (r.getMetadata().getAnnotations() == null) {
                r.getMetadata().setAnnotations(new HashMap<>());
              }
              r.getMetadata().getAnnotations().put(OBSOLETE_ANNOTATION, now);
              return r;
            });
        obsoleted.add(name);
      }
    }
    return new SyncResult(created, obsoleted, List.copyOf(wanted.keySet()));
  }

  /** Marks {@code applied} (recommendations of one analysis) with the run {@code runId}. */
  public void historyRecorded(List<IndexRecommendation> applied, long runId) {
    // A merge patch of the one annotation, without resourceVersion: the recommendation's own
    // reconciler writes its status meanwhile, and an optimistic edit would fail (409) and take
    // the analysis' finished run down with it, to be run again.
    var patch = "{\"metadata\":{\"annotations\":{\"" + HISTORY_RUN_ANNOTATION + "\":\""
        + runId + "\"}}}";
    for (var rec : applied) {
      client.resources(IndexRecommendation.class)
          .inNamespace(rec.getMetadata().getNamespace()).withName(rec.getMetadata().getName())
          .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
              io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
    }
  }

  private static Map<String, String> annotations(IndexRecommendation rec) {
    var a = rec.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  static IndexRecommendation newResource(PgAnalysis analysis, String name, Recommendation r,
      Map<String, QueryStats> byFingerprint) {
    var rec = new IndexRecommendation();
    var labels = new LinkedHashMap<String, String>();
    labels.put(RecommendationNames.ANALYSIS_LABEL,
        RecommendationNames.labelValue(analysis.getMetadata().getName()));
    labels.put(RecommendationNames.TABLE_LABEL, RecommendationNames.labelValue(r.table()));
    labels.put(RecommendationNames.KIND_LABEL, RecommendationNames.kindLabel(r.kind()));
    rec.setMetadata(new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(analysis.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion(analysis.getApiVersion())
            .withKind(analysis.getKind())
            .withName(analysis.getMetadata().getName())
            .withUid(analysis.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(false)
            .build())
        .build());
    var affected = r.affectedQueries() == null ? List.<AffectedQuery>of()
        : r.affectedQueries().stream().limit(MAX_AFFECTED)
            .map(q -> new AffectedQuery(q.fingerprint(), q.calls(), q.costBefore(),
                q.costAfter(), example(byFingerprint.get(q.fingerprint()))))
            .toList();
    rec.setSpec(new IndexRecommendationSpec(
        analysis.getMetadata().getName(),
        r.kind() == Recommendation.Kind.DropIndex
            ? IndexRecommendationSpec.Kind.DropIndex : IndexRecommendationSpec.Kind.CreateIndex,
        r.schema(), r.table(), r.indexName(), r.columns(), r.includeColumns(), r.method(),
        r.where(), r.ddl(), r.rollbackDdl(), r.estimatedSizeBytes(),
        r.estimatedImprovementPercent(),
        r.estimateMethod() == null ? null : r.estimateMethod().name(),
        affected, r.writeOverhead(), r.reason(), r.guidance(), null, null));
    return rec;
  }

  private static String example(QueryStats q) {
    if (q == null) {
      return null;
    }
    String sql = q.example() != null ? q.example() : q.query();
    if (sql != null && sql.length() > MAX_EXAMPLE) {
      return null; // a truncated statement cannot be EXPLAINed; better none than a broken one
    }
    return sql;
  }
}
