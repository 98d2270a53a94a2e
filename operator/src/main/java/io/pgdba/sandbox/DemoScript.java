package io.pgdba.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pgdba.catalog.SafeExplain;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.Phase;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The sandbox tour: applies the examples, waits for the analysis, shows the recommendations,
 * approves the best one, shows the plan using the index, and rolls it back — printing what a user
 * would see with kubectl at each step.
 */
public final class DemoScript {

  static final String NS = "shop";
  /** What {@code approvedBy} shows for the tour's approval, as kubectl-patch does for yours. */
  static final String FIELD_MANAGER = "pgdba-demo";
  private final Sandbox sandbox;
  private final PrintStream out;
  private final Duration timeout;

  public DemoScript(Sandbox sandbox, PrintStream out, Duration timeout) {
    this.sandbox = sandbox;
    this.out = out;
    this.timeout = timeout;
  }

  /** Runs the tour; returns normally only when every step did what it should. */
  public void run() throws SQLException {
    step("kubectl apply -f examples/sandbox/");
    for (var m : sandbox.applyExamples()) {
      out.printf("%s/%s created%n", m.getKind().toLowerCase(Locale.ROOT),
          m.getMetadata().getName());
    }

    step("kubectl wait --for=condition=Ready pganalysis/shop-db -n shop");
    var analysis = await("the analysis to be Ready", () -> sandbox.client()
        .resources(PgAnalysis.class).inNamespace(NS).withName("shop-db").get(),
        a -> a != null && a.getStatus() != null && a.getStatus().conditions() != null
            && a.getStatus().conditions().stream().anyMatch(c -> c.type().equals("Ready")
                && c.status().equals("True")));
    out.println("pganalysis.pgdba.io/shop-db condition met");

    step("kubectl get pganalyses -n shop");
    out.print(sandbox.api().table("/apis/pgdba.io/v1alpha1/namespaces/shop/pganalyses"));
    var status = analysis.getStatus();
    if (status.summary() != null) {
      step("kubectl get pga shop-db -n shop -o jsonpath='{.status.summary}'  (abridged)");
      out.println(Serialization.asYaml(status.summary())
          .replaceFirst("^---\\n", ""));
    }

    step("kubectl get indexrecommendations -n shop");
    out.print(sandbox.api().table("/apis/pgdba.io/v1alpha1/namespaces/shop/indexrecommendations"));
    List<IndexRecommendation> recs = sandbox.client().resources(IndexRecommendation.class)
        .inNamespace(NS).list().getItems();
    var creates = recs.stream()
        .filter(r -> "CreateIndex".equals(String.valueOf(r.getSpec().kind())))
        .sorted(Comparator.comparing((IndexRecommendation r) -> improvement(r)).reversed())
        .toList();
    if (creates.isEmpty()) {
      throw new IllegalStateException("the analysis recommended no index for the demo workload");
    }
    for (var r : creates) {
      out.printf("%n# %s: %.0f %% less cost on %d quer%s (estimate: %s)%n  %s%n  rollback: %s%n",
          r.getMetadata().getName(), improvement(r), r.getSpec().affectedQueries().size(),
          r.getSpec().affectedQueries().size() == 1 ? "y" : "ies", r.getSpec().estimateMethod(),
          r.getSpec().ddl(), r.getSpec().rollbackDdl());
    }

    var best = creates.get(0);
    String name = best.getMetadata().getName();
    step("kubectl patch indexrecommendation " + name + " -n shop --type=merge -p "
        + "'{\"spec\":{\"approved\":true}}'");
    patch(name, "{\"spec\":{\"approved\":true}}");
    out.println("indexrecommendation.pgdba.io/" + name + " patched");
    var applied = awaitPhase(name, Phase.Applied);
    step("kubectl get indexrecommendation " + name + " -n shop");
    out.print(sandbox.api().table(
        "/apis/pgdba.io/v1alpha1/namespaces/shop/indexrecommendations/" + name));
    var observed = applied.getStatus().observedEffect();
    if (observed != null) {
      out.printf("observed: %s of %s affected queries use %s; size %s bytes%n",
          observed.queriesUsingIndex(), observed.queriesChecked(),
          applied.getStatus().appliedIndex(), observed.indexSizeBytes());
    }

    String example = best.getSpec().affectedQueries().get(0).example();
    if (example != null) {
      step("psql shop -c 'EXPLAIN " + abbreviate(example) + "'");
      out.print(explain(example));
    }

    step("kubectl patch indexrecommendation " + name + " -n shop --type=merge -p "
        + "'{\"spec\":{\"rollback\":true}}'");
    patch(name, "{\"spec\":{\"rollback\":true}}");
    out.println("indexrecommendation.pgdba.io/" + name + " patched");
    awaitPhase(name, Phase.RolledBack);
    out.print(sandbox.api().table(
        "/apis/pgdba.io/v1alpha1/namespaces/shop/indexrecommendations/" + name));
    String index = applied.getStatus().appliedIndex();
    if (indexExists(index)) {
      throw new IllegalStateException("index " + index + " still exists after the rollback");
    }
    out.printf("%nindex %s is gone from the database; the tour is over.%n", index);
  }

  private void patch(String name, String json) {
    sandbox.client().resources(IndexRecommendation.class).inNamespace(NS).withName(name)
        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
            .withFieldManager(FIELD_MANAGER).build(), json);
  }

  private IndexRecommendation awaitPhase(String name, Phase phase) {
    return await("recommendation " + name + " to be " + phase, () -> sandbox.client()
        .resources(IndexRecommendation.class).inNamespace(NS).withName(name).get(), r -> {
          if (r != null && r.getStatus() != null && r.getStatus().phase() == Phase.Failed) {
            throw new IllegalStateException("recommendation " + name + " failed: "
                + r.getStatus().failureReason());
          }
          return r != null && r.getStatus() != null && r.getStatus().phase() == phase;
        });
  }

  private <T> T await(String what, Supplier<T> get, Predicate<T> done) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      T value = get.get();
      if (done.test(value)) {
        return value;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + what);
      }
    }
    T last = get.get();
    String state = last instanceof HasMetadata h
        ? Serialization.asYaml(h) : String.valueOf(last);
    throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for "
        + what + "; last state:\n" + state);
  }

  private String explain(String sql) throws SQLException {
    var plan = new StringBuilder();
    try (var c = sandbox.database().connectAsSuperuser(DemoDatabase.DATABASE)) {
      // The example came from the demo's log: SafeExplain decides what reaches the server.
      for (String line : new SafeExplain(c).textPlan(sql)) {
        plan.append(line).append('\n');
      }
    } catch (SafeExplain.Refused e) {
      plan.append("(not explained: ").append(e.getMessage()).append(")\n");
    }
    return plan.toString();
  }

  private boolean indexExists(String index) throws SQLException {
    try (var c = sandbox.database().connectAsSuperuser(DemoDatabase.DATABASE);
        var ps = c.prepareStatement("SELECT 1 FROM pg_indexes WHERE indexname = ?")) {
      ps.setString(1, index);
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static double improvement(IndexRecommendation r) {
    Double d = r.getSpec().estimatedImprovementPercent();
    return d == null ? 0 : d;
  }

  private static String abbreviate(String sql) {
    String one = sql.replaceAll("\\s+", " ");
    return one.length() > 90 ? one.substring(0, 87) + "..." : one;
  }

  private void step(String command) {
    out.printf("%n$ %s%n", command);
  }
}
