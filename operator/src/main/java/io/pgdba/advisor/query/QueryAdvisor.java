package io.pgdba.advisor.query;

import io.pgdba.advisor.query.SqlGuard.Refused;
import io.pgdba.advisor.query.TargetPlanner.Failed;
import io.pgdba.advisor.query.TargetPlanner.Run;
import io.pgdba.catalog.SafeExplain;
import io.pgdba.catalog.SafeExplain.PlanSummary;
import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.FindingAdvisor;
import io.pgdba.finding.Severity;
import io.pgdba.workload.QueryStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The query advisor: anti-patterns of the workload's queries, each with its rewrite (or the index
 * that serves it), and the target planner's cost of the original and of the rewrite. A rewrite
 * whose only point is a better plan is reported only when the planner agrees. With the
 * {@value #VERIFY_SETTING} setting, both are also run read-only and their rows compared.
 */
public final class QueryAdvisor implements FindingAdvisor {

  /** The advisor setting ({@code --verify-rewrites}) that runs originals and rewrites. */
  public static final String VERIFY_SETTING = "verify-rewrites";
  /** The queries examined, by total time: the rest cost too little to be worth a rewrite. */
  static final int MAX_QUERIES = 500;
  /** Rows fetched per query by --verify-rewrites; more means "not compared". */
  static final int VERIFY_MAX_ROWS = 10_000;
  static final int VERIFY_TIMEOUT_SECONDS = 5;
  /**
   * A rewrite proven by plan must cost less than the original, and at most this share of it to
   * be a warning rather than a note.
   */
  static final double PROOF_RATIO = 0.9;

  private static final Pattern PARAMETER = Pattern.compile("\\$\\d+");

  @Override
  public String name() {
    return "query";
  }

  @Override
  public List<Finding> advise(AdvisorContext context) {
    var patterns = new AntiPatterns(context.catalog());
    var safeExplain = new SafeExplain(context.session());
    var planner = new TargetPlanner(context.session(), safeExplain);
    boolean verify = Boolean.parseBoolean(context.settings().getOrDefault(VERIFY_SETTING,
        "false"));
    var findings = new ArrayList<Finding>();
    var verified = new int[3]; // compared, same, different
    int examined = 0;
    var notProven = new ArrayList<String>();
    int notProvenCount = 0;
    var plans = new HashMap<String, Object>();
    for (QueryStats q : context.workload().queries()) {
      if (QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint())) {
        continue;
      }
      if (examined++ >= MAX_QUERIES) {
        break;
      }
      String original = q.example() != null && !q.example().isBlank() ? q.example() : q.query();
      if (original == null) {
        continue;
      }
      for (Rewrite r : patterns.find(original)) {
        var evidence = new LinkedHashMap<String, Object>();
        evidence.put("original", original);
        evidence.put("calls", q.calls());
        evidence.put("totalTimeMs", round(q.totalTimeMs()));
        evidence.put("meanTimeMs", round(q.meanTimeMs()));
        evidence.putAll(r.evidence());
        Severity severity = r.severity();
        if (r.rewritten() != null && !PARAMETER.matcher(r.rewritten()).find()) {
          var comparison = compare(planner, original, r.rewritten(), plans);
          evidence.putAll(comparison);
          if (r.proveByPlan()) {
            Object before = comparison.get("originalCost");
            Object after = comparison.get("rewriteCost");
            if (before instanceof Double b && after instanceof Double a) {
              if (a > b * PROOF_RATIO && a < b) {
                // cheaper, but not by much: worth knowing, not worth a warning
                severity = Severity.INFO;
              } else if (a >= b) {
                if (notProven.size() < 5) {
                  notProven.add(r.kind() + " on " + q.fingerprint() + " (cost " + round(b)
                      + " -> " + round(a) + ")");
                }
                notProvenCount++;
                continue;
              }
            } else {
              // the planner could not be asked: keep the finding, but not as a warning
              severity = Severity.INFO;
            }
          }
          if (verify && r.sameRows()) {
            evidence.putAll(verify(planner, original, r.rewritten(), verified));
          }
        } else if (r.rewritten() != null) {
          evidence.put("planComparison", "not run: the rewrite takes a parameter ($n) whose"
              + " value only the application has");
          if (r.proveByPlan()) {
            severity = Severity.INFO;
          }
        } else if (r.rewritten() == null && (r.ddl() != null || r.kind().endsWith("random")
            || r.kind().endsWith("wide"))) {
          try {
            PlanSummary plan = planner.explain(original);
            evidence.put("originalCost", plan.cost());
            evidence.put("originalPlan", plan.shape());
          } catch (Refused | Failed e) {
            evidence.put("planComparison", "not run: " + e.getMessage());
          }
        }
        String advice = r.why() + (r.caveats() == null ? "" : " Caveats: " + r.caveats());
        String sql = r.rewritten() != null ? r.rewritten() : r.ddl();
        findings.add(new Finding(Category.QUERY, r.kind(), severity, q.fingerprint(), r.title(),
            evidence, advice, sql, r.rollbackDdl()));
      }
    }
    findings.addAll(sessionFindings(context, safeExplain));
    if (notProvenCount > 0) {
      context.warnings().add(notProvenCount + " query rewrite(s) left out: the target's planner"
          + " prices them no cheaper than the original: " + String.join(", ", notProven)
          + (notProvenCount > notProven.size() ? ", ..." : ""));
    }
    if (verify) {
      context.warnings().add("--verify-rewrites ran " + verified[0] + " original(s) and their"
          + " rewrites read-only (at most " + VERIFY_MAX_ROWS + " rows, " + VERIFY_TIMEOUT_SECONDS
          + " s each): " + verified[1] + " returned the same rows, " + verified[2] + " did not");
    }
    return findings;
  }

  /** The patterns only the log's order of statements shows, or why they were not looked for. */
  private static List<Finding> sessionFindings(AdvisorContext context,
      SafeExplain safeExplain) {
    if (!context.fromLogs()) {
      return List.of();
    }
    var patterns = context.sessionPatterns();
    if (!patterns.sessionsKnown()) {
      if (context.workload().totals().statements() > 0) {
        context.warnings().add("N+1 loops, chatty transactions and repeated queries were not"
            + " looked for: the log names no session (add %c or %p to log_line_prefix)");
      }
      return List.of();
    }
    var out = new ArrayList<>(new SessionFindings(context.workload()).findings());
    out.addAll(new GenericPlans(context.workload(), safeExplain,
        context.catalog().server().majorVersion()).findings(context.warnings()));
    return out;
  }

  /** Both costs and the plan nodes that differ, or why the planner was not asked. */
  private static Map<String, Object> compare(TargetPlanner planner, String original,
      String rewritten, Map<String, Object> plans) {
    var out = new LinkedHashMap<String, Object>();
    try {
      PlanSummary before = plan(planner, original, plans);
      PlanSummary after = plan(planner, rewritten, plans);
      out.put("originalCost", before.cost());
      out.put("rewriteCost", after.cost());
      if (before.cost() > 0) {
        out.put("costChangePercent", round(100 * (after.cost() - before.cost()) / before.cost()));
      }
      out.put("planNodesGone", difference(before.nodes(), after.nodes()));
      out.put("planNodesNew", difference(after.nodes(), before.nodes()));
      out.put("originalPlan", before.shape());
      out.put("rewritePlan", after.shape());
    } catch (Refused | Failed e) {
      out.put("planComparison", "not run: " + e.getMessage());
    }
    return out;
  }

  private static PlanSummary plan(TargetPlanner planner, String sql, Map<String, Object> cache)
      throws Refused, Failed {
    Object cached = cache.get(sql);
    if (cached instanceof PlanSummary p) {
      return p;
    }
    PlanSummary p = planner.explain(sql);
    cache.put(sql, p);
    return p;
  }

  /** Runs both read-only and compares their rows as multisets. */
  private static Map<String, Object> verify(TargetPlanner planner, String original,
      String rewritten, int[] counts) {
    var out = new LinkedHashMap<String, Object>();
    try {
      Run before = planner.run(original, VERIFY_MAX_ROWS, VERIFY_TIMEOUT_SECONDS);
      Run after = planner.run(rewritten, VERIFY_MAX_ROWS, VERIFY_TIMEOUT_SECONDS);
      out.put("verifiedOriginalMs", round(before.millis()));
      out.put("verifiedRewriteMs", round(after.millis()));
      if (before.truncated() || after.truncated()) {
        out.put("verifiedRows", "not compared: more than " + VERIFY_MAX_ROWS + " rows");
        return out;
      }
      counts[0]++;
      if (multiset(before.rows()).equals(multiset(after.rows()))) {
        counts[1]++;
        out.put("verifiedRows", "same " + before.rows().size() + " row(s)");
      } else {
        counts[2]++;
        out.put("verifiedRows", "DIFFERENT: original " + before.rows().size()
            + " row(s), rewrite " + after.rows().size() + " row(s) on the target's data");
      }
    } catch (Refused | Failed e) {
      out.put("verifiedRows", "not run: " + e.getMessage());
    }
    return out;
  }

  static Map<List<String>, Integer> multiset(List<List<String>> rows) {
    var counts = new HashMap<List<String>, Integer>();
    rows.forEach(r -> counts.merge(r, 1, Integer::sum));
    return counts;
  }

  /** Nodes of {@code a} not matched one for one in {@code b}. */
  private static List<String> difference(List<String> a, List<String> b) {
    var remaining = new ArrayList<>(b);
    var out = new ArrayList<String>();
    for (String n : a) {
      if (!remaining.remove(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
