package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every file of pgBadger's {@code t/fixtures/} (kept in {@code logs/pgbadger/}; the five over
 * 300 KB compressed are cut to their first lines: pg-syslog.1.bz2 and pg-syslog.2.gz to 8,000,
 * rds.log.bz2 to 12,000, pgbouncer.1.21.log.gz to 16,000, pgbouncer.log.gz to 10,000 plus its
 * later {@code stats:} lines) reads with auto-detection: the format, the prefix learnt, the lines
 * left unread (with the reason when not 0) and the statements with a duration.
 */
class PgBadgerFixturesTest {

  private static final Path PGBADGER = Path.of("src/test/resources/logs/pgbadger");

  /**
   * Statements pgBadger counts that pgdba does not time: a statement logged by {@code
   * log_statement} with no duration line is a query pgBadger counts without a time; pgdba has no
   * time to give it and counts only timed executions.
   */
  private static final Map<String, Integer> UNTIMED =
      Map.of("cloudsql.log.gz", 1, "csv_statement_without_duration.log", 1);

  /**
   * The fixtures pgBadger cannot read without an option: it stops with "unable to detect log file
   * format ... please use -f option". Its figure in the table is then from {@code -f csv}, {@code
   * -f rds} or {@code --prefix '%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a '}.
   */
  static final Set<String> PGBADGER_NEEDS_AN_OPTION = Set.of("anonymize.log",
      "csv_statement_without_duration.log", "pg-timezones.log", "postgresql_param_range.log",
      "weeknumber.log");

  /**
   * The table: file, format detected, prefix learnt, lines left unread, timed statements (simple
   * and execute), and pgBadger's {@code queries_number} on the same file ({@code perl pgbadger -j
   * 1 -o out.json FILE}, pgBadger a1ad95a of 2026-07-14; with an option for the 5 of the 22 it
   * cannot detect, {@link #PGBADGER_NEEDS_AN_OPTION}). The lines left unread in pg-syslog are
   * systemd's own 3 lines in the same syslog file ("Started PostgreSQL Cluster"), counted rather
   * than hidden (pgBadger skips them). begin_end.log, pg_rawcsv.log, pg_vacuums.* and the
   * pgBouncer logs hold no duration line.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = true,
      nullValues = "-",
      value = {
        // file|format|prefix|unread lines|timed statements|pgBadger's queries_number
        "anonymize.log|CSVLOG|-|0|5|5",
        "begin_end.log|STDERR|'%t [%p]: db=%d,user=%u,app=%a,client=%h '|0|0|0",
        "cloudsql.log.gz|CLOUDSQL|'%m [%p]: [%l-1] db=%d,user=%u '|0|0|1",
        "cnpg.log.gz|CNPG|-|0|400|400",
        "csv_statement_without_duration.log|CSVLOG|-|0|1|2",
        "light.postgres.log.bz2|STDERR|'%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '|0|629|629",
        "logplex.gz|LOGPLEX|'%t [%p]  sql_error_code = %e '|0|4|4",
        "multiline_param.log|STDERR|'%m [%p] user=%u,db=%d '|0|5|5",
        "pg-syslog.1.bz2|SYSLOG|'%t [%p] db=%d,user=%u,app=%a,client=%h '|3|7952|7952",
        "pg-syslog.2.gz|SYSLOG|'%t [%p] db=%d,user=%u,app=%a,client=%h '|3|7952|7952",
        "pg-timezones.log|STDERR|'%t:%r:%u@%d:[%p]:'|0|2|2",
        "pg_rawcsv.log|STDERR|'%m [%p] %q%u@%d '|0|0|0",
        "pg_vacuums.json.gz|JSONLOG|-|0|0|0",
        "pg_vacuums.log.gz|STDERR|'%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a '|0|0|0",
        "pgbouncer.1.21.log.gz|PGBOUNCER|-|0|0|0",
        "pgbouncer.log.gz|PGBOUNCER|-|0|0|0",
        "postgresql_param_range.log|STDERR|'%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a '|0|3|3",
        "queryid.log.gz|STDERR|'%m [%p] [queryid=%Q] %u@%d '|0|20|20",
        "rds.log.bz2|STDERR|'%t:%r:%u@%d:[%p]:'|0|11990|11990",
        "stmt_type.log|STDERR|'%m [%p] '|0|12|12",
        "tempfile_only.log.gz|STDERR|'%t [%p]: [%l-1] user=%u,db=%d '|0|65|65",
        "weeknumber.log|CSVLOG|-|0|6|6",
      })
  void readsWithAutoDetection(String file, LogFormat format, String prefix, long unparsed,
      int statements, int pgBadger) {
    var c = LogCollector.read(PGBADGER.resolve(file));
    assertThat(c.result.format()).isEqualTo(format);
    assertThat(c.result.logLinePrefix()).isEqualTo(prefix);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isEqualTo(unparsed);
    // the parse and bind phases of the extended protocol are reported apart, as pgBadger does
    var timed = c.events(ExecutedStatement.class).stream()
        .filter(e -> e.phase() != Phase.PARSE && e.phase() != Phase.BIND).toList();
    assertThat(timed).hasSize(statements);
    assertThat(c.result.linesRead()).isPositive();
    assertThat(statements + UNTIMED.getOrDefault(file, 0))
        .as("pgBadger's queries_number").isEqualTo(pgBadger);
  }

  /** The table above names every fixture there is: a new one fails here until it is listed. */
  @Test
  void theTableCoversEveryFixture() throws IOException {
    var listed = Stream.of(
            "anonymize.log", "begin_end.log", "cloudsql.log.gz", "cnpg.log.gz",
            "csv_statement_without_duration.log", "light.postgres.log.bz2", "logplex.gz",
            "multiline_param.log", "pg-syslog.1.bz2", "pg-syslog.2.gz", "pg-timezones.log",
            "pg_rawcsv.log", "pg_vacuums.json.gz", "pg_vacuums.log.gz", "pgbouncer.1.21.log.gz",
            "pgbouncer.log.gz", "postgresql_param_range.log", "queryid.log.gz", "rds.log.bz2",
            "stmt_type.log", "tempfile_only.log.gz", "weeknumber.log")
        .sorted().toList();
    try (var files = Files.list(PGBADGER)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .isEqualTo(listed).hasSize(22);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** The syslog lines left unread are systemd's, and the reason says what they are not. */
  @Test
  void syslogLinesOfAnotherProgramAreCountedNotHidden() {
    var c = LogCollector.read(PGBADGER.resolve("pg-syslog.1.bz2"));
    assertThat(c.result.firstUnparsed()).contains(":42: ");
  }
}
