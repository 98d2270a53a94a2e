package io.pgdba.analysis;

import io.pgdba.advisor.index.IndexAdvisor;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.catalog.SessionOptions;
import io.pgdba.catalog.StatStatementsUnavailableException;
import io.pgdba.catalog.StatStatementsWorkloadReader;
import io.pgdba.catalog.TargetConnectionException;
import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Finding;
import io.pgdba.finding.FindingAdvisor;
import io.pgdba.workload.Workload;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The target step of this build: one read-only session on the target, in which the catalog (and,
 * without logs, pg_stat_statements) is read and the index advisor runs its EXPLAINs.
 */
public final class DatabaseTargetStep implements TargetStep {

  private final SessionOptions sessionOptions;
  private final List<FindingAdvisor> findingAdvisors;

  public DatabaseTargetStep(SessionOptions sessionOptions, List<FindingAdvisor> findingAdvisors) {
    this.sessionOptions = sessionOptions;
    this.findingAdvisors = List.copyOf(findingAdvisors);
  }

  public DatabaseTargetStep(SessionOptions sessionOptions) {
    this(sessionOptions, defaultFindingAdvisors());
  }

  /** The table, query and configuration advisors, in the order their findings are gathered. */
  public static List<FindingAdvisor> defaultFindingAdvisors() {
    return List.of(
        new io.pgdba.advisor.table.TableAdvisor(),
        new io.pgdba.advisor.query.QueryAdvisor(),
        new io.pgdba.advisor.config.ConfigAdvisor());
  }

  public DatabaseTargetStep() {
    this(SessionOptions.defaults());
  }

  @Override
  public Result run(AnalysisRequest request, Workload logWorkload, List<String> warnings)
      throws AnalysisException {
    var target = request.target();
    try (var session = ReadOnlySession.open(target, sessionOptions)) {
      var workload = logWorkload;
      if (workload == null) {
        var pgss = new StatStatementsWorkloadReader(
            request.workloadOptions().maxFingerprints()).read(session);
        workload = pgss.workload();
        warnings.add("workload from pg_stat_statements " + pgss.extensionVersion()
            + ": p95/p99 are estimated from mean and deviation, examples have no real values");
        if (pgss.hiddenQueries() > 0) {
          warnings.add(pgss.hiddenQueries() + " pg_stat_statements rows are hidden from this"
              + " user (grant pg_read_all_stats to see them)");
        }
      }
      var catalog = new CatalogReader().read(session);
      if (request.advisorOptions().useHypopg()
          && (catalog.extensions() == null || !catalog.extensions().containsKey("hypopg"))) {
        warnings.add("HypoPG is not installed in " + where(target)
            + ": improvements are estimated with the planner's cost model instead");
      }
      var advice = IndexAdvisor.advise(workload, catalog, session, request.advisorOptions());
      var context = new AdvisorContext(session, catalog, workload, logWorkload != null,
          request.advisorSettings(), warnings);
      return new Result(workload, advice, findings(context),
          SchemaMap.of(catalog, workload, advice));
    } catch (TargetConnectionException e) {
      throw new AnalysisException(reason(e.reason()), e.getMessage(), null);
    } catch (StatStatementsUnavailableException e) {
      throw new AnalysisException(AnalysisException.Reason.INVALID_INPUT, e.getMessage(), null);
    } catch (SQLException e) {
      // a catalog query failed: the catalog code classifies it the same way as a login failure
      var classified = TargetConnectionException.from(e, target);
      throw new AnalysisException(reason(classified.reason()), classified.getMessage(), null);
    }
  }

  /**
   * Runs every finding advisor; one that fails loses only its own findings, and a warning names it
   * with the server's one-line reason (never a stack trace, never the connection string).
   */
  private List<Finding> findings(AdvisorContext context) throws SQLException {
    var findings = new ArrayList<Finding>();
    for (var advisor : findingAdvisors) {
      try {
        findings.addAll(advisor.advise(context));
      } catch (SQLException e) {
        if (context.session().isClosed()) {
          throw e;
        }
        if (!context.session().getAutoCommit()) {
          context.session().rollback();
        }
        context.warnings().add("the " + advisor.name() + " advisor stopped: "
            + firstLine(e.getMessage()));
      }
    }
    return findings;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String where(ConnectionSettings target) {
    return target.database() + " on " + target.host() + ":" + target.port();
  }

  private static AnalysisException.Reason reason(TargetConnectionException.Reason r) {
    return switch (r) {
      case AUTHENTICATION_FAILED -> AnalysisException.Reason.AUTHENTICATION_FAILED;
      case DATABASE_MISSING -> AnalysisException.Reason.DATABASE_MISSING;
      case PRIVILEGE_MISSING -> AnalysisException.Reason.PRIVILEGE_MISSING;
      case TIMEOUT -> AnalysisException.Reason.TIMEOUT;
      case UNREACHABLE, SSL, OTHER -> AnalysisException.Reason.TARGET_UNREACHABLE;
    };
  }
}
