package io.pgdba.workload;

import java.util.regex.Pattern;

/**
 * {@code WITH x AS [NOT] MATERIALIZED (...)}: PostgreSQL 12+ syntax that JSqlParser rejects. The
 * hint is blanked (same length, so parser positions still point into the original text); what it
 * changes is only whether the planner may inline the CTE, which the callers account for.
 */
public final class MaterializedHints {

  private static final Pattern HINT = Pattern.compile("(?i)\\bAS\\s+(NOT\\s+)?MATERIALIZED\\s*\\(");

  private MaterializedHints() {}

  public static String blanked(String sql) {
    var m = HINT.matcher(sql);
    var out = new StringBuilder();
    while (m.find()) {
      String found = m.group();
      m.appendReplacement(out, "AS" + " ".repeat(found.length() - 3) + "(");
    }
    m.appendTail(out);
    return out.toString();
  }
}
