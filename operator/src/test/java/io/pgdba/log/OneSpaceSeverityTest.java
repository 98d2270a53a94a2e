package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL writes two spaces after {@code LOG:} and after {@code ms}; a collector that squeezes
 * them to one (pgBadger's pg-timezones.log) is read where the prefix puts the severity, but "ERROR:
 * " with one space inside a statement's text starts nothing.
 */
class OneSpaceSeverityTest {

  @Test
  void oneSpaceAfterTheSeverityAndTheDurationReads() {
    var c = LogCollector.text("""
        2021-05-27 17:00:00 UTC:10.1.91.65:user@my_db:[24743]:LOG: duration: 0.054 ms statement: \
        SELECT * FROM t1;
        2021-05-27 17:46:39 UTC:10.1.17.194:user@my_db:[19003]:LOG: duration: 0.060 ms statement: \
        UPDATE t1 SET c1=1;
        """, LogReaderOptions.auto());
    assertThat(c.result.logLinePrefix()).isEqualTo("%t:%r:%u@%d:[%p]:");
    assertThat(c.events(ExecutedStatement.class)).extracting(ExecutedStatement::text)
        .containsExactly("SELECT * FROM t1;", "UPDATE t1 SET c1=1;");
  }

  @Test
  void aSyslogChunkWithErrorColonInItsTextStillContinues() {
    var c = LogCollector.text("""
        Feb 11 13:15:40 host postgres[10819]: [7-1] db=shop,user=app LOG:  duration: 1.000 ms  \
        statement: select *
        Feb 11 13:15:40 host postgres[10819]: [7-2] #011from t where msg = 'ERROR: boom'
        Feb 11 13:15:41 host postgres[10819]: [8-1] db=shop,user=app LOG:  duration: 2.000 ms  \
        statement: select 2
        """, LogReaderOptions.auto());
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.events(ExecutedStatement.class)).extracting(ExecutedStatement::text)
        .containsExactly("select *\nfrom t where msg = 'ERROR: boom'", "select 2");
  }
}
