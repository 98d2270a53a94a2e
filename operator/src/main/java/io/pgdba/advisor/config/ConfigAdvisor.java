package io.pgdba.advisor.config;

import io.pgdba.ddl.Identifiers;
import io.pgdba.finding.AdvisorContext;
import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.FindingAdvisor;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration advisor: settings sized from the server's real resources and its workload,
 * one {@code config.*} finding per change with the current and proposed value, whether a restart
 * is needed, and the expected effect. The statement to run is ALTER SYSTEM on a self-managed
 * server and none elsewhere (a CloudNativePG Cluster or a cloud parameter group is changed
 * through its own resource); {@code report.ConfigReport} renders the script and the patches.
 */
public final class ConfigAdvisor implements FindingAdvisor {

  @Override
  public String name() {
    return "config";
  }

  @Override
  public List<Finding> advise(AdvisorContext context) throws SQLException {
    Resources resources;
    try {
      resources = Resources.from(context.settings());
    } catch (IllegalArgumentException e) {
      context.warnings().add("the config advisor stopped: " + e.getMessage());
      return List.of();
    }
    int major = context.catalog().server().majorVersion();
    var state = new ServerStateReader().read(context.session(), major);
    var env = Environment.detect(context.settings().get(Environment.SETTING),
        state.settings().keySet());
    var signals = WorkloadSignals.of(context.workload(), context.fromLogs());
    var changes = ConfigRules.recommend(state, resources, env, signals);
    if (!changes.isEmpty() && !resources.assumptions().isEmpty()) {
      // one line, so that the operator's bounded warning list keeps room for others
      context.warnings().add("config advisor: " + String.join("; ",
          resources.assumptions()));
    }
    var findings = new ArrayList<Finding>();
    for (var c : changes) {
      var f = Finding.of(Category.CONFIG, "config." + c.kind(), c.severity(), c.parameter(),
          c.title(), c.evidence(), c.advice());
      if (env.usesAlterSystem() && c.proposed() != null) {
        f = f.withSql(alterSystem(c.parameter(), c.proposed()),
            "default".equals(c.evidence().get("source")) || c.current() == null
                ? "ALTER SYSTEM RESET " + Identifiers.quote(c.parameter()) + ";"
                : alterSystem(c.parameter(), c.current()));
      }
      findings.add(f);
    }
    return findings;
  }

  /** ALTER SYSTEM for one parameter, quoted through the one quoting function. */
  public static String alterSystem(String parameter, String value) {
    return "ALTER SYSTEM SET " + Identifiers.quote(parameter) + " = "
        + Identifiers.literal(value) + ";";
  }
}
