package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;
import static io.pgdba.advisor.table.Scan.mb;

import io.github.mfvanek.pg.connection.PgConnection;
import io.github.mfvanek.pg.connection.PgConnectionImpl;
import io.github.mfvanek.pg.connection.host.PgHostImpl;
import io.github.mfvanek.pg.core.checks.host.ColumnsWithCharTypeCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.ColumnsWithFixedLengthVarcharCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.ColumnsWithMoneyTypeCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.ColumnsWithSerialTypesCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.ColumnsWithTimestampOrTimetzTypeCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.DuplicatedIndexesCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.ForeignKeysNotCoveredWithIndexCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.IndexesWithBloatCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.InvalidIndexesCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.PrimaryKeysWithSerialTypesCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.SequenceOverflowCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.TablesWithBloatCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.TablesWithoutPrimaryKeyCheckOnHost;
import io.github.mfvanek.pg.core.checks.host.UnusedIndexesCheckOnHost;
import io.github.mfvanek.pg.model.column.AbstractColumnAware;
import io.github.mfvanek.pg.model.column.ColumnWithSerialType;
import io.github.mfvanek.pg.model.context.PgContext;
import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.IndexDdl;
import io.pgdba.ddl.IndexDefinition;
import io.pgdba.ddl.IndexKey;
import io.pgdba.finding.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks pg-index-health implements, run on the analysis' own read-only session, turned into
 * findings with pgdba's evidence and advice. What the library finds is filtered by what the
 * catalog knows (size, rows, constraints, statistics age), so that a 10-row table without a
 * primary key or an index unused for a day is not reported.
 */
final class HealthChecks {

  static final String SOURCE = "pg-index-health";
  /** An index with fewer scans than this since the statistics were reset counts as unused. */
  static final long UNUSED_SCANS = 50;
  /** Sequences with at most this share of values left are reported. */
  static final double SEQUENCE_REMAINING_PERCENT = 25;

  private final Scan scan;
  private final PgConnection connection;
  /** Estimated bloat by object ({@code schema.name}), for {@link Bloat} when pgstattuple is not used. */
  final Map<String, long[]> estimatedTableBloat = new TreeMap<>();
  final Map<String, long[]> estimatedIndexBloat = new TreeMap<>();
  /** Columns declared varchar(n), for {@link DataTypes}: {@code schema.table.column}. */
  final List<String[]> fixedVarchars = new ArrayList<>();

  HealthChecks(Scan scan) {
    this.scan = scan;
    // The host is only a label in the library's results; the session is the one connection used.
    this.connection = PgConnectionImpl.of(new SessionDataSource(scan.session),
        PgHostImpl.ofUrl("jdbc:postgresql://pgdba-session:5432/target"));
  }

  void run() {
    var schemas = new java.util.TreeSet<String>();
    scan.catalog.tables().forEach(t -> schemas.add(t.schema()));
    for (String schema : schemas) {
      if (!schema.equals(schema.toLowerCase(Locale.ROOT))) {
        // the library folds the schema name to lower case
        scan.warnings.add("table advisor: schema " + schema + " has upper-case letters; the "
            + SOURCE + " checks skip it");
        continue;
      }
      var ctx = PgContext.of(schema, scan.settings.bloatMinPercent(), SEQUENCE_REMAINING_PERCENT);
      guarded("tables without primary key", () -> noPrimaryKey(ctx));
      guarded("foreign keys without index", () -> foreignKeys(ctx));
      guarded("invalid indexes", () -> invalid(ctx));
      guarded("duplicated indexes", () -> duplicates(ctx));
      guarded("table bloat", () -> new TablesWithBloatCheckOnHost(connection).check(ctx)
          .forEach(t -> estimatedTableBloat.put(name(ctx, t.getTableName()),
              new long[] {t.getBloatSizeInBytes(), t.getTableSizeInBytes()})));
      guarded("index bloat", () -> new IndexesWithBloatCheckOnHost(connection).check(ctx)
          .forEach(i -> estimatedIndexBloat.put(name(ctx, i.getIndexName()),
              new long[] {i.getBloatSizeInBytes(), i.getIndexSizeInBytes()})));
      guarded("column types", () -> columnTypes(ctx));
    }
  }

  /** After the duplicate and redundant checks: an index is reported for one reason only. */
  void unused() {
    for (String schema : schemas()) {
      var ctx = PgContext.of(schema, scan.settings.bloatMinPercent(), SEQUENCE_REMAINING_PERCENT);
      guarded("unused indexes", () -> unused(ctx));
    }
  }

