package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Syslog, syslog with ISO times and Heroku logplex are detected and read as the stderr inside. */
class LogEnvelopeTest {

  /** As PostgreSQL writes to syslog: [n-m] chunks, the tab of continuation lines as #011. */
  private static final String SYSLOG =
      """
      Feb 11 13:15:39 db1 postgres[10808]: [1-1] db=,user=,app=,client= LOG:  database system is ready to accept connections
      Feb 11 13:15:41 db1 postgres[10825]: [7-1] db=shop,user=alice,app=psql,client=[local] LOG:  duration: 2.500 ms  statement: SELECT id
      Feb 11 13:15:41 db1 postgres[10825]: [7-2] #011FROM orders
      Feb 11 13:15:41 db1 postgres[10825]: [7-3] #011WHERE id = 4;
      Feb  3 09:00:00 db1 postgres[10826]: [2-1] db=shop,user=bob,app=psql,client=10.0.0.5 ERROR:  relation "nope" does not exist at character 15
      Feb  3 09:00:00 db1 postgres[10826]: [2-2] db=shop,user=bob,app=psql,client=10.0.0.5 STATEMENT:  select * from nope;
      """;

  @Test
  void syslogWithContinuationsIsRead() {
    var c = LogCollector.text(SYSLOG, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.SYSLOG);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.logLinePrefix()).isEqualTo("%t [%p] db=%d,user=%u,app=%a,client=%h ");
    var statement = c.events(ExecutedStatement.class).get(0);
    assertThat(statement.text()).isEqualTo("SELECT id\nFROM orders\nWHERE id = 4;");
    assertThat(statement.durationMs()).isEqualTo(2.5);
    assertThat(statement.origin().user()).isEqualTo("alice");
    assertThat(statement.origin().pid()).isEqualTo(10825);
    // syslog has no year: the current one
    int year = Year.now(ZoneOffset.UTC).getValue();
    assertThat(statement.origin().timestamp())
        .isEqualTo(Instant.parse(year + "-02-11T13:15:41Z"));
    assertThat(c.records.get(2).statement()).isEqualTo("select * from nope;");
    assertThat(c.records.get(2).timestamp()).isEqualTo(Instant.parse(year + "-02-03T09:00:00Z"));
  }

  @Test
  void syslogWithIsoTimesIsRead() {
    String log =
        """
        2024-02-11T13:15:41.123456+01:00 db1 postgres[10825]: [7-1] user=alice,db=shop LOG:  duration: 1.000 ms  statement: select 1
        2024-02-11T13:15:42.5+01:00 db1 postgres[10825]: [8-1] user=alice,db=shop LOG:  duration: 2.000 ms  statement: select
        2024-02-11T13:15:42.5+01:00 db1 postgres[10825]: [8-2] #0112
        """;
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.SYSLOG2);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.records.get(0).timestamp())
        .isEqualTo(Instant.parse("2024-02-11T12:15:41.123456Z"));
    assertThat(c.events(ExecutedStatement.class))
        .extracting(ExecutedStatement::text)
        .containsExactly("select 1", "select\n2");
  }

  /** pgBadger's logplex fixture: both drain layouts, multi-line statements, lock waits. */
  @Test
  void herokuLogplexIsRead() {
    var c = LogCollector.read(Path.of("src/test/resources/logs/pgbadger/logplex.gz"));
    assertThat(c.result.format()).isEqualTo(LogFormat.LOGPLEX);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.logLinePrefix()).isEqualTo("%t [%p]  sql_error_code = %e ");
    assertThat(c.records.get(0).pid()).isEqualTo(4882);
    assertThat(c.records.get(0).sqlState()).isEqualTo("00000");
    assertThat(c.records.get(0).timestamp()).isEqualTo(Instant.parse("2019-03-14T00:22:56Z"));
    assertThat(c.events(ExecutedStatement.class)).hasSize(4);
    assertThat(c.events(ExecutedStatement.class).get(3).text()).contains("\n");
  }

  @Test
  void aForcedEnvelopeIsUsed() {
    var c = LogCollector.text(SYSLOG, new LogReaderOptions(LogFormat.SYSLOG, null));
    assertThat(c.result.format()).isEqualTo(LogFormat.SYSLOG);
    assertThat(c.events(ExecutedStatement.class)).hasSize(1);
  }
}
