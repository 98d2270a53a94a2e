package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;

import io.pgdba.catalog.Column;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Table;
import io.pgdba.finding.Severity;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Column types a DBA would change: integer keys heading for overflow (with the date at the
 * current insert rate), ids stored as numeric or text, varchar(n) far longer than the values,
 * text with a handful of distinct values, and column order that wastes alignment padding on
 * large tables. (money, char(n), timestamp and serial come from pg-index-health.)
 */
final class DataTypes {

  private static final String SEQUENCES_SQL =
      "select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
          + " sn.nspname, sc.relname,"
          + " case when has_sequence_privilege(sc.oid, 'SELECT')"
          + "   then pg_sequence_last_value(sc.oid) end,"
          + " a.atttypid = 'int2'::regtype"
          + " from pg_depend d join pg_sequence s on s.seqrelid = d.objid"
          + " join pg_class sc on sc.oid = s.seqrelid"
          + " join pg_namespace sn on sn.oid = sc.relnamespace"
          + " join pg_class c on c.oid = d.refobjid join pg_namespace n on n.oid = c.relnamespace"
          + " join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid"
          + " where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass"
          + " and d.deptype in ('a', 'i') and s.seqincrement > 0"
          + " and a.atttypid in ('int2'::regtype, 'int4'::regtype)"
          + " order by 1, 2, 3";

  // The values ANALYZE sampled: most common values and histogram bounds, as text.
  private static final String SAMPLE_SQL =
      "select v from pg_stats s,"
          + " unnest(coalesce(s.most_common_vals::text::text[], '{}')"
          + "   || coalesce(s.histogram_bounds::text::text[], '{}')) v"
          + " where s.schemaname = ? and s.tablename = ? and s.attname = ? and not s.inherited";

  private static final String ATTRIBUTES_SQL =
      "select n.nspname, c.relname, a.attname, t.typlen, t.typalign"
          + " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
          + " join pg_attribute a on a.attrelid = c.oid join pg_type t on t.oid = a.atttypid"
          + " where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped"
          + " and n.nspname not in ('pg_catalog', 'information_schema')"
          + " and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'"
          + " order by n.nspname, c.relname, a.attnum";

  private static final Pattern DIGITS = Pattern.compile("-?\\d{1,18}");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern VARCHAR_N = Pattern.compile("character varying\\((\\d+)\\)");

  private final Scan scan;
  private final HealthChecks health;

  DataTypes(Scan scan, HealthChecks health) {
    this.scan = scan;
    this.health = health;
  }

  void run() throws SQLException {
    integerKeys();
    for (var t : scan.catalog.tables()) {
      if (!scan.large(t) || Table.MATERIALIZED_VIEW.equals(t.kind())) {
        continue;
      }
      for (var c : t.columns()) {
        ids(t, c);
        lowCardinality(t, c);
      }
    }
    varchars();
    padding();
  }

  private void integerKeys() throws SQLException {
    var reset = scan.catalog.statsReset();
    double seconds = reset == null ? 0 : Duration.between(reset, scan.now).toMillis() / 1000.0;
    scan.query(SEQUENCES_SQL, rs -> {
      var table = scan.table(rs.getString(1), rs.getString(2)).orElse(null);
      rs.getLong(7);
      if (table == null || rs.wasNull()) {
        return;
      }
      long last = rs.getLong(7);
      long max = rs.getBoolean(8) ? Short.MAX_VALUE : Integer.MAX_VALUE;
      double used = 100.0 * last / max;
      long inserts = table.activity().inserts();
      double perDay = seconds > 0 ? inserts / seconds * 86400 : 0;
      Long daysLeft = perDay > 0 ? (long) ((max - last) / perDay) : null;
      boolean soon = daysLeft != null && daysLeft <= 730;
      if (used < 50 && !soon) {
        return;
      }
      var severity = used >= 85 || (daysLeft != null && daysLeft <= 90)
          ? Severity.CRITICAL : Severity.WARNING;
      String column = rs.getString(3);
      String type = rs.getString(4);
      String sequence = Names.object(rs.getString(5), rs.getString(6));
      String object = Names.object(table.schema(), table.name()) + "." + column;
      String date = daysLeft == null ? null
          : scan.now.plus(daysLeft, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS).toString()
              .substring(0, 10);
      var referencing = referencing(table, column);
      scan.add("table.int4-overflow", severity, object,
          type + " key " + object + " has used " + round(used) + " % of its range"
              + (date == null ? "" : ", full around " + date),
          evidence("type", type, "sequence", sequence, "lastValue", last, "maxValue", max,
              "usedPercent", round(used), "insertsPerDay", perDay > 0 ? Math.round(perDay) : null,
              "rateSince", reset == null ? null : reset.toString(),
              "overflowDate", date == null ? "unknown (no insert rate: statistics never reset)"
                  : date, "referencedBy", referencing.isEmpty() ? null : referencing),
          "When the sequence passes " + max + " every INSERT fails. Migrate to bigint before"
              + " then: on a small table ALTER TABLE ... ALTER COLUMN " + column + " TYPE"
              + " bigint (rewrites the table and its indexes under an ACCESS EXCLUSIVE lock);"
              + " on a large one add a bigint column, keep it filled by a trigger, backfill in"
              + " batches, build its unique index CONCURRENTLY, then in one short transaction"
              + " swap the columns and the primary key (ADD PRIMARY KEY USING INDEX) and ALTER"
              + " SEQUENCE " + sequence + " AS bigint."
              + (referencing.isEmpty() ? "" : " The referencing columns ("
                  + String.join(", ", referencing) + ") must become bigint too."));
    });
  }

