package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * The table. Unread lines: pg-syslog's 3 are systemd's own lines in the same syslog file
   * ("Started PostgreSQL Cluster"), counted rather than hidden. No statement in begin_end.log,
   * pg_rawcsv.log, pg_vacuums.*, cloudsql.log.gz: they log no duration (begin_end.log logs
   * statements without one, pgBadger counts them as queries without times).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = true,
      nullValues = "-",
      value = {
        "anonymize.log|CSVLOG|-|0|8",
        "begin_end.log|STDERR|'%t [%p]: db=%d,user=%u,app=%a,client=%h '|0|0",
        "cloudsql.log.gz|CLOUDSQL|'%m [%p]: [%l-1] db=%d,user=%u '|0|0",
        "cnpg.log.gz|CNPG|-|0|400",
        "csv_statement_without_duration.log|CSVLOG|-|0|1",
        "light.postgres.log.bz2|STDERR|'%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h '|0|629",
        "logplex.gz|LOGPLEX|'%t [%p]  sql_error_code = %e '|0|4",
        "multiline_param.log|STDERR|'%m [%p] user=%u,db=%d '|0|8",
        "pg-syslog.1.bz2|SYSLOG|'%t [%p] db=%d,user=%u,app=%a,client=%h '|3|7952",
        "pg-syslog.2.gz|SYSLOG|'%t [%p] db=%d,user=%u,app=%a,client=%h '|3|7952",
        "pg-timezones.log|STDERR|'%t:%r:%u@%d:[%p]:'|0|2",
        "pg_rawcsv.log|STDERR|'%m [%p] %q%u@%d '|0|0",
        "pg_vacuums.json.gz|JSONLOG|-|0|0",
        "pg_vacuums.log.gz|STDERR|'%t [%p]: [%l-1] user=%u,db=%d,host=%h,app=%a '|0|0",
        "pgbouncer.1.21.log.gz|PGBOUNCER|-|0|0",
        "pgbouncer.log.gz|PGBOUNCER|-|0|0",
        "postgresql_param_range.log|STDERR|'%t [%p]: [%l-1] [%x] usr=%u,db=%d,appli=%a '|0|3",
        "queryid.log.gz|STDERR|'%m [%p] [queryid=%Q] %u@%d '|0|20",
        "rds.log.bz2|STDERR|'%t:%r:%u@%d:[%p]:'|0|11990",
        "stmt_type.log|STDERR|'%m [%p] '|0|12",
        "tempfile_only.log.gz|STDERR|'%t [%p]: [%l-1] user=%u,db=%d '|0|65",
        "weeknumber.log|CSVLOG|-|0|6",
      })
  void readsWithAutoDetection(
      String file, LogFormat format, String prefix, long unparsed, int statements) {
    var c = LogCollector.read(PGBADGER.resolve(file));
    assertThat(c.result.format()).isEqualTo(format);
    assertThat(c.result.logLinePrefix()).isEqualTo(prefix);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isEqualTo(unparsed);
    assertThat(c.events(ExecutedStatement.class)).hasSize(statements);
    assertThat(c.result.linesRead()).isPositive();
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