  /** After the column types: a sequence feeding an int4 key is told with its column. */
  void sequences() {
    for (String schema : schemas()) {
      var ctx = PgContext.of(schema, scan.settings.bloatMinPercent(), SEQUENCE_REMAINING_PERCENT);
      guarded("sequence overflow", () -> sequences(ctx));
    }
  }

  private java.util.Set<String> schemas() {
    var schemas = new java.util.TreeSet<String>();
    scan.catalog.tables().stream().map(Table::schema)
        .filter(s -> s.equals(s.toLowerCase(Locale.ROOT))).forEach(schemas::add);
    return schemas;
  }

  private void guarded(String check, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException e) {
      scan.warnings.add("table advisor: the " + SOURCE + " check of " + check + " failed: "
          + firstLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String name(PgContext ctx, String printed) {
    var n = Names.qualified(printed, ctx.getSchemaName());
    return Names.object(n[0], n[1]);
  }

  private Table table(PgContext ctx, String printed) {
    var n = Names.qualified(printed, ctx.getSchemaName());
    return scan.table(n[0], n[1]).orElse(null);
  }

  private void noPrimaryKey(PgContext ctx) {
    for (var t : new TablesWithoutPrimaryKeyCheckOnHost(connection).check(ctx)) {
      var table = table(ctx, t.getTableName());
      if (table == null || Table.PARTITIONED_TABLE.equals(table.kind()) || Scan.rows(table) == 0) {
        continue;
      }
      boolean hasUnique = table.indexes().stream().anyMatch(i -> i.unique() && i.valid()
          && i.predicate() == null && i.keys().stream().allMatch(k -> table.column(k)
              .map(c -> c.notNull()).orElse(false)));
      scan.add("table.no-primary-key", scan.large(table) ? Severity.WARNING : Severity.INFO,
          Names.object(table.schema(), table.name()), "table has no primary key",
          evidence("rows", Scan.rows(table), "sizeBytes", t.getTableSizeInBytes(),
              "uniqueNotNullIndex", hasUnique, "check", SOURCE),
          "Add a primary key: logical replication (UPDATE/DELETE need a replica identity),"
              + " pg_repack, most ORMs and every tool that deduplicates rows need one. "
              + (hasUnique
                  ? "A unique index on NOT NULL columns exists: ALTER TABLE ... ADD PRIMARY KEY"
                      + " USING INDEX makes it the key without a new build."
                  : "Build a unique index CONCURRENTLY first, then ALTER TABLE ... ADD PRIMARY"
                      + " KEY USING INDEX (a short ACCESS EXCLUSIVE lock, no table scan if the"
                      + " columns are already NOT NULL)."));
    }
  }

  private void foreignKeys(PgContext ctx) {
    for (var fk : new ForeignKeysNotCoveredWithIndexCheckOnHost(connection).check(ctx)) {
      var table = table(ctx, fk.getTableName());
      if (table == null) {
        continue;
      }
      var columns = fk.getColumns().stream().map(c -> Names.unquote(c.getColumnName())).toList();
      var def = IndexDefinition.btree(table.schema(), table.name(),
          columns.stream().map(IndexKey::column).toList());
      var taken = new java.util.HashSet<String>();
      table.indexes().forEach(i -> taken.add(i.name()));
      String indexName = IndexDdl.name(def, taken);
      String constraint = Names.unquote(fk.getConstraintName());
      scan.add("table.fk-without-index", scan.large(table) ? Severity.WARNING : Severity.INFO,
          Names.object(table.schema(), table.name()) + "." + String.join(",", columns),
          "foreign key " + constraint + " has no index on " + String.join(", ", columns),
          evidence("constraint", constraint, "columns", columns, "rows", Scan.rows(table),
              "check", SOURCE),
          "Without an index on the referencing columns, every DELETE or key UPDATE on the"
              + " referenced table scans this table (under a lock), and joins on the key cannot"
              + " use an index. Build one CONCURRENTLY (no write lock; it costs its size and"
              + " some write overhead).",
          IndexDdl.create(def, indexName), IndexDdl.drop(table.schema(), indexName));
    }
  }

  private void invalid(PgContext ctx) {
    for (var i : new InvalidIndexesCheckOnHost(connection).check(ctx)) {
      var n = Names.qualified(i.getIndexName(), ctx.getSchemaName());
      var index = index(n[0], n[1]);
      String object = Names.object(n[0], n[1]);
      scan.add("table.invalid-index", Severity.WARNING, object,
          "index " + n[1] + " is invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX)",
          evidence("sizeBytes", i.getIndexSizeInBytes(), "check", SOURCE),
          "An invalid index is never used to read but is still updated on every write. If a"
              + " build is still running elsewhere, wait for it. Otherwise drop it, or rebuild"
              + " it with REINDEX INDEX CONCURRENTLY if it was wanted.",
          IndexDdl.drop(n[0], n[1]),
          index == null ? null : IndexDdl.recreate(index.definition()));
    }
  }

  private void duplicates(PgContext ctx) {
    for (var d : new DuplicatedIndexesCheckOnHost(connection).check(ctx)) {
      var table = table(ctx, d.getTableName());
      if (table == null) {
        continue;
      }
      var members = d.getIndexes().stream()
          .map(i -> table.index(Names.unquote(i.getIndexName())).orElse(null))
          .filter(java.util.Objects::nonNull).toList();
      // keep the constraint's index, else the most used, else the first by name
      var keep = members.stream().min(Comparator
          .comparing((Index i) -> droppable(i) ? 1 : 0)
          .thenComparing(Index::scans, Comparator.reverseOrder())
          .thenComparing(Index::name)).orElse(null);
      for (var index : members) {
        if (index == keep || !droppable(index)) {
          continue;
        }
        scan.add("table.duplicate-index", Severity.WARNING,
            Names.object(index.schema(), index.name()),
            "index " + index.name() + " duplicates " + keep.name(),
            evidence("table", Names.object(table.schema(), table.name()), "kept", keep.name(),
                "sizeBytes", index.sizeBytes(), "scans", index.scans(), "check", SOURCE),
            "Same table, keys, operator classes, collations and predicate as " + keep.name()
                + ": the planner can use either, every write updates both. DROP INDEX"
                + " CONCURRENTLY blocks neither reads nor writes but waits for transactions"
                + " using the table; it frees " + mb(index.sizeBytes()) + ". The rollback"
                + " re-creates it exactly.",
            IndexDdl.drop(index.schema(), index.name()), IndexDdl.recreate(index.definition()));
      }
    }
  }

  private void unused(PgContext ctx) {
    var reset = scan.catalog.statsReset();
    if (reset == null) {
      return; // no way to tell for how long an index has been unused
    }
    var age = Duration.between(reset, scan.now);
    if (age.compareTo(scan.settings.unusedMinStatsAge()) < 0) {
      return;
    }
    for (var u : new UnusedIndexesCheckOnHost(connection).check(ctx)) {
      var n = Names.qualified(u.getIndexName(), ctx.getSchemaName());
      var index = index(n[0], n[1]);
      if (index == null || !droppable(index)
          || scan.has("table.duplicate-index", Names.object(n[0], n[1]))
          || scan.has("table.redundant-index", Names.object(n[0], n[1]))) {
        continue;
      }
      scan.add("table.unused-index", Severity.WARNING, Names.object(n[0], n[1]),
          "index " + n[1] + " is (nearly) unused: " + u.getIndexScans() + " scans in "
              + age.toDays() + " days",
          evidence("table", Names.object(index.schema(), index.table()),
              "scans", u.getIndexScans(),
              "statsSince", reset.toString(), "statsAgeDays", age.toDays(),
              "sizeBytes", index.sizeBytes(), "check", SOURCE),
          "Check the replicas first (their scans are not counted here) and any monthly job"
              + " older than the statistics. DROP INDEX CONCURRENTLY frees "
              + mb(index.sizeBytes()) + " and its upkeep on every write; the rollback"
              + " re-creates it exactly (a full build).",
          IndexDdl.drop(index.schema(), index.name()), IndexDdl.recreate(index.definition()));
    }
  }

  private void sequences(PgContext ctx) {
    for (var s : new SequenceOverflowCheckOnHost(connection).check(ctx)) {
      var n = Names.qualified(s.getSequenceName(), ctx.getSchemaName());
      String object = Names.object(n[0], n[1]);
      if (scan.findings.stream().anyMatch(f -> f.kind().equals("table.int4-overflow")
          && object.equals(f.evidence().get("sequence")))) {
        continue; // the column finding says it all, with the migration
      }
      double left = s.getRemainingPercentage();
      scan.add("table.sequence-overflow", left <= 10 ? Severity.CRITICAL : Severity.WARNING,
          object, "sequence " + n[1] + " has " + left + " % of its values left",
          evidence("dataType", s.getDataType(), "remainingPercent", left, "check", SOURCE),
          "When it reaches its maximum, nextval() fails and so does every INSERT that needs it."
              + " ALTER SEQUENCE ... AS bigint (and the columns it feeds to bigint) before then;"
              + " ALTER SEQUENCE takes a brief lock, the column change is the costly part.");
    }
  }

  private void columnTypes(PgContext ctx) {
    each(new ColumnsWithMoneyTypeCheckOnHost(connection).check(ctx), ctx, (c, t) ->
        scan.add("table.money-type", Severity.WARNING, c, "column " + c + " uses money",
            evidence("type", "money", "check", SOURCE),
            "money rounds to the lc_monetary setting's fraction digits and changes meaning with"
                + " it; use numeric(p, s) with a currency column. ALTER COLUMN ... TYPE numeric"
                + " rewrites the table under an ACCESS EXCLUSIVE lock."));
    each(new ColumnsWithCharTypeCheckOnHost(connection).check(ctx), ctx, (c, t) ->
        scan.add("table.char-type", Severity.INFO, c, "column " + c + " uses char(n)",
            evidence("type", t, "check", SOURCE),
            "char(n) pads with blanks, compares ignoring them and is no faster than text; use"
                + " text or varchar (with a CHECK on the length if it matters). The change"
                + " rewrites the table under an ACCESS EXCLUSIVE lock."));
    each(new ColumnsWithTimestampOrTimetzTypeCheckOnHost(connection).check(ctx), ctx, (c, t) ->
        scan.add("table.timestamp-without-time-zone", Severity.INFO, c,
            "column " + c + " is " + t,
            evidence("type", t, "check", SOURCE),
            "A timestamp without time zone stores wall-clock time with no zone: the same"
                + " instant is written differently by clients in different zones and DST makes"
                + " hours ambiguous. timestamptz stores the instant. ALTER COLUMN ... TYPE"
                + " timestamptz USING col AT TIME ZONE '<the zone the data was written in>'"
                + " rewrites the table (ACCESS EXCLUSIVE); no rewrite when the session"
                + " TimeZone is UTC on PostgreSQL 12+."));
    var serials = new ArrayList<ColumnWithSerialType>(
        new ColumnsWithSerialTypesCheckOnHost(connection).check(ctx));
    serials.addAll(new PrimaryKeysWithSerialTypesCheckOnHost(connection).check(ctx));
    for (var s : serials) {
      var n = Names.qualified(s.getTableName(), ctx.getSchemaName());
      String c = Names.object(n[0], n[1]) + "." + Names.unquote(s.getColumnName());
      scan.add("table.serial-not-identity", Severity.INFO, c,
          "column " + c + " is " + s.getSerialType().name().toLowerCase(Locale.ROOT)
              + ", not an identity column",
          evidence("type", s.getColumnType(), "sequence", s.getSequenceName(), "check", SOURCE),
          "Identity columns (GENERATED ... AS IDENTITY) are the SQL standard: the sequence"
              + " belongs to the column (privileges, dumps and copies follow it) and GENERATED"
              + " ALWAYS refuses stray explicit values. Migrating is catalog-only: drop the"
              + " default, ALTER COLUMN ... ADD GENERATED BY DEFAULT AS IDENTITY with the"
              + " sequence's next value (RESTART), drop the old sequence; one transaction.");
    }
    for (var v : new ColumnsWithFixedLengthVarcharCheckOnHost(connection).check(ctx)) {
      var n = Names.qualified(v.getTableName(), ctx.getSchemaName());
      fixedVarchars.add(new String[] {n[0], n[1], Names.unquote(v.getColumnName())});
    }
  }

  private void each(List<? extends AbstractColumnAware> columns, PgContext ctx,
      java.util.function.BiConsumer<String, String> add) {
    for (var c : columns) {
      var n = Names.qualified(c.getTableName(), ctx.getSchemaName());
      add.accept(Names.object(n[0], n[1]) + "." + Names.unquote(c.getColumnName()),
          c.getColumnType());
    }
  }

  private Index index(String schema, String name) {
    for (var t : scan.catalog.tables()) {
      if (t.schema().equals(schema)) {
        var i = t.index(name);
        if (i.isPresent()) {
          return i.get();
        }
      }
    }
    return null;
  }

  /** Never an index that backs a constraint or enforces uniqueness, nor an invalid one. */
  static boolean droppable(Index index) {
    return index.valid() && index.constraintName() == null && !index.primary()
        && !index.unique();
  }
}