  private List<String> referencing(Table target, String column) {
    var out = new ArrayList<String>();
    for (var t : scan.catalog.tables()) {
      for (var con : t.constraints()) {
        if (con.kind() == Constraint.Kind.FOREIGN_KEY
            && target.schema().equals(con.referencedSchema())
            && target.name().equals(con.referencedTable())
            && con.referencedColumns().equals(List.of(column))) {
          out.add(Names.object(t.schema(), t.name()) + "." + con.columns().get(0));
        }
      }
    }
    return out;
  }

  private void ids(Table t, Column c) throws SQLException {
    String name = c.name().toLowerCase(Locale.ROOT);
    if (!(name.equals("id") || name.endsWith("_id")) || !keyColumn(t, c.name())) {
      return;
    }
    String type = c.type();
    String object = Names.object(t.schema(), t.name()) + "." + c.name();
    if (type.startsWith("numeric") && !type.matches("numeric\\(\\d+,\\s*[1-9]\\d*\\)")) {
      scan.add("table.id-type", Severity.INFO, object, "id column " + object + " is " + type,
          evidence("type", type, "rows", Scan.rows(t)),
          "numeric is variable-length (up to 131072 digits) and compared digit by digit;"
              + " bigint holds 19 digits in 8 bytes and compares in one instruction. The change"
              + " (ALTER COLUMN ... TYPE bigint, with the referencing columns) rewrites the"
              + " table under an ACCESS EXCLUSIVE lock; on large tables migrate with a new"
              + " column as for an int4 key.");
      return;
    }
    if (!(type.equals("text") || type.startsWith("character varying"))) {
      return;
    }
    var sample = sample(t, c.name());
    if (sample.size() < 2) {
      return;
    }
    String better = sample.stream().allMatch(v -> DIGITS.matcher(v).matches()) ? "bigint"
        : sample.stream().allMatch(v -> UUID.matcher(v).matches()) ? "uuid" : null;
    if (better == null) {
      return; // a real natural key, perhaps: text is right for it
    }
    scan.add("table.id-type", Severity.INFO, object,
        "id column " + object + " stores " + better + " values as " + type,
        evidence("type", type, "sampledValues", sample.size(), "suggested", better,
            "avgWidth", c.stats() == null ? null : c.stats().avgWidth(), "rows", Scan.rows(t)),
        "Every sampled value is a" + (better.equals("uuid") ? " UUID" : "n integer")
            + ": as " + better + " it takes " + (better.equals("uuid") ? "16" : "8")
            + " bytes, compares without collation rules and its indexes are smaller. The"
            + " change rewrites the table (ACCESS EXCLUSIVE) with the referencing columns;"
            + " on large tables migrate through a new column.");
  }

  private static boolean keyColumn(Table t, String column) {
    return t.constraints().stream().anyMatch(con -> con.columns().equals(List.of(column))
        && (con.kind() == Constraint.Kind.PRIMARY_KEY || con.kind() == Constraint.Kind.UNIQUE
            || con.kind() == Constraint.Kind.FOREIGN_KEY));
  }

  private void lowCardinality(Table t, Column c) {
    var s = c.stats();
    if (s == null || !(c.type().equals("text") || c.type().startsWith("character varying"))
        || keyColumn(t, c.name())) {
      return;
    }
    long rows = Scan.rows(t);
    double distinct = s.nDistinct() < 0 ? -s.nDistinct() * rows : s.nDistinct();
    if (distinct < 2 || distinct > 20 || s.avgWidth() < 4 || s.nullFrac() > 0.9) {
      return;
    }
    var examples = s.mostCommonValues().stream().limit(5)
        .map(v -> v.length() > 30 ? v.substring(0, 27) + "..." : v).toList();
    long saved = (long) ((s.avgWidth() - 2) * rows * (1 - s.nullFrac()));
    String object = Names.object(t.schema(), t.name()) + "." + c.name();
    scan.add("table.low-cardinality-text", Severity.INFO, object,
        "column " + object + " repeats " + Math.round(distinct) + " distinct values over "
            + rows + " rows",
        evidence("type", c.type(), "distinctValues", Math.round(distinct), "rows", rows,
            "avgWidth", s.avgWidth(), "examples", examples, "bytesSaved", saved),
        "The same few strings are stored in every row. A lookup table with a smallint key"
            + " (normalization: a foreign key, new values by INSERT) or an enum type (new values"
            + " by ALTER TYPE ... ADD VALUE, never removed) stores 2 or 4 bytes instead of "
            + s.avgWidth() + " and keeps the set of values in one place. Changing the column"
            + " rewrites the table under an ACCESS EXCLUSIVE lock and touches every query"
            + " writing it.");
  }

