package io.pgdba.report;

import io.pgdba.analysis.AnalysisReport;
import io.pgdba.ddl.Identifiers;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Findings;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configuration findings as something to commit: an ALTER SYSTEM script (restart-needed ones
 * marked), a CloudNativePG {@code spec.postgresql.parameters} patch and a {@code postgresql.conf}
 * snippet. Reads the {@code proposed} and {@code restart} evidence every {@code config.*} finding
 * carries; parameters come out sorted by name so that a GitOps diff stays quiet.
 */
public final class ConfigReport {

  private ConfigReport() {}

  /** Parameter to proposed value, sorted; findings without a proposed value are left out. */
  public static Map<String, String> parameters(List<Finding> findings) {
    var out = new TreeMap<String, String>();
    for (var f : configFindings(findings)) {
      var proposed = f.evidence().get("proposed");
      if (proposed != null) {
        out.put(f.object(), proposed.toString());
      }
    }
    return out;
  }

  /** Parameters that need a restart, sorted. */
  public static List<String> restartNeeded(List<Finding> findings) {
    return configFindings(findings).stream()
        .filter(f -> f.evidence().get("proposed") != null)
        .filter(f -> Boolean.TRUE.equals(f.evidence().get("restart")))
        .map(Finding::object).distinct().sorted().toList();
  }

  /** The ALTER SYSTEM script, then pg_reload_conf(); restart-needed lines are marked. */
  public static String script(List<Finding> findings) {
    var params = parameters(findings);
    var restart = restartNeeded(findings);
    var out = new StringBuilder("-- pgdba configuration changes\n");
    if (params.isEmpty()) {
      return out.append("-- no setting to change\n").toString();
    }
    String env = environment(findings);
    boolean elsewhere = env != null && !env.equals("self-managed");
    if (elsewhere) {
      out.append("-- ").append(env).append(": do not run ALTER SYSTEM here; set these in")
          .append(env.equals("CloudNativePG") ? " the Cluster's spec.postgresql.parameters"
              : " the parameter group")
          .append(" (see the patch below).\n");
    }
    params.forEach((name, value) -> out.append(elsewhere ? "-- " : "")
        .append(alterSystem(name, value))
        .append(restart.contains(name) ? " -- needs a restart" : "").append('\n'));
    out.append(elsewhere ? "-- " : "").append("SELECT pg_reload_conf();\n");
    if (!restart.isEmpty()) {
      out.append("-- then restart the server for: ").append(String.join(", ", restart))
          .append('\n');
    }
    return out.toString();
  }

  /** The CloudNativePG Cluster patch: {@code kubectl patch cluster NAME --type merge -p ...}. */
  public static String cloudNativePgPatch(List<Finding> findings) {
    var out = new StringBuilder("spec:\n  postgresql:\n    parameters:\n");
    parameters(findings).forEach((name, value) -> out.append("      ").append(name)
        .append(": ").append(yamlString(value)).append('\n'));
    return out.toString();
  }

  /** Lines for postgresql.conf (or an included file), restart-needed ones marked. */
  public static String postgresqlConf(List<Finding> findings) {
    var restart = restartNeeded(findings);
    var out = new StringBuilder("# pgdba configuration changes\n");
    parameters(findings).forEach((name, value) -> out.append(name).append(" = ")
        .append(confString(value))
        .append(restart.contains(name) ? "  # needs a restart" : "").append('\n'));
    return out.toString();
  }

  /** The whole rendering for {@code --output config}: script, patch and snippet. */
  public static String render(AnalysisReport report) {
    var findings = report.findings();
    var out = new StringBuilder(script(findings));
    if (parameters(findings).isEmpty()) {
      return out.toString();
    }
    out.append("\n-- CloudNativePG: merge into the Cluster resource in Git\n");
    cloudNativePgPatch(findings).lines().forEach(l -> out.append("-- ").append(l).append('\n'));
    out.append("\n-- postgresql.conf\n");
    postgresqlConf(findings).lines().forEach(l -> out.append("-- ").append(l).append('\n'));
    return out.toString();
  }

  private static List<Finding> configFindings(List<Finding> findings) {
    return Findings.sorted(findings).stream()
        .filter(f -> f.category() == Category.CONFIG).toList();
  }

  private static String environment(List<Finding> findings) {
    return configFindings(findings).stream().map(f -> f.evidence().get("environment"))
        .filter(e -> e != null).map(Object::toString).findFirst().orElse(null);
  }

  private static String alterSystem(String name, String value) {
    return "ALTER SYSTEM SET " + Identifiers.quote(name) + " = " + Identifiers.literal(value)
        + ";";
  }

  /** CloudNativePG parameters are strings: always double-quoted, JSON-escaped. */
  private static String yamlString(String v) {
    var sb = new StringBuilder("\"");
    for (char c : v.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }

  /** postgresql.conf quoting: single quotes, a quote doubled. */
  private static String confString(String v) {
    return "'" + v.replace("\\", "\\\\").replace("'", "''").replace("\n", " ") + "'";
  }
}
