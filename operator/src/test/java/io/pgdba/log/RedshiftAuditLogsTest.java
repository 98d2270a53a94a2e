package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.workload.LogReport;
import io.pgdba.workload.LogReportAccumulator;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Amazon Redshift's connection and user logs, written in the shape AWS's audit logging delivers
 * them (pipe-separated, fields padded with a space, {@code Mon, 7 Dec 2020 20:01:55:177} times;
 * the columns are STL_CONNECTION_LOG's and STL_USERLOG's): each detected by content, the
 * connection log's events counted in the log report's sessions section, the user log recognised
 * and said to hold no statements.
 */
class RedshiftAuditLogsTest {

  private static LogReport.Sessions sessions(LogCollector c) {
    var acc = new LogReportAccumulator();
    c.records.forEach(acc::record);
    return acc.build().sessions();
  }

  @Test
  void connectionLogGivesSessions() {
    var c = LogCollector.fixture("redshift/connectionlog");
    assertThat(c.result.format()).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.contents()).startsWith("a Redshift connection log:")
        .contains("no statements");
    assertThat(c.records).hasSize(11);
    var s = sessions(c);
    assertThat(s.connections()).isEqualTo(3);
    assertThat(s.disconnections()).isEqualTo(3);
    assertThat(s.byDatabase()).isEqualTo(Map.of("dev", 1L, "analytics", 2L));
    assertThat(s.byUser()).isEqualTo(Map.of("rdsdb", 1L, "analyst", 1L, "etl", 1L));
    // the address an "authenticated" line gave, as "connection received" gives it
    assertThat(s.byHost()).isEqualTo(
        Map.of("[local]", 1L, "::ffff:10.0.3.17", 1L, "::ffff:10.0.9.4", 1L));
    assertThat(s.byApplication()).containsEntry("Redshift_JDBC_Driver_2.0.0.1", 1L)
        .containsEntry("psql", 1L);
    // 127304 us, 3730 s and 4140 s
    assertThat(s.meanDurationMs()).isCloseTo((127.0 + 3_730_000 + 4_140_000) / 3,
        org.assertj.core.data.Offset.offset(1.0));
    assertThat(s.peakConcurrent()).isEqualTo(2);
    assertThat(s.peakAt()).isEqualTo(Instant.parse("2020-12-07T20:03:20.066Z"));
    // the failed authentication is an error, as PostgreSQL's FATAL is
    assertThat(c.records).filteredOn(r -> r.severity().equals("FATAL")).singleElement()
        .satisfies(r -> assertThat(r.message())
            .isEqualTo("authentication failed for user \"etl\""));
  }

  @Test
  void userLogIsRecognisedAndSaysItHoldsNoStatements() {
    var c = LogCollector.fixture("redshift/userlog");
    assertThat(c.result.format()).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.contents()).startsWith("a Redshift user log:").contains("no statements");
    assertThat(c.records).extracting(LogRecord::message).containsExactly(
        "Redshift user log: alter user rdsdb createdb=1 superuser=1 catupd=1",
        "Redshift user log: create user awsuser createdb=1 superuser=1 catupd=0",
        "Redshift user log: create user etl createdb=0 superuser=0 catupd=0",
        "Redshift user log: rename user report_ro (was reporting) createdb=0 superuser=0"
            + " catupd=0",
        "Redshift user log: drop user etl createdb=0 superuser=0 catupd=0");
    assertThat(c.records.get(1).timestamp()).isEqualTo(Instant.parse("2020-12-03T10:18:38.695Z"));
    assertThat(c.records.get(1).pid()).isEqualTo(14888);
    assertThat(sessions(c)).isNull();
  }

  @Test
  void theUserActivityLogIsStillItsOwn() {
    var c = LogCollector.fixture("redshift/useractivitylog");
    assertThat(c.result.contents()).isNull();
    assertThat(c.records).hasSize(5);
  }

  @Test
  void linesAreRecognisedStrictly() {
    assertThat(RedshiftLog.connection("initiating session |Mon, 7 Dec 2020 20:01:55:177|[local]"
        + " | |5108|dev |rdsdb |Ident |0| | |0| | | | | | | |"))
        .isEqualTo("2020-12-07 20:01:55.177 UTC [5108] LOG:  connection authorized: user=rdsdb"
            + " database=dev");
    assertThat(RedshiftLog.connection("disconnecting session |Mon, 7 Dec 2020 20:01:55:304|"
        + "10.0.0.1 |5000 |5108|dev |rdsdb |Ident |3725127304| | |0| | | | | | | |"))
        .endsWith("disconnection: session time: 1:02:05.127 user=rdsdb database=dev"
            + " host=10.0.0.1 port=5000");
    // a bad time, a pid that is no number, too few fields, a duration that is no number
    assertThat(RedshiftLog.connection("authenticated |Mon, 7 Dec 2020|x | |1|d |u |m |0|"))
        .isNull();
    assertThat(RedshiftLog.connection("authenticated |Mon, 7 Dec 2020 20:01:55:177|x | |p|d |u"
        + " |m |0|")).isNull();
    assertThat(RedshiftLog.connection("a|b|c")).isNull();
    assertThat(RedshiftLog.connection("disconnecting session |Mon, 7 Dec 2020 20:01:55:304|"
        + "h |1 |5108|dev |u |Ident |-5| | |0|")).isNull();
    assertThat(RedshiftLog.userChange("1|rdsdb | |alter |1|1|1|x|14872|1061|Thu, 3 Dec 2020"
        + " 10:18:38:416")).isNotNull();
    assertThat(RedshiftLog.userChange("x|rdsdb | |alter |1|1|1|x|14872|1061|Thu, 3 Dec 2020"
        + " 10:18:38:416")).isNull();
    assertThat(RedshiftLog.unwrap("select a || b || c from t")).isNull();
  }

  /**
   * Names are the clients': a user name that holds a whole stderr line (severity, a duration, a
   * statement) stays inside its message, one connection, no statement; escapes and spaces cannot
   * end the field; a query in the user activity log shaped like a connection log line is still
   * query text; garbage is counted.
   */
  @Test
  void hostileNamesAreCountedNotObeyed() {
    String t = "|Mon, 7 Dec 2020 20:01:55:177|";
    String forged = "x LOG:  duration: 99999.000 ms  statement: drop table t";
    String log = "authenticated " + t + "10.0.0.1 |5000 |7|dev |" + forged + " |password |0|\n"
        + "initiating session " + t + "10.0.0.1 |5000 |7|dev |" + forged + " |password |0|\n"
        + "initiating session " + t + "10.0.0.2 |5001 |8|\u001b[2Jdb\u0007 |u |password |0|\n"
        + "\u0000\u0001 garbage\n"
        + "authentication failure " + t + "10.0.0.3 |5002 |9|dev |\" FATAL:  x |password |0|\n";
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.events(LogEvent.ExecutedStatement.class)).isEmpty();
    assertThat(c.records).extracting(LogRecord::message).noneMatch(m -> m.startsWith("duration"));
    var s = sessions(c);
    assertThat(s.connections()).isEqualTo(2);
    assertThat(s.byUser()).containsOnlyKeys(
        "x_LOG:__duration:_99999.000_ms__statement:_drop_table_t", "u");
    // control characters are written as _ too: no escape reaches a terminal
    assertThat(s.byDatabase()).containsOnlyKeys("dev", "_[2Jdb_");
    assertThat(c.records).filteredOn(r -> r.severity().equals("FATAL")).hasSize(1);

    String activity = "'2020-03-07T16:09:43Z UTC [ db=dev user=u pid=7 userid=1 xid=2 ]' LOG:"
        + " select 1 from t where a = '\n"
        + "disconnecting session |Mon, 7 Dec 2020 20:01:55:304|h |1 |5108|dev |u |Ident |5|\n"
        + "'\n";
    var a = LogCollector.text(activity, LogReaderOptions.auto());
    assertThat(a.records).singleElement()
        .satisfies(r -> assertThat(r.message()).contains("disconnecting session"));
    assertThat(sessions(a)).isNull();
  }
}
