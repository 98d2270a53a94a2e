package io.pgdba.cli;

import static io.pgdba.cli.AnalyzeCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Redshift's connection log given alone is a result, exit 0: its sessions in the JSON {@code log}
 * object, and a note that says what it holds rather than asking for log_min_duration_statement;
 * its user log, and pgBouncer's log through syslog, likewise.
 */
class RedshiftAuditLogCliTest {

  private static final Path DIR = Path.of("src/test/resources/logs");

  @Test
  void connectionLogGivesTheSessionsSection() throws Exception {
    String log = DIR.resolve("redshift/connectionlog").toString();
    var r = run("analyze", "--log", log, "--output", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/sources/0/format").asText()).isEqualTo("redshift");
    assertThat(json.at("/summary/unparsedLines").asLong()).isZero();
    var s = json.at("/log/sessions");
    assertThat(s.get("connections").asLong()).isEqualTo(3);
    assertThat(s.get("disconnections").asLong()).isEqualTo(3);
    assertThat(s.at("/byUser/etl").asLong()).isEqualTo(1);
    assertThat(s.at("/byHost/::ffff:10.0.9.4").asLong()).isEqualTo(1);
    String warnings = json.get("warnings").toString();
    assertThat(warnings).contains("a Redshift connection log").contains("no statements")
        .doesNotContain("log_min_duration_statement");
  }

  @Test
  void userLogSaysItHoldsNoStatements() throws Exception {
    String log = DIR.resolve("redshift/userlog").toString();
    var r = run("analyze", "--log", log);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out() + r.err()).contains("a Redshift user log: changes to database users,"
        + " no statements").contains("5 lines read").doesNotContain("log_min_duration_statement");
  }

  @Test
  void pgBouncerThroughSyslogIsThePgBouncerSection() throws Exception {
    String log = DIR.resolve("pgbouncer/syslog").toString();
    var r = run("analyze", "--log", log, "--output", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/sources/0/format").asText()).isEqualTo("pgbouncer");
    assertThat(json.at("/pgbouncer/loginAttempts").asLong()).isEqualTo(3);
    assertThat(json.at("/pgbouncer/stats/samples").asLong()).isEqualTo(3);
  }
}
