package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ServerEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code log_line_prefix} is learnt from the lines: pgBadger's field logs (its {@code
 * t/fixtures/}, kept in {@code logs/pgbadger/}) read with no option and no unparsed line, and the
 * counts agree with a plain count of the text.
 */
class PrefixInferenceTest {

  private static final Path PGBADGER = Path.of("src/test/resources/logs/pgbadger");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "multiline_param.log|%m [%p] user=%u,db=%d ",
        "tempfile_only.log.gz|%t [%p]: [%l-1] user=%u,db=%d ",
        "postgresql_param_range.log|%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a ",
        "pg_vacuums.log.gz|%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a ",
        "begin_end.log|%t [%p]: db=%d,user=%u,app=%a,client=%h ",
        "light.postgres.log.bz2|%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
        "queryid.log.gz|%m [%p] [queryid=%Q] %u@%d ",
        "stmt_type.log|%m [%p] "
      })
  void pgBadgerFixturesReadWithoutOptions(String file, String prefix) {
    var c = LogCollector.read(PGBADGER.resolve(file));
    assertThat(c.result.format()).isEqualTo(LogFormat.STDERR);
    assertThat(c.result.logLinePrefix()).isEqualTo(prefix);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    String text = text(file);
    // every "duration:" line is one statement, plan or parse/bind/execute phase
    assertThat(c.events(ExecutedStatement.class)).hasSize(count(text, " duration: "));
    assertThat(c.events(ServerEvent.class).stream()
            .filter(e -> e.kind() == ServerEvent.Kind.TEMP_FILE))
        .hasSize(count(text, "temporary file: path"));
    assertThat(c.events(ServerEvent.class).stream()
            .filter(e -> e.kind() == ServerEvent.Kind.AUTOVACUUM
                || e.kind() == ServerEvent.Kind.AUTOANALYZE))
        .hasSize(count(text, "automatic vacuum of table") + count(text, "automatic analyze of"));
  }

  @Test
  void theFieldsOfALearntPrefixAreRead() {
    var c = LogCollector.read(PGBADGER.resolve("postgresql_param_range.log"));
    var first = c.records.get(0);
    assertThat(first.user()).isEqualTo("usr6");
    assertThat(first.database()).isEqualTo("progdb");
    assertThat(first.application()).isEqualTo("76ae131687c458a8");
    assertThat(first.pid()).isEqualTo(130096);
    assertThat(first.timestamp()).isEqualTo(Instant.parse("2023-03-07T08:06:08Z"));
    assertThat(first.detail()).startsWith("parameters: $1 = 'F99278492'");
  }

  /** Each timestamp form PostgreSQL writes, each shaped field, %q, with and without the space. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "%m [%p] |2024-05-01 10:00:00.123 UTC [42] |",
        "%t [%p] |2024-05-01 10:00:00 CEST [42] |",
        "%m [%p] |2024-05-01 10:00:00.123 +05 [42] |",
        "%m [%p] |2024-05-01 10:00:00.123 -0330 [42] |",
        "%n [%p] |1714557600.123 [42] |",
        "%m %p |2024-05-01 10:00:00.123 UTC 42 |",
        "%t-%c-|2024-05-01 10:00:00 UTC-65a4f1e0.2a-|",
        "%t:%r:%u@%d:[%p]:|2024-05-01 10:00:00 UTC:10.0.0.7(5432):alice@shop:[42]:|",
        "%m [%p] %x |2024-05-01 10:00:00.123 UTC [42] 0 |bad",
        "%m [%p] [%x] %v |2024-05-01 10:00:00.123 UTC [42] [0] 3/17 |",
        "%m [%p-%l] %q%u@%d |2024-05-01 10:00:00.123 UTC [42-3] alice@shop |2024-05-01"
            + " 10:00:00.123 UTC [43-2] ",
        "%m [%p] %q[user=%u,db=%d,app=%a] |2024-05-01 10:00:00.123 UTC [42] [user=alice,db=shop,"
            + "app=PostgreSQL JDBC Driver] |2024-05-01 10:00:00.123 UTC [43] ",
        "%t [%p]: [%l-1] db=%d,user=%u,app=%a,client=%h |2024-05-01 10:00:00 UTC [42]: [7-1]"
            + " db=shop,user=alice,app=psql,client=[local] |",
        "%m [%p] sess=%c |2024-05-01 10:00:00.123 UTC [42] sess=6b056ce4.24af |",
      })
  void eachPrefixElementIsLearnt(String prefix, String head, String background) {
    if ("bad".equals(background)) {
      background = null;
    }
    var log = new StringBuilder();
    for (int i = 1; i <= 3; i++) {
      log.append(head).append("LOG:  duration: ").append(i).append(".000 ms  statement: select ")
          .append(i).append('\n');
      if (background != null && !background.isEmpty()) {
        log.append(background).append("LOG:  checkpoint starting: time\n");
      }
    }
    var c = LogCollector.text(log.toString(), LogReaderOptions.auto());
    assertThat(c.result.logLinePrefix()).as(log.toString()).isEqualTo(prefix);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.events(ExecutedStatement.class)).hasSize(3);
    assertThat(c.records.get(0).timestamp()).isNotNull();
  }

  /** Azure's %t-%c-: the zone is UTC, not "UTC-65a4f1e0", whether the prefix is learnt or given. */
  @Test
  void azureSessionIdAfterTheZoneIsNotPartOfTheZone() {
    String log = "2024-01-15 10:00:00 UTC-65a4f1e0.1a2b-LOG:  duration: 2.000 ms  statement: select 1\n";
    for (var options :
        new LogReaderOptions[] {
          LogReaderOptions.auto(),
          new LogReaderOptions(LogFormat.STDERR, "%t-%c-"),
          new LogReaderOptions(LogFormat.STDERR, "%t-%c- ")
        }) {
      var c = LogCollector.text(log, options);
      assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
      assertThat(c.records).singleElement().satisfies(r -> {
        assertThat(r.timestamp()).isEqualTo(Instant.parse("2024-01-15T10:00:00Z"));
        assertThat(r.sessionId()).isEqualTo("65a4f1e0.1a2b");
      });
    }
  }

  /** A prefix given without its trailing space reads lines written with it, and the other way. */
  @Test
  void aGivenPrefixReadsWithOrWithoutItsTrailingSpace() {
    String log = "2024-05-01 10:00:00.123 UTC [42] LOG:  duration: 1.000 ms  statement: select 1\n";
    for (String prefix : new String[] {"%m [%p]", "%m [%p] ", "%m [%p]  "}) {
      var c = LogCollector.text(log, new LogReaderOptions(LogFormat.STDERR, prefix));
      assertThat(c.result.unparsedLines()).as(prefix).isZero();
      assertThat(c.records).singleElement().extracting(LogRecord::pid).isEqualTo(42);
      assertThat(c.events(ExecutedStatement.class)).singleElement()
          .extracting(ExecutedStatement::text).isEqualTo("select 1");
    }
  }

  /** Hostile lines (long, full of @, = and [) give no record made of their text. */
  @Test
  void hostileSamplesLearnNothingHarmful() {
    var log = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      log.append("x".repeat(5000)).append("@").append("=[".repeat(200)).append(" LOG:  a\n");
    }
    var c = LogCollector.text(log.toString(), LogReaderOptions.auto());
    assertThat(c.events(ExecutedStatement.class)).isEmpty();
  }

  private static String text(String file) {
    try (InputStream raw = Files.newInputStream(PGBADGER.resolve(file))) {
      InputStream in =
          file.endsWith(".gz")
              ? new GZIPInputStream(raw)
              : file.endsWith(".bz2") ? new BZip2CompressorInputStream(raw, true) : raw;
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
