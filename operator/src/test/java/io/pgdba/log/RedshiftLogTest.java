package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Amazon Redshift's user activity log, written from AWS's audit logging documentation (pgBadger
 * has no fixture for it): every query as a logged statement, its text going on over the lines
 * after the header. Redshift logs no durations here: the queries are counted as records, not
 * timed.
 */
class RedshiftLogTest {

  @Test
  void userActivityLogReadsWithAutoDetection() {
    var c = LogCollector.fixture("redshift/useractivitylog");
    assertThat(c.result.format()).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.result.logLinePrefix()).isEqualTo("%t [%p] db=%d,user=%u ");
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.records).hasSize(5);
    var third = c.records.get(2);
    assertThat(third.user()).isEqualTo("analyst");
    assertThat(third.database()).isEqualTo("dev");
    assertThat(third.pid()).isEqualTo(16931);
    assertThat(third.timestamp()).isEqualTo(Instant.parse("2020-03-07T16:09:45Z"));
    assertThat(third.message()).isEqualTo("statement: select eventname, sum(pricepaid)\n"
        + "from sales join event using (eventid)\n"
        + "group by eventname order by 2 desc limit 10;");
  }

  @Test
  void headersAreRecognisedStrictly() {
    assertThat(RedshiftLog.unwrap("'2020-03-07T16:09:43Z UTC [ db=dev user=u pid=7 userid=1"
        + " xid=2 ]' LOG: select 1"))
        .isEqualTo("2020-03-07 16:09:43 UTC [7] db=dev,user=u LOG:  statement: select 1");
    assertThat(RedshiftLog.unwrap("'2020-03-07T16:09:43Z UTC [ db=dev user=u pid=x ]' LOG: a"))
        .isNull();
    assertThat(RedshiftLog.unwrap("select 1")).isNull();
    assertThat(RedshiftLog.unwrap("'2020-03-07T16:09:43Z UTC no header")).isNull();
  }

  /**
   * A query whose text holds a line shaped like a header is the server's record of what a user
   * sent: such a line does start a record (as it would in stderr), but a name with a space or a
   * huge line cannot break the reading, and binary garbage is counted.
   */
  @Test
  void hostileQueriesAreCountedNotThrown() {
    String log = "'2020-03-07T16:09:43Z UTC [ db=dev user=u pid=7 userid=1 xid=2 ]' LOG: select"
        + " '\u001b[2J'\n"
        + "\u0000\u0001\u0002 garbage\n"
        + "'2020-03-07T16:09:44Z UTC [ db=dev user=u pid=7 userid=1 xid=3 ]' LOG: select '"
        + "z".repeat(1_200_000) + "'\n"
        + "'2020-03-07T16:09:45Z UTC [ db=dev user=u pid=7 userid=1 xid=4 ]' LOG: select 3\n";
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.records).hasSize(3);
    assertThat(c.records.get(0).message()).contains("\u001b[2J");
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.truncatedLines()).isEqualTo(1);
  }
}