  private void varchars() throws SQLException {
    for (var v : health.fixedVarchars) {
      var t = scan.table(v[0], v[1]).orElse(null);
      if (t == null || !scan.large(t)) {
        continue;
      }
      var c = t.column(v[2]).orElse(null);
      if (c == null) {
        continue;
      }
      var m = VARCHAR_N.matcher(c.type());
      if (!m.matches()) {
        continue;
      }
      int declared = Integer.parseInt(m.group(1));
      var sample = sample(t, c.name());
      int longest = sample.stream().mapToInt(String::length).max().orElse(0);
      if (sample.size() < 2 || declared < 32 || declared < 4 * Math.max(longest, 1)) {
        continue;
      }
      String object = Names.object(t.schema(), t.name()) + "." + c.name();
      scan.add("table.varchar-oversized", Severity.INFO, object,
          "column " + object + " is " + c.type() + " but its longest sampled value has "
              + longest + " characters",
          evidence("declared", declared, "longestSampled", longest,
              "sampledValues", sample.size(), "check", HealthChecks.SOURCE + " + pg_stats"),
          "The limit costs no storage but says nothing true about the data, and clients"
              + " size buffers and forms by it. State the real rule: text with a CHECK"
              + " (char_length(" + c.name() + ") <= n) that can be changed without a rewrite,"
              + " or a varchar(n) close to the values (lowering n rewrites the table; raising"
              + " it does not).");
    }
  }

  private List<String> sample(Table t, String column) throws SQLException {
    var out = new ArrayList<String>();
    scan.query(SAMPLE_SQL, rs -> out.add(rs.getString(1)), t.schema(), t.name(), column);
    return out;
  }

  /** Wasted alignment padding per row with the current order vs. the widest-first order. */
  private void padding() throws SQLException {
    var columns = new HashMap<String, List<int[]>>();
    var names = new HashMap<String, List<String>>();
    scan.query(ATTRIBUTES_SQL, rs -> {
      String key = Names.object(rs.getString(1), rs.getString(2));
      var t = scan.table(rs.getString(1), rs.getString(2)).orElse(null);
      if (t == null || !scan.large(t)) {
        return;
      }
      var c = t.column(rs.getString(3)).orElse(null);
      int len = rs.getInt(4);
      int align = switch (rs.getString(5)) {
        case "d" -> 8;
        case "i" -> 4;
        case "s" -> 2;
        default -> 1;
      };
      int variable = len < 0 ? 1 : 0;
      if (len < 0) {
        // short varlena values (under 127 bytes) have a 1-byte header and are not aligned
        int w = c == null || c.stats() == null ? 32 : c.stats().avgWidth();
        len = w < 127 ? w + 1 : w + 4;
        align = w < 127 ? 1 : 4;
      }
      columns.computeIfAbsent(key, k -> new ArrayList<>()).add(new int[] {len, align, variable});
      names.computeIfAbsent(key, k -> new ArrayList<>()).add(rs.getString(3));
    });
    for (var e : columns.entrySet()) {
      var cols = e.getValue();
      if (cols.size() < 4) {
        continue;
      }
      int now = width(cols);
      var order = new ArrayList<Integer>();
      for (int i = 0; i < cols.size(); i++) {
        order.add(i);
      }
      // fixed-length first, widest alignment first; variable-length last
      order.sort(Comparator.comparingInt((Integer i) -> cols.get(i)[2])
          .thenComparingInt(i -> -cols.get(i)[1]));
      int best = width(order.stream().map(cols::get).toList());
      String[] st = e.getKey().split("\\.", 2);
      var t = scan.table(st[0], st[1]).orElse(null);
      if (t == null) {
        continue;
      }
      long rows = Scan.rows(t);
      long saved = (long) (now - best) * rows;
      if (now - best < 8 || saved < scan.settings.bloatMinBytes()) {
        continue;
      }
      var suggested = order.stream().map(i -> names.get(e.getKey()).get(i)).toList();
      scan.add("table.column-padding", Severity.INFO, e.getKey(),
          "column order of " + e.getKey() + " wastes " + (now - best) + " bytes of padding"
              + " per row",
          evidence("bytesPerRowNow", now, "bytesPerRowReordered", best, "rows", rows,
              "bytesSaved", saved, "suggestedOrder", suggested),
          "Each column starts at a multiple of its alignment (8 for bigint and timestamptz, 4"
              + " for integer): a narrow column before a wide one leaves a gap in every row."
              + " PostgreSQL cannot reorder columns in place; the order only matters when the"
              + " table is created or rewritten anyway (a migration, pg_repack does not"
              + " reorder). Worth doing for a new table of this shape or at the next rewrite.");
    }
  }

  private static int width(List<int[]> cols) {
    int offset = 0;
    for (var c : cols) {
      offset = (offset + c[1] - 1) / c[1] * c[1] + c[0];
    }
    return (offset + 7) / 8 * 8;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
