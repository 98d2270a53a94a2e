package io.pgdba.cli;

import static io.pgdba.cli.AnalyzeCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * pgBouncer's log given beside the server's ({@code --log pg.log --log pgbouncer.log}) adds a
 * pgBouncer section to the same report; alone it gives that section and zero statements, exit 0.
 */
class PgBouncerSourceTest {

  private static final Path DIR = Path.of("src/test/resources/logs/pgbadger");
  private static final String PG = DIR.resolve("light.postgres.log.bz2").toString();
  private static final String BOUNCER = DIR.resolve("pgbouncer.log.gz").toString();

  @Test
  void besideTheServersLogBothAreReported() throws Exception {
    var r = run("analyze", "--log", PG, "--log", BOUNCER, "--output", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/summary/statements").asLong()).isEqualTo(629);
    assertThat(json.at("/summary/format").asText()).isEqualTo("mixed");
    assertThat(json.at("/sources/1/format").asText()).isEqualTo("pgbouncer");
    var b = json.get("pgbouncer");
    assertThat(b.get("loginAttempts").asLong()).isEqualTo(4998);
    assertThat(b.at("/byDatabase/pgbench").asLong()).isEqualTo(4998);
    assertThat(b.at("/closings/0/reason").asText()).isEqualTo("client close request");
    assertThat(b.at("/stats/samples").asLong()).isEqualTo(5);
    assertThat(b.at("/stats/xactsPerSecond/max").asLong()).isEqualTo(481);
    assertThat(b.at("/stats/xactsPerSecond/maxAt").asText())
        .isEqualTo("2018-09-12T16:10:54.781Z");
    assertThat(json.get("warnings").toString()).doesNotContain("pgbouncer.log.gz:");

    var text = run("analyze", "--log", PG, "--log", BOUNCER);
    assertThat(text.exit()).isZero();
    assertThat(text.out()).contains("\npgBouncer: 10,005 lines")
        .contains("login attempts: 4,998")
        .contains("logins by database: pgbench 4,998")
        .contains("transactions/s    mean 213.00, max 481 at 2018-09-12T16:10:54.781Z");
  }

  @Test
  void aloneItIsAResultWithoutStatements() throws Exception {
    var r = run("analyze", "--log", BOUNCER, "--output", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    var json = new ObjectMapper().readTree(r.out());
    assertThat(json.at("/summary/statements").asLong()).isZero();
    assertThat(json.at("/summary/unparsedLines").asLong()).isZero();
    assertThat(json.at("/pgbouncer/loginAttempts").asLong()).isEqualTo(4998);
    assertThat(json.get("warnings").toString()).doesNotContain("log_min_duration_statement");
  }

  @Test
  void withoutAPgBouncerLogThereIsNoSection() throws Exception {
    var r = run("analyze", "--log", PG, "--output", "json");
    assertThat(new ObjectMapper().readTree(r.out()).has("pgbouncer")).isFalse();
    assertThat(run("analyze", "--log", PG).out()).doesNotContain("pgBouncer");
  }
}
