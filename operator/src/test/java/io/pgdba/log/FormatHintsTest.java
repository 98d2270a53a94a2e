package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's rules that no other test pinned: a format is told by content, never by a file's
 * name; a file no prefix can help names what it looks like; a format given by hand reads what
 * detection would have read.
 */
class FormatHintsTest {

  @Test
  void csvlogWithPostgres17ColumnsIsToldByContentWhateverTheName() {
    var byName = LogCollector.fixture("csvlog-pg17.csv");
    var url = LogCollector.class.getResource("/logs/csvlog-pg17.csv");
    var renamed = LogCollector.read(new LogSource("postgresql-Mon.log", url::openStream),
        LogReaderOptions.auto());
    assertThat(renamed.result.format()).isEqualTo(LogFormat.CSVLOG);
    assertThat(renamed.result.unparsedLines()).isZero();
    assertThat(renamed.records).hasSameSizeAs(byName.records).isNotEmpty();
    // the PG 14+ columns (leader_pid, query_id) are read, not shifted
    assertThat(renamed.records).extracting(LogRecord::queryId)
        .isEqualTo(byName.records.stream().map(LogRecord::queryId).toList())
        .anyMatch(q -> q != null && q != 0);
  }

  @Test
  void aSyslogFileGivenAsStderrSaysItLooksLikeSyslog() {
    String log = "Feb 11 13:15:39 db1 postgres[10808]: [1-1] LOG:  database system is ready\n"
        + "Feb 11 13:15:41 db1 postgres[10825]: [7-1] LOG:  duration: 2.500 ms  statement:"
        + " select 1\n";
    var c = LogCollector.text(log, new LogReaderOptions(LogFormat.STDERR, null));
    assertThat(c.records).isEmpty();
    assertThat(c.result.unparsedLines()).isEqualTo(2);
    assertThat(c.result.firstUnparsed()).contains("this looks like syslog")
        .doesNotContain("give the prefix");
    // and read without the option, it is syslog
    assertThat(LogCollector.text(log, LogReaderOptions.auto()).result.format())
        .isEqualTo(LogFormat.SYSLOG);
  }

  @Test
  void eachKnownShapeIsNamed() {
    assertThat(LogSniffer.describe(List.of(
        "2019-03-14T00:22:56+00:00 app[postgres.4882]: [GREEN] [15-1] sql_error_code = 00000")))
        .contains("Heroku logplex");
    assertThat(LogSniffer.describe(List.of("{\"textPayload\": \"x\", \"timestamp\": \"t\"}")))
        .contains("Cloud Logging");
    assertThat(LogSniffer.describe(
        List.of("2023-12-19 03:06:13.586 CET [10384] LOG C-0x1: d/u@1.1.1.1:1 login attempt:")))
        .contains("pgBouncer");
    assertThat(LogSniffer.describe(List.of("hello world", "nothing here")))
        .isEqualTo("this does not look like a PostgreSQL log");
  }

  @Test
  void pgBouncerThroughSyslogGivenByHandReadsAsDetected() {
    var detected = LogCollector.fixture("pgbouncer/syslog-iso");
    var forced = LogCollector.fixture("pgbouncer/syslog-iso",
        new LogReaderOptions(LogFormat.PGBOUNCER, null));
    assertThat(forced.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    assertThat(forced.result.pgbouncer()).isEqualTo(detected.result.pgbouncer());
  }

  /**
   * A duration PostgreSQL wrote with an empty statement (a client's empty query string) is a
   * statement: counted, with its time, not dropped.
   */
  @Test
  void aDurationWithAnEmptyStatementIsCounted() {
    String log = "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 0.250 ms  statement: \n"
        + "2024-05-01 10:00:01.000 UTC [7] LOG:  duration: 1.500 ms  statement: select 1\n";
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.unparsedLines()).isZero();
    assertThat(c.events(LogEvent.ExecutedStatement.class))
        .extracting(LogEvent.ExecutedStatement::durationMs).containsExactly(0.25, 1.5);
  }
}
