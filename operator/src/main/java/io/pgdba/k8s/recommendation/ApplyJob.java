package io.pgdba.k8s.recommendation;

import io.pgdba.apply.ApplyOutcome;
import io.pgdba.apply.BuildWait;
import io.pgdba.apply.IndexApplier;
import io.pgdba.apply.IndexTarget;
import io.pgdba.apply.PlanVerifier;
import io.pgdba.apply.PlanVerifier.QueryExample;
import io.pgdba.apply.PlanVerifier.Verification;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec.Kind;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** One apply, rollback or cleanup of a recommendation on the background pool. */
final class ApplyJob implements Callable<ApplyJob.Result> {

  /** What the job does. */
  enum Action {
    APPLY,
    ROLLBACK,
    CLEANUP
  }

  /**
   * What it gave.
   *
   * @param error set when the DDL could not even be tried (connection, refused statement)
   * @param errorReason CamelCase reason of {@code error}
   * @param clean for CLEANUP: no invalid leftover remains
   */
  record Result(Action action, ApplyOutcome outcome, Verification verification, String error,
      String errorReason, boolean clean, java.time.Duration took) {}

  private final Action action;
  private final IndexRecommendationSpec spec;
  private final ConnectionSettings ddl;
  private final IndexApplier applier;
  private final Consumer<BuildWait> waits;

  /** @param waits told what a build waits for whenever that changes (null: no longer waits) */
  ApplyJob(Action action, IndexRecommendationSpec spec, ConnectionSettings ddl,
      IndexApplier applier, Consumer<BuildWait> waits) {
    this.action = action;
    this.spec = spec;
    this.ddl = ddl;
    this.applier = applier;
    this.waits = waits;
  }

  @Override
  public Result call() {
    long start = System.nanoTime();
    var r = run();
    return new Result(r.action(), r.outcome(), r.verification(), r.error(), r.errorReason(),
        r.clean(), java.time.Duration.ofNanos(System.nanoTime() - start));
  }

  private Result run() {
    boolean createKind = spec.kind() != Kind.DropIndex;
    try {
      return switch (action) {
        case APPLY -> {
          var target = new IndexTarget(spec.schema(), spec.indexName(), spec.ddl());
          var outcome = !createKind ? applier.drop(ddl, target)
              : IndexApplier.isParentScript(spec.ddl())
                  ? applier.createOnParent(ddl, target, waits) : applier.create(ddl, target, waits);
          Verification verification = null;
          if (createKind && outcome.succeeded()) {
            verification = new PlanVerifier().verify(ddl, spec.schema(), spec.indexName(),
                examples());
          }
          yield new Result(action, outcome, verification, null, null, true, null);
        }
        case ROLLBACK -> {
          var target = new IndexTarget(spec.schema(), spec.indexName(), spec.rollbackDdl());
          var outcome = createKind
              ? applier.drop(ddl, target) : applier.create(ddl, target, waits);
          yield new Result(action, outcome, null, null, null, true, null);
        }
        case CLEANUP -> {
          var target = new IndexTarget(spec.schema(), spec.indexName(), null);
          yield new Result(action, null, null, null, null,
              applier.dropInvalidLeftover(ddl, target), null);
        }
      };
    } catch (IllegalArgumentException e) {
      return new Result(action, null, null, e.getMessage(), "InvalidDdl", false, null);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      String reason = state.startsWith("28") ? "AuthenticationFailed"
          : state.startsWith("08") ? "TargetUnreachable" : "DatabaseError";
      String message = e.getMessage() == null ? state : e.getMessage().lines().findFirst()
          .orElse(state);
      return new Result(action, null, null, message, reason, false, null);
    }
  }

  private List<QueryExample> examples() {
    if (spec.affectedQueries() == null) {
      return List.of();
    }
    return spec.affectedQueries().stream()
        .filter(q -> q.example() != null)
        .map(q -> new QueryExample(q.fingerprint(), q.example(), q.costBefore()))
        .toList();
  }
}
