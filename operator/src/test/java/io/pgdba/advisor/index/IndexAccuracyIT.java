package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.analysis.Analyzer;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.catalog.CatalogReader;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.log.LogReaderOptions;
import io.pgdba.log.LogSource;
import io.pgdba.testsupport.TestPostgres;
import io.pgdba.workload.WorkloadOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accuracy cases of issue 9 beyond {@link IndexKindsIT}, on PostgreSQL 13 and 17 without HypoPG
 * (the cost model): an OR whose arms are several ANDed predicates gets one index per arm (a
 * composite for the AND arm) that a BitmapOr combines; {@code lower(col) LIKE '%x%'} gets a
 * trigram index on the same expression; a lookup on a text key from a log, on an analyzed and a
 * never-analyzed table. Every index proposed is built and the query's real plan must use it.
 */
class IndexAccuracyIT {

  @TempDir
  Path dir;

  // The columns are filled from hashes, not from i modulo something: a modulo makes region and
  // kind depend on each other, and an AND of the two would then match all or nothing.
  static final String SCHEMA = """
      create extension if not exists pg_trgm;
      create table work(id bigint primary key, region int not null, kind int not null,
        owner int not null, shelf int not null, created date not null, name text not null)
        with (autovacuum_enabled = false);
      insert into work select i, abs(hashtext(i || 'r')) % 40, abs(hashtext(i || 'k')) % 150,
        abs(hashtext(i || 'o')) % 20000, abs(hashtext(i || 's')) % 20000,
        date '2020-01-01' + abs(hashtext(i || 'd')) % 2000,
        'Item ' || md5(i::text) || case when i % 3000 = 0 then ' Wombat' else '' end
        from generate_series(1, 200000) i;
      create table "We""ird; tbl"("Re gion" int not null, "Ki""nd" int not null,
        "Own;er" int not null, "Na""me" text not null) with (autovacuum_enabled = false);
      insert into "We""ird; tbl" select region, kind, owner, name from work;
      analyze;
      """;

  static final String OR_AND = "SELECT id FROM work WHERE (region = 7 AND kind = 3)"
      + " OR owner = 42";
  static final String OR_AND_BOTH = "SELECT id FROM work WHERE (region = 7 AND kind = 3)"
      + " OR (owner = 42 AND created >= '2024-01-01')";
  static final String LOWER_LIKE = "SELECT id FROM work WHERE lower(name) LIKE '%wombat%'";
  static final String ILIKE = "SELECT id FROM work WHERE name ILIKE '%wombat%'";
  static final String HOSTILE_OR = "SELECT 1 FROM \"We\"\"ird; tbl\" WHERE (\"Re gion\" = 7"
      + " AND \"Ki\"\"nd\" = 3) OR \"Own;er\" = 42";
  static final String HOSTILE_LOWER = "SELECT 1 FROM \"We\"\"ird; tbl\""
      + " WHERE lower(\"Na\"\"me\") LIKE '%wombat%'";

  /** A database of its own with the schema, a copy of the one built once per server. */
  static void create(TestPostgres pg, String db) throws Exception {
    pg.createDatabase(db, "accuracy_template", admin -> {
      try (var st = admin.createStatement()) {
        st.execute(SCHEMA);
      }
    });
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void anOrOfAndedArmsGetsOneIndexPerArmAndTheBitmapOrUsesThem(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    create(pg, "accuracy_or");
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "accuracy_or");
        Connection admin = pg.connect("accuracy_or")) {
      var catalog = new CatalogReader().read(ro);
      // kind (150 values) is more selective than region (40): it leads the arm's index.
      var advice = IndexKindsIT.advise(catalog, ro, List.of(AdvisorScenario.query("or", OR_AND,
          100)));
      System.out.println("PG" + major + " or: " + IndexKindsIT.targets(advice) + " "
          + advice.skipped());
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "work USING btree (kind, region)", "work USING btree (owner)");
      assertThat(usedBy(admin, advice, OR_AND)).contains("BitmapOr");

