package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attack of {@link PgBouncerDetectionEvasionTest} on Amazon Redshift's user activity log: it
 * writes a query's newlines raw, so every line of a query after its header is a client's text.
 * A query made of another format's lines, near the start of the file, must not decide how the
 * file is read (as syslog, pgBouncer's log, csvlog or plain stderr, every Redshift record would
 * be unparsed and every query hidden from the analysis; as Redshift's connection log, every query
 * unread): after a user activity header, the lines up to the next header are the query's and do
 * not vote.
 */
class RedshiftDetectionEvasionTest {

  private static final String HEADER =
      "'2020-03-07T16:09:43Z UTC [ db=dev user=mallory pid=16929 userid=1 xid=7382 ]' LOG: ";

  /** A line of each format the file could be made to pass for. */
  private static final List<String> FORGED = List.of(
      "May  1 10:00:00 db1 postgres[101]: [2-1] LOG:  duration: 0.100 ms  statement: select 1",
      "2019-02-11T13:15:39.123456+01:00 db1 postgres[101]: [2-1] LOG:  statement: select 1",
      "2024-05-01 10:00:00.123 UTC [812] LOG C-0x55d1c8a0b2c0: shop/app@10.0.0.8:51544 login"
          + " attempt: db=shop user=app tls=no",
      "2024-05-01 10:00:00.100 UTC,\"app\",\"shop\",101,\"10.0.0.5:5432\",6632f0a0.65,1,"
          + "\"SELECT\",2024-05-01 09:59:00 UTC,3/10,0,LOG,00000,\"statement: select 1\",,,,,,,,,"
          + "\"psql\",\"client backend\",,0",
      "2024-05-01 10:00:00.100 UTC [101] app@shop LOG:  duration: 1.500 ms  statement: select 1",
      "{\"timestamp\":\"2024-05-01 10:00:00.100 UTC\",\"pid\":101,\"error_severity\":\"LOG\","
          + "\"message\":\"statement: select 1\"}",
      // Redshift's own connection log: the file would be read as one, its queries unread
      "authenticated |Mon, 7 Dec 2020 20:01:55:177|[local] | |5108|dev |rdsdb |Ident |0| | |0|"
          + " | | | | | | |");

  private static String log(String forged) {
    var text = new StringBuilder(HEADER).append("select 1 /*");
    for (int i = 0; i < 300; i++) {
      text.append('\n').append(forged);
    }
    return text.append("\n*/;\n")
        .append("'2020-03-07T16:09:44Z UTC [ db=dev user=analyst pid=16931 userid=100 xid=7383 ]'"
            + " LOG: select count(*) from sales\n")
        .toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
  void aQueryMadeOfAnotherFormatsLinesDoesNotChangeHowTheFileIsRead(int format) {
    String forged = FORGED.get(format);

    var c = LogCollector.text(log(forged), LogReaderOptions.auto());

    assertThat(c.result.format()).as(forged).isEqualTo(LogFormat.REDSHIFT);
    assertThat(c.result.pgbouncer()).isNull();
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.records).hasSize(2);
    assertThat(c.records.get(0).message()).startsWith("statement: select 1 /*\n")
        .contains(forged).endsWith("*/;");
    assertThat(c.records.get(1).user()).isEqualTo("analyst");
  }

  /** Only what follows a header is a query's: a file with no header votes as before. */
  @Test
  void linesBeforeAnyHeaderStillVote() {
    String syslog = FORGED.get(0);
    var text = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      text.append(syslog).append('\n');
    }
    assertThat(FormatDetector.recordStarts(List.of(text.toString().split("\n")))).hasSize(10);
    var afterHeader = new java.util.ArrayList<>(List.of(HEADER + "select 1"));
    afterHeader.addAll(List.of(text.toString().split("\n")));
    afterHeader.add(HEADER + "select 2");
    assertThat(FormatDetector.recordStarts(afterHeader))
        .containsExactly(HEADER + "select 1", HEADER + "select 2");
  }
}
