package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration script and patches, with values no advisor should make but must survive. */
class ConfigReportTest {

  private static Finding config(String parameter, String proposed, boolean restart,
      String environment) {
    var ev = new LinkedHashMap<String, Object>();
    ev.put("current", "x");
    ev.put("proposed", proposed);
    ev.put("restart", restart);
    ev.put("environment", environment);
    return Finding.of(Category.CONFIG, "config." + parameter, Severity.INFO, parameter, "t", ev,
        "a");
  }

  @Test
  void theScriptMarksRestartsAndReloadsOnce() {
    var findings = List.of(config("work_mem", "64MB", false, "self-managed"),
        config("shared_buffers", "1GB", true, "self-managed"),
        Finding.of(Category.TABLE, "table.bloat", Severity.CRITICAL, "public.t", "t", null, "a"));
    assertThat(ConfigReport.script(findings)).isEqualTo("""
        -- pgdba configuration changes
        ALTER SYSTEM SET shared_buffers = '1GB'; -- needs a restart
        ALTER SYSTEM SET work_mem = '64MB';
        SELECT pg_reload_conf();
        -- then restart the server for: shared_buffers
        """);
    assertThat(ConfigReport.cloudNativePgPatch(findings)).isEqualTo("""
        spec:
          postgresql:
            parameters:
              shared_buffers: "1GB"
              work_mem: "64MB"
        """);
  }

  @Test
  void onCloudNativePgTheScriptRunsNothing() {
    var script = ConfigReport.script(List.of(config("work_mem", "64MB", false, "CloudNativePG")));
    assertThat(script.lines().filter(l -> !l.startsWith("--"))).isEmpty();
    assertThat(script).contains("do not run ALTER SYSTEM here",
        "-- ALTER SYSTEM SET work_mem = '64MB';");
  }

  /** A value with quotes, a backslash and a newline stays one literal in every rendering. */
  @Test
  void hostileValuesStayLiterals() {
    String evil = "x'; DROP TABLE t; --\\\n\"y";
    var findings = List.of(config("log_line_prefix", evil, false, "self-managed"));
    assertThat(ConfigReport.script(findings))
        .contains("ALTER SYSTEM SET log_line_prefix = E'x''; DROP TABLE t; --\\\\\n\"y';");
    assertThat(ConfigReport.cloudNativePgPatch(findings))
        .contains("      log_line_prefix: \"x'; DROP TABLE t; --\\\\\\n\\\"y\"\n");
    assertThat(ConfigReport.postgresqlConf(findings))
        .contains("log_line_prefix = 'x''; DROP TABLE t; --\\\\ \"y'\n");
    // in --output config the patch is commented out line by line: the newline cannot escape
    var all = ConfigReport.postgresqlConf(findings).lines().toList();
    assertThat(all).hasSize(2);
  }
}
