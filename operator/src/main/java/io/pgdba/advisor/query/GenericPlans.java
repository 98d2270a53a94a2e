package io.pgdba.advisor.query;

import io.pgdba.catalog.SafeExplain;
import io.pgdba.catalog.SafeExplain.PlanSummary;
import io.pgdba.catalog.SafeExplain.Refused;
import io.pgdba.ddl.Identifiers;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.workload.Fingerprinter;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.SessionPatterns;
import io.pgdba.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic-plan regressions of prepared statements. A named prepared statement is planned with its
 * values (a custom plan) for its first five executions; then the server may keep one generic
 * plan, planned without values, whenever that costs no more than the custom plans did on
 * average. For a skewed column, or a partial index, the average hides the rare value whose
 * custom plan is far cheaper. Here each logged parameter set (several per statement, plus the
 * slowest execution's) gets its custom plan, the statement its generic plan, both through
 * {@link SafeExplain}'s guarded path (the generic one through its PREPARE, never with a value
 * bound), and a generic
 * plan {@value #RATIO} times dearer than a custom one, scanning a table whole that the custom
 * plan reads through an index, is reported.
 */
final class GenericPlans {

  /** Generic cost over custom cost from which the generic plan is a regression. */
  static final double RATIO = 10;
  /** Below this cost difference the two plans are both cheap: nothing worth a setting. */
  static final double MIN_COST_GAP = 100;
  /** The server considers a generic plan from the sixth execution of a prepared statement. */
  static final int GENERIC_AFTER = 5;
  /** Statements checked, by executions: each costs one EXPLAIN per parameter set, plus one. */
  static final int MAX_STATEMENTS = 20;

  private final Workload workload;
  private final SafeExplain explain;
  private final int majorVersion;
  private int checked;
  private int fine;
  private int unnamed;
  private final List<String> notAsked = new ArrayList<>();

  GenericPlans(Workload workload, SafeExplain explain, int majorVersion) {
    this.workload = workload;
    this.explain = explain;
    this.majorVersion = majorVersion;
  }

  List<Finding> findings(List<String> warnings) {
    var out = new ArrayList<Finding>();
    int looked = 0;
    for (var p : workload.sessions().prepared()) {
      if (p.executions() <= GENERIC_AFTER || looked >= MAX_STATEMENTS) {
        continue;
      }
      looked++;
      if (p.named() <= GENERIC_AFTER) {
        // unnamed statements are planned anew with their values at every execution
        unnamed++;
        continue;
      }
      checked++;
      try {
        var finding = check(p);
        if (finding == null) {
          fine++;
        } else {
          out.add(finding);
        }
      } catch (Refused e) {
        if (notAsked.size() < 3) {
          notAsked.add(p.fingerprint() + " (" + e.getMessage() + ")");
        } else if (notAsked.size() == 3) {
          notAsked.add("...");
        }
      }
    }
    if (looked > 0) {
      warnings.add("generic plans of " + looked + " prepared statement(s) compared with the"
          + " custom plans of their logged parameters: " + out.size() + " regress, " + fine
          + " fine (within " + (int) RATIO + "x of every custom plan, or no table scanned whole"
          + " that a custom plan reads through an index), " + unnamed + " only run"
          + " unnamed (planned with their values every time)"
          + (notAsked.isEmpty() ? "" : ", " + (checked - fine - out.size())
              + " not planned: " + String.join(", ", notAsked)));
    }
    return out;
  }

  private Finding check(SessionPatterns.Prepared p) throws Refused {
    var sets = new ArrayList<List<String>>(p.parameterSets());
    var stats = workload.byFingerprint(p.fingerprint());
    stats.map(QueryStats::exampleParameters)
        .filter(e -> !e.isEmpty() && !sets.contains(e))
        .ifPresent(sets::add);
    PlanSummary generic = explain.summary(p.text());
    PlanSummary cheapest = null;
    List<String> cheapestSet = null;
    var customCosts = new ArrayList<Object>();
    for (var set : sets) {
      PlanSummary custom = explain.summary(Fingerprinter.substituteParameters(p.text(), set));
      customCosts.add(round(custom.cost()));
      if (cheapest == null || custom.cost() < cheapest.cost()) {
        cheapest = custom;
        cheapestSet = set;
      }
    }
    if (cheapest == null) {
      return null;
    }
    double ratio = generic.cost() / Math.max(cheapest.cost(), 0.01);
    if (ratio < RATIO || generic.cost() - cheapest.cost() < MIN_COST_GAP
        || !losesAnIndex(generic, cheapest)) {
      return null;
    }
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("statement", p.text());
    evidence.put("executions", p.executions());
    evidence.put("namedExecutions", p.named());
    evidence.put("parameterSetsPlanned", sets.size());
    evidence.put("genericCost", round(generic.cost()));
    evidence.put("genericPlan", generic.shape());
    evidence.put("customCosts", customCosts);
    evidence.put("cheapestCustomCost", round(cheapest.cost()));
    evidence.put("cheapestCustomPlan", cheapest.shape());
    evidence.put("cheapestCustomParameters", abbreviate(String.join(", ", cheapestSet)));
    evidence.put("ratio", round(ratio));
    String title = "Generic plan of a prepared statement costs " + Math.round(ratio)
        + "x its custom plan for some logged values";
    Map<String, Long> users = stats.map(QueryStats::users).orElse(Map.of());
    Map<String, Long> dbs = stats.map(QueryStats::databases).orElse(Map.of());
    String role = first(users);
    String db = first(dbs);
    String advice = "After five executions the server may switch this prepared statement to"
        + " its generic plan (" + generic.shape() + ", cost " + round(generic.cost())
        + "), chosen for an average value; with " + abbreviate(String.join(", ", cheapestSet))
        + " the custom plan (" + cheapest.shape() + ", cost " + round(cheapest.cost())
        + ") is " + Math.round(ratio) + "x cheaper: it reads through an index that the generic"
        + " plan cannot count on for an unknown value (skewed values, or a partial index whose"
        + " condition only a known value proves)."
        + " Have this statement planned with its values: SET plan_cache_mode ="
        + " force_custom_plan in the sessions that run it (or SET LOCAL around it), or keep it"
        + " unnamed in the driver (pgjdbc: prepareThreshold=0 on that statement)"
        + (role != null && db != null && majorVersion >= 12
            ? "; the statement below does it for every statement of the role " + role
                + " in " + db + ", at the cost of planning each of them at every execution"
            : "")
        + ".";
    var finding = new Finding(Category.QUERY, "query.generic-plan-regression", Severity.WARNING,
        p.fingerprint(), title, evidence, advice, null, null);
    if (role != null && db != null && majorVersion >= 12) {
      String target = "ALTER ROLE " + Identifiers.quote(role) + " IN DATABASE "
          + Identifiers.quote(db);
      finding = finding.withSql(target + " SET plan_cache_mode = force_custom_plan;",
          target + " RESET plan_cache_mode;");
    }
    return finding;
  }

  /**
   * True when the generic plan reads a table whole that the custom plan reaches through an
   * index. Only then is the generic plan's cost what the rare value really pays: a generic plan
   * of the same shape, or a bitmap scan, does the same small work for it whatever its estimate.
   */
  static boolean losesAnIndex(PlanSummary generic, PlanSummary custom) {
    for (String node : generic.nodes()) {
      if (node.startsWith("Seq Scan on ")) {
        String table = node.substring("Seq Scan on ".length());
        for (String c : custom.nodes()) {
          if (c.endsWith(" on " + table) && !c.startsWith("Seq Scan")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The only key, or null when there are several (or none, or the "(other)" bucket). */
  private static String first(Map<String, Long> counts) {
    if (counts.size() != 1) {
      return null;
    }
    String key = counts.keySet().iterator().next();
    return "(other)".equals(key) ? null : key;
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 116) + " ..." : s;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
