package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.advisor.index.IndexAdvice;
import io.pgdba.advisor.index.Recommendation;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.ddl.Identifiers;
import io.pgdba.testsupport.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --output sql} run as its header says, with a real psql against real PostgreSQL 13 and
 * 17: the indexes exist afterwards (the rollback section did not run), and the rollback lines,
 * once uncommented, remove them. Names are hostile: quotes, semicolons, a comment opener.
 */
class SqlReportPsqlIT {

  private static final String TABLE = "or\"d;ers -- x";
  private static final String COLUMN = "cu$t/*omer";

  @TempDir Path dir;

  private static Recommendation create(String name) {
    return new Recommendation(Recommendation.Kind.CreateIndex, "public", TABLE, name,
        List.of(COLUMN), List.of(), "btree", null,
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + Identifiers.quote(name) + " ON "
            + Identifiers.qualified("public", TABLE) + " (" + Identifiers.quote(COLUMN) + ")",
        "DROP INDEX CONCURRENTLY IF EXISTS " + Identifiers.qualified("public", name),
        8192, 50.0, Recommendation.EstimateMethod.model, List.of(), null,
        "a scan of " + TABLE + "\nfilters on " + COLUMN, null);
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void theFileDoesWhatItsHeaderSays(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    String db = "sql_report_psql";
    try (var c = pg.connect("postgres");
        var rs = c.createStatement().executeQuery(
            "select count(*) from pg_database where datname = '" + db + "'")) {
      rs.next();
      if (rs.getInt(1) == 0) {
        pg.createDatabase(db);
      }
    }
    try (var c = pg.connect(db); var st = c.createStatement()) {
      st.execute("drop table if exists " + Identifiers.qualified("public", TABLE));
      st.execute("create table " + Identifiers.qualified("public", TABLE) + " ("
          + Identifiers.quote(COLUMN) + " int)");
    }
    var advice = new IndexAdvice(List.of(create("idx; one"), create("idx\"two")), List.of());
    var report = new AnalysisReport(List.of(), ReportFixtures.workload(), advice, List.of());
    Path file = Files.writeString(dir.resolve("advice.sql"), SqlReport.render(report));

    psql(pg, db, file);
    assertThat(indexes(pg, db)).containsExactlyInAnyOrder("idx; one", "idx\"two");

    // The documented rollback: the commented lines without their "-- ".
    var rollback = Files.readString(file).lines()
        .dropWhile(l -> !l.startsWith("-- ==== rollback"))
        .filter(l -> l.startsWith("-- DROP INDEX"))
        .map(l -> l.substring(3))
        .collect(Collectors.joining("\n"));
    psql(pg, db, Files.writeString(dir.resolve("rollback.sql"), rollback + "\n"));
    assertThat(indexes(pg, db)).isEmpty();
  }

  private static void psql(TestPostgres pg, String db, Path file) throws Exception {
    var pb = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
        Integer.toString(pg.port()), "-U", "postgres", "-d", db, "-f", file.toString())
        .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", "postgres");
    var process = pb.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static List<String> indexes(TestPostgres pg, String db) throws SQLException {
    var out = new ArrayList<String>();
    try (var c = pg.connect(db);
        var ps = c.prepareStatement("select indexname from pg_indexes where tablename = ?")) {
      ps.setString(1, TABLE);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
