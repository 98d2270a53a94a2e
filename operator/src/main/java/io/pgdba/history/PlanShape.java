package io.pgdba.history;

import java.util.ArrayList;
import java.util.regex.Pattern;

/**
 * The shape of a plan: its node types in order, without costs, rows or times, so that two runs
 * of the same plan compare equal and a switch from an index scan to a sequential scan does not.
 */
public final class PlanShape {

  /** "Index Scan using orders_pkey on orders o  (cost=..." or "->  Seq Scan on orders (...". */
  private static final Pattern TEXT_NODE =
      Pattern.compile("^\\s*(?:->\\s+)?([A-Z][A-Za-z ]+?)(?:\\s+using\\s+\\S+)?(?:\\s+on\\s+\\S+"
          + "(?:\\s+\\S+)?)?\\s+\\(cost=");
  private static final Pattern JSON_NODE = Pattern.compile("\"Node Type\"\\s*:\\s*\"([^\"]+)\"");

  private PlanShape() {}

  /** The shape of an auto_explain or EXPLAIN plan in text or JSON form, or null if none. */
  public static String of(String plan) {
    if (plan == null || plan.isBlank()) {
      return null;
    }
    var nodes = new ArrayList<String>();
    var json = JSON_NODE.matcher(plan);
    while (json.find()) {
      nodes.add(json.group(1));
    }
    if (nodes.isEmpty()) {
      for (var line : plan.split("\\R")) {
        var m = TEXT_NODE.matcher(line);
        if (m.find()) {
          nodes.add(m.group(1).strip());
        }
      }
    }
    return nodes.isEmpty() ? null : String.join(" > ", nodes);
  }
}