      advice = IndexKindsIT.advise(catalog, ro, List.of(AdvisorScenario.query("both",
          OR_AND_BOTH, 100)));
      System.out.println("PG" + major + " or both: " + IndexKindsIT.targets(advice) + " "
          + advice.skipped());
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "work USING btree (kind, region)", "work USING btree (owner, created)");
      assertThat(usedBy(admin, advice, OR_AND_BOTH)).contains("BitmapOr");
    }
  }

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void lowerLikeGetsATrigramIndexOnTheSameExpressionAndIlikeOneOnTheColumn(int major)
      throws Exception {
    var pg = TestPostgres.shared(major);
    create(pg, "accuracy_trgm");
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "accuracy_trgm");
        Connection admin = pg.connect("accuracy_trgm")) {
      var catalog = new CatalogReader().read(ro);
      var advice = IndexKindsIT.advise(catalog, ro, List.of(AdvisorScenario.query("lower",
          LOWER_LIKE, 100)));
      System.out.println("PG" + major + " lower: " + IndexKindsIT.targets(advice) + " "
          + advice.skipped());
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "work USING gin ((lower(name)) gin_trgm_ops)");
      usedBy(admin, advice, LOWER_LIKE);
      // ILIKE: gin_trgm_ops answers it on the column itself, which the planner uses.
      advice = IndexKindsIT.advise(catalog, ro, List.of(AdvisorScenario.query("ilike", ILIKE,
          100)));
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "work USING gin (name gin_trgm_ops)");
      usedBy(admin, advice, ILIKE);
    }
  }

  /** Without pg_trgm, lower(col) LIKE '%x%' keeps its reason: install pg_trgm. */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {17})
  void withoutPgTrgmLowerLikeSaysInstallIt(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    // the schema has no trigram index: without the extension it is the same database
    create(pg, "accuracy_notrgm");
    try (Connection admin = pg.connect("accuracy_notrgm"); var st = admin.createStatement()) {
      st.execute("drop extension pg_trgm");
    }
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "accuracy_notrgm")) {
      var advice = IndexKindsIT.advise(new CatalogReader().read(ro), ro, List.of(
          AdvisorScenario.query("lower", LOWER_LIKE, 100)));
      assertThat(IndexKindsIT.targets(advice)).isEmpty();
      assertThat(advice.skipped()).singleElement().satisfies(s -> assertThat(s.reason())
          .contains("work.name").contains("install pg_trgm"));
    }
  }

  /**
   * Hostile names (a quote, a semicolon, a space) in the new DDL shapes, a composite index per OR
   * arm and a trigram index on lower() of a column: quoted through Identifiers, the DDL builds
   * exactly the index proposed, and the plan uses it.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void hostileNamesInTheNewShapesAreQuoted(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    create(pg, "accuracy_hostile");
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), "accuracy_hostile");
        Connection admin = pg.connect("accuracy_hostile")) {
      var catalog = new CatalogReader().read(ro);
      var advice = IndexKindsIT.advise(catalog, ro, List.of(
          AdvisorScenario.query("or", HOSTILE_OR, 100)));
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "\"We\"\"ird; tbl\" USING btree (\"Ki\"\"nd\", \"Re gion\")",
          "\"We\"\"ird; tbl\" USING btree (\"Own;er\")");
      assertThat(usedBy(admin, advice, HOSTILE_OR)).contains("BitmapOr");
      advice = IndexKindsIT.advise(catalog, ro, List.of(
          AdvisorScenario.query("lower", HOSTILE_LOWER, 100)));
      assertThat(IndexKindsIT.targets(advice)).containsExactly(
          "\"We\"\"ird; tbl\" USING gin ((lower(\"Na\"\"me\")) gin_trgm_ops)");
      var pattern = java.util.regex.Pattern.compile(
          "(?is)^\\s*CREATE\\s+(UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s.+");
      for (var r : advice.recommendations()) {
        // The applier's own check takes each statement as exactly one.
        io.pgdba.apply.IndexApplierAccess.checked(r.ddl(), pattern);
      }
      usedBy(admin, advice, HOSTILE_LOWER);
      try (var st = admin.createStatement();
          var rs = st.executeQuery("select count(*) from \"We\"\"ird; tbl\"")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(200000);
      }
    }
  }

  /**
   * A lookup on a text key of 50,000 unique values, read from a log (20 ms each), on the table
   * analyzed, never analyzed, and made by CREATE TABLE AS and looked up once (the operator test
   * where it was reported missing): an index on the key each time.
   */
  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {13, 17})
  void aTextKeyLookupFromALogGetsItsIndex(int major) throws Exception {
    var pg = TestPostgres.shared(major);
    String db = "accuracy_sku";
    pg.createDatabase(db);
    try (Connection admin = pg.connect(db); var st = admin.createStatement()) {
      st.execute("create table items(id bigint, sku text not null, qty int)"
          + " with (autovacuum_enabled = false);"
          + " insert into items select g, 's' || g, g % 7 from generate_series(1, 50000) g;"
          + " analyze items;"
          + " create table items_fresh(id bigint, sku text not null, qty int)"
          + " with (autovacuum_enabled = false);"
          + " insert into items_fresh select * from items;"
          // As the operator test makes it: CREATE TABLE AS, autovacuum free to analyze it.
          + " create table items_ctas as select g as id, 's' || g as sku"
          + " from generate_series(1, 50000) g;");
    }
    var lines = new ArrayList<String>();
    int i = 0;
    for (String table : List.of("items", "items_fresh", "items_ctas")) {
      // The CREATE TABLE AS one is looked up once only: a single call is a workload too.
      for (int k = 0; k < (table.equals("items_ctas") ? 1 : 5); k++) {
        lines.add(String.format(Locale.ROOT,
            "2025-03-01 10:%02d:%02d UTC [%d]: user=app,db=%s,app=web,client=10.0.0.5 LOG:  "
                + "duration: %d.250 ms  statement: SELECT * FROM %s WHERE sku = 's%d'",
            i / 60, i % 60, 1000 + i, db, 19 + k, table, 100 + 37 * k));
        i++;
      }
    }
    Path log = Files.write(dir.resolve("pg" + major + ".log"), lines);
    var request = new AnalysisRequest(List.of(LogSource.file(log)), LogReaderOptions.auto(),
        WorkloadOptions.defaults(),
        new ConnectionSettings("localhost", pg.port(), db, "postgres", null, "disable", null, 10),
        AdvisorOptions.defaults(), 1000, Map.of());
    var report = new Analyzer().run(request, Analyzer.Progress.NONE);
    var advice = report.advice();
    System.out.println("PG" + major + " sku: " + IndexKindsIT.targets(advice) + " "
        + advice.skipped());
    assertThat(IndexKindsIT.targets(advice)).containsExactly(
        "items USING btree (sku)", "items_ctas USING btree (sku)",
        "items_fresh USING btree (sku)");
    // The never-analyzed table's recommendation says its statistics are missing.
    assertThat(advice.recommendations()).filteredOn(r -> r.table().equals("items_fresh"))
        .singleElement().satisfies(r -> assertThat(r.reason()).contains("never analyzed"));
    // pg_stat_statements' text: the key is $2. Its estimate alone ("items.sku = $2") once failed
    // for want of a $1, and the index looked worthless ("the planner's cost is no lower").
    try (Connection ro = AdvisorScenario.readOnlySession(pg.port(), db)) {
      var pss = IndexKindsIT.advise(new CatalogReader().read(ro), ro, List.of(
          AdvisorScenario.query("pss", "SELECT * FROM items WHERE qty = $1 AND sku = $2", 5)));
      assertThat(IndexKindsIT.targets(pss)).containsExactly("items USING btree (sku)");
    }
  }

  /** Builds the advice's indexes, and returns the query's plan, which must use each of them. */
  private static String usedBy(Connection admin, IndexAdvice advice, String sql)
      throws Exception {
    var creates = advice.recommendations().stream()
        .filter(r -> r.kind() == Recommendation.Kind.CreateIndex).toList();
    assertThat(creates).isNotEmpty();
    try (var st = admin.createStatement()) {
      for (var r : creates) {
        st.execute(r.ddl());
      }
      var text = new StringBuilder();
      try (var rs = st.executeQuery("EXPLAIN " + sql)) {
        while (rs.next()) {
          text.append(rs.getString(1)).append('\n');
        }
      }
      String plan = text.toString();
      for (var r : creates) {
        assertThat(plan).as(sql).contains(r.indexName());
      }
      for (var r : creates) {
        st.execute(r.rollbackDdl());
      }
      return plan;
    }
  }
}
