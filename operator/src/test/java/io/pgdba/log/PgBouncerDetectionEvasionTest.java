package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attack: anyone who can send a query decides what a server log holds. A statement whose text
 * is made of pgBouncer log lines, logged near the start of a file, must not make the file read as
 * pgBouncer's log, which would hide every query in it from the analysis. csvlog writes a
 * statement's newlines raw inside its quoted field, and PostgreSQL's stderr format indents them
 * with a tab (also under a Kubernetes timestamp): neither kind of line is a record start, so
 * neither votes for a format.
 */
class PgBouncerDetectionEvasionTest {

  /** What pgBouncer 1.21 writes, as an attacker would paste it into a query. */
  private static final String BOUNCER_LINE =
      "2024-05-01 10:00:00.123 UTC [812] LOG C-0x55d1c8a0b2c0: shop/app@10.0.0.8:51544 login"
          + " attempt: db=shop user=app tls=no";

  private static String forgedStatement(int lines, String indent) {
    var sql = new StringBuilder("select 1 /*");
    for (int i = 0; i < lines; i++) {
      sql.append('\n').append(indent).append(BOUNCER_LINE);
    }
    return sql.append("\n").append(indent).append("*/").toString();
  }

  @Test
  void aCsvlogWhoseFirstStatementHoldsPgBouncerLinesStaysACsvlog() {
    String forged = forgedStatement(300, "").replace("\"", "\"\"");
    String text =
        "2024-05-01 10:00:00.100 UTC,\"app\",\"shop\",101,\"10.0.0.5:5432\",6632f0a0.65,1,"
            + "\"SELECT\",2024-05-01 09:59:00 UTC,3/10,0,LOG,00000,\"duration: 1.500 ms  statement: "
            + forged + "\",,,,,,,,,\"psql\",\"client backend\",,0\n"
            + "2024-05-01 10:00:01.100 UTC,\"app\",\"shop\",101,\"10.0.0.5:5432\",6632f0a0.65,2,"
            + "\"SELECT\",2024-05-01 09:59:00 UTC,3/11,0,LOG,00000,\"duration: 2.000 ms  statement: "
            + "select * from orders where id = 7\",,,,,,,,,\"psql\",\"client backend\",,0\n";

    var c = LogCollector.text(text, LogReaderOptions.auto());

    assertThat(c.result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(c.result.pgbouncer()).isNull();
    assertThat(c.result.unparsedLines()).isZero();
    List<LogEvent.ExecutedStatement> statements = c.events(LogEvent.ExecutedStatement.class);
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).text()).contains(BOUNCER_LINE);
    assertThat(statements.get(1).text()).isEqualTo("select * from orders where id = 7");
  }

  /** The same attack with syslog lines: the file would be read as syslog, every record unparsed. */
  @Test
  void aCsvlogWhoseFirstStatementHoldsSyslogLinesStaysACsvlog() {
    var sql = new StringBuilder("select 1 /*");
    for (int i = 0; i < 300; i++) {
      sql.append("\nMay  1 10:00:00 db1 postgres[101]: [").append(i + 2)
          .append("-1] LOG:  duration: 0.100 ms  statement: select 1");
    }
    sql.append("\n*/");
    String text =
        "2024-05-01 10:00:00.100 UTC,\"app\",\"shop\",101,\"10.0.0.5:5432\",6632f0a0.65,1,"
            + "\"SELECT\",2024-05-01 09:59:00 UTC,3/10,0,LOG,00000,\"duration: 1.500 ms  statement: "
            + sql + "\",,,,,,,,,\"psql\",\"client backend\",,0\n";

    var c = LogCollector.text(text, LogReaderOptions.auto());

    assertThat(c.result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(c.result.unparsedLines()).isZero();
    assertThat(c.events(LogEvent.ExecutedStatement.class)).hasSize(1);
  }

  @Test
  void aCsvlogUnderKubernetesTimestampsStaysACsvlog() {
    String k8s = "2024-05-01T10:00:00.123456789Z ";
    var text = new StringBuilder();
    String record =
        "2024-05-01 10:00:00.100 UTC,\"app\",\"shop\",101,\"10.0.0.5:5432\",6632f0a0.65,1,"
            + "\"SELECT\",2024-05-01 09:59:00 UTC,3/10,0,LOG,00000,\"duration: 1.500 ms  statement: "
            + forgedStatement(300, "").replace("\"", "\"\"")
            + "\",,,,,,,,,\"psql\",\"client backend\",,0";
    for (String line : record.split("\n")) {
      text.append(k8s).append(line).append('\n');
    }

    var c = LogCollector.text(text.toString(), LogReaderOptions.auto());

    assertThat(c.result.format()).isNotEqualTo(LogFormat.PGBOUNCER);
    assertThat(c.result.pgbouncer()).isNull();
  }

  @Test
  void aKubernetesStderrLogWhoseFirstStatementHoldsPgBouncerLinesStaysTheServers() {
    String k8s = "2024-05-01T10:00:00.123456789Z ";
    var text = new StringBuilder();
    String forged = forgedStatement(300, "\t");
    for (String line : ("2024-05-01 10:00:00.100 UTC [101] app@shop LOG:  duration: 1.500 ms"
        + "  statement: " + forged).split("\n")) {
      text.append(k8s).append(line).append('\n');
    }
    text.append(k8s).append("2024-05-01 10:00:01.100 UTC [101] app@shop LOG:  duration: 2.000 ms"
        + "  statement: select * from orders where id = 7\n");

    var c = LogCollector.text(text.toString(), LogReaderOptions.auto());

    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.result.pgbouncer()).isNull();
    assertThat(c.result.unparsedLines()).isZero();
    var statements = c.events(LogEvent.ExecutedStatement.class);
    assertThat(statements).hasSize(2);
    assertThat(statements.get(1).text()).isEqualTo("select * from orders where id = 7");
  }

  @Test
  void aPlainStderrLogWhoseFirstStatementHoldsPgBouncerLinesStaysTheServers() {
    String text = "2024-05-01 10:00:00.100 UTC [101] app@shop LOG:  duration: 1.500 ms"
        + "  statement: " + forgedStatement(300, "\t") + "\n"
        + "2024-05-01 10:00:01.100 UTC [101] app@shop LOG:  duration: 2.000 ms"
        + "  statement: select * from orders where id = 7\n";

    var c = LogCollector.text(text, LogReaderOptions.auto());

    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.result.pgbouncer()).isNull();
    assertThat(c.events(LogEvent.ExecutedStatement.class)).hasSize(2);
  }
}
