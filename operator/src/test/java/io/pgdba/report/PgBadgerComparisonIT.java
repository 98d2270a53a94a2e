package io.pgdba.report;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * pgdba's log report against pgBadger's JSON output on pgBadger's own fixtures, section by section
 * (see {@link PgBadger#compare}). Skipped only when pgBadger is not installed.
 */
class PgBadgerComparisonIT {

  static final Path FIXTURES = Path.of("src/test/resources/logs/pgbadger");

  /** File, pgBadger's options (it does not detect these formats), statements without duration. */
  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("begin_end.log", new String[0], 0),
        // pgBadger gives the lone "statement:" line the duration of the line before
        Arguments.of("csv_statement_without_duration.log", new String[] {"-f", "csv"}, 1),
        Arguments.of("light.postgres.log.bz2", new String[0], 0),
        Arguments.of("logplex.gz", new String[] {"-f", "logplex"}, 0),
        Arguments.of("multiline_param.log", new String[0], 0),
        Arguments.of("pg_vacuums.log.gz", new String[0], 0),
        Arguments.of("postgresql_param_range.log", new String[] {"-f", "stderr"}, 0),
        Arguments.of("queryid.log.gz", new String[0], 0),
        Arguments.of("stmt_type.log", new String[0], 0),
        Arguments.of("tempfile_only.log.gz", new String[0], 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void sameFiguresAsPgBadger(String file, String[] options, int withoutDuration,
      @TempDir Path work) throws Exception {
    assumeThat(PgBadger.installed()).as("pgbadger at " + PgBadger.BINARY).isTrue();
    Path log = FIXTURES.resolve(file);
    var pgb = PgBadger.run(log, work, options);
    var figures = PgBadger.compare(PgBadger.analyze(log), pgb, withoutDuration);
    System.out.println("pgBadger comparison " + file + " (pgdba/pgBadger): " + figures);
  }
}
