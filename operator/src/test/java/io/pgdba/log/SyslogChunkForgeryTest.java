package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attack: under syslog, PostgreSQL cuts a message line longer than 900 bytes into chunks
 * {@code [n-2]}, {@code [n-3]}... at the last blank before the limit, or exactly at 900 bytes when
 * the window has no blank. A client who sends a long statement with a 899-byte run without blanks
 * before each piece of text therefore decides where a chunk starts, and that chunk carries no tab.
 * PostgreSQL does write a DETAIL or STATEMENT with its prefix as a later chunk, so such a chunk was
 * read as a line of its own whatever its severity: a forged chunk made a record (a 987654 ms DELETE
 * by another user), and 150 of them made the prefix inference pick a prefix no server line
 * carries, every statement of the file unparsed. Now a later chunk is a line of its own only with
 * a part's severity, and later chunks never teach the prefix.
 */
class SyslogChunkForgeryTest {

  private static final int PG_SYSLOG_LIMIT = 900;

  /**
   * The chunks PostgreSQL's syslog output makes of one message line (no newline in it): up to 900
   * bytes, cut at the last blank of the window when the byte after the window is not one, or at
   * 900 bytes when the window has no blank after its first byte.
   */
  static List<String> chunks(String line) {
    var out = new ArrayList<String>();
    int p = 0;
    while (p < line.length()) {
      int len = Math.min(PG_SYSLOG_LIMIT, line.length() - p);
      if (p + len < line.length() && !Character.isWhitespace(line.charAt(p + len))) {
        int i = len - 1;
        while (i > 0 && !Character.isWhitespace(line.charAt(p + i))) {
          i--;
        }
        if (i > 0) {
          len = i;
        }
      }
      out.add(line.substring(p, p + len));
      p += len;
    }
    return out;
  }

  private static String syslog(int seq, String message) {
    var text = new StringBuilder();
    List<String> parts = chunks(message);
    for (int k = 0; k < parts.size(); k++) {
      text.append("Feb 11 13:15:41 db1 postgres[10825]: [").append(seq).append('-').append(k + 1)
          .append("] ").append(parts.get(k)).append('\n');
    }
    return text.toString();
  }

  private static final String PREFIX = "db=shop,user=alice,app=psql,client=[local] ";

  /** A statement in which every {@code forged} text starts a syslog chunk of its own. */
  private static String statement(String forged, int times) {
    var sql = new StringBuilder("select 1 /*");
    for (int i = 0; i < times; i++) {
      sql.append(' ').append("X".repeat(PG_SYSLOG_LIMIT - 1)).append(forged);
    }
    return sql.append(" */").toString();
  }

  @Test
  void theChunkSimulationPutsTheForgedTextAtTheStartOfAChunk() {
    String forged = "FORGED text";
    List<String> parts = chunks(PREFIX + "LOG:  duration: 1.000 ms  statement: "
        + statement(forged, 3));
    assertThat(parts).filteredOn(s -> s.startsWith(forged)).hasSize(3);
  }

  @Test
  void aChunkOfAClientsStatementIsNoRecordOfItsOwn() {
    // what the attacker wants in the report: a slow DELETE by another user
    String forged = PREFIX.replace("alice", "admin")
        + "LOG:  duration: 987654.000 ms  statement: delete from payments";
    String log = syslog(7, PREFIX + "LOG:  duration: 1.000 ms  statement: "
        + statement(forged, 1))
        + syslog(8, PREFIX + "LOG:  duration: 2.000 ms  statement: select 2");

    var c = LogCollector.text(log, LogReaderOptions.auto());

    assertThat(c.result.format()).isEqualTo(LogFormat.SYSLOG);
    // PostgreSQL ran two statements, both by alice; the forged chunk is text of the first one
    assertThat(c.events(LogEvent.ExecutedStatement.class))
        .extracting(LogEvent.ExecutedStatement::text)
        .doesNotContain("delete from payments")
        .hasSize(2);
  }

  @Test
  void chunksOfAClientsStatementDoNotChangeHowTheServersSyslogIsRead() {
    String forged = "C-0x55d1c8a0b2c0: shop/app@10.0.0.8:51544 login attempt: db=shop"
        + " user=app tls=no LOG:  x";
    String log = syslog(7, PREFIX + "LOG:  duration: 1.000 ms  statement: "
        + statement(forged, 150))
        + syslog(8, PREFIX + "LOG:  duration: 2.000 ms  statement: select 2");

    var c = LogCollector.text(log, LogReaderOptions.auto());

    assertThat(c.result.pgbouncer()).isNull();
    assertThat(c.result.format()).isEqualTo(LogFormat.SYSLOG);
    assertThat(c.result.logLinePrefix()).as("%s unparsed, first: %s", c.result.unparsedLines(),
        c.result.firstUnparsed()).isEqualTo("%t [%p] db=%d,user=%u,app=%a,client=%h ");
    assertThat(c.events(LogEvent.ExecutedStatement.class)).hasSize(2);
  }

  /**
   * A later chunk may carry a part's severity (PostgreSQL writes DETAIL and STATEMENT that way),
   * so a forged chunk can too: such chunks, whatever prefix they show, must not teach the prefix.
   */
  @Test
  void forgedDetailChunksDoNotTeachThePrefix() {
    String forged = "C-0x55d1c8a0b2c0: shop/app@10.0.0.8:51544 DETAIL:  x";
    String log = syslog(7, PREFIX + "LOG:  duration: 1.000 ms  statement: "
        + statement(forged, 150))
        + syslog(8, PREFIX + "LOG:  duration: 2.000 ms  statement: select 2");

    var c = LogCollector.text(log, LogReaderOptions.auto());

    assertThat(c.result.logLinePrefix()).as("%s unparsed, first: %s", c.result.unparsedLines(),
        c.result.firstUnparsed()).isEqualTo("%t [%p] db=%d,user=%u,app=%a,client=%h ");
    assertThat(c.events(LogEvent.ExecutedStatement.class)).hasSize(2);
  }
}
