package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;

import io.pgdba.catalog.Column;
import io.pgdba.catalog.Constraint;
import io.pgdba.catalog.Table;
import io.pgdba.finding.Severity;
import io.pgdba.workload.QueryStats;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Advice on the shape of tables that needs the workload: partitioning (large tables read and
 * purged by a time range; partitioned tables whose queries never prune), and normalization
 * (wide sparse tables, JSON keys read everywhere, frequent joins of two tables in a 1:1
 * relation). Queries are matched on their normalized text: a table is referenced after FROM,
 * JOIN, UPDATE, INTO or DELETE FROM, a range filter is a column of the table next to {@code <},
 * {@code <=}, {@code >}, {@code >=} or BETWEEN.
 */
final class Structure {

  private static final Pattern TABLE_REF = Pattern.compile(
      "\\b(from|join|update|into)\\s+(?:only\\s+)?(?:\"?([a-z_][a-z0-9_$]*)\"?\\.)?"
          + "\"?([a-z_][a-z0-9_$]*)\"?(?:\\s+(?:as\\s+)?([a-z_][a-z0-9_]*))?");
  private static final Pattern DATE = Pattern.compile("'(\\d{4}-\\d{2}-\\d{2})");
  private static final Pattern INTERVAL =
      Pattern.compile("interval\\s*'(\\d+)\\s*(day|days|week|weeks|month|months|year|years)'");
  private static final Pattern EQUALITY = Pattern.compile(
      "\\b([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)\\s*=\\s*([a-z_][a-z0-9_]*)\\.([a-z_][a-z0-9_]*)");
  private static final java.util.Set<String> NOT_ALIASES = java.util.Set.of("where", "on",
      "join", "left", "right", "inner", "full", "cross", "group", "order", "limit", "set",
      "using", "values", "returning", "natural", "select", "union", "offset", "for", "having");

  private final Scan scan;
  private final List<QueryStats> queries;

  Structure(Scan scan) {
    this.scan = scan;
    this.queries = scan.workload == null ? List.of()
        : scan.workload.queries().stream()
            .filter(q -> !QueryStats.OTHER_FINGERPRINT.equals(q.fingerprint())).toList();
  }

  void run() throws SQLException {
    partitioning();
    partitionedWithoutPruning();
    wideSparse();
    jsonKeys();
    oneToOneJoins();
  }

  /** The query's table references: alias (or the table's own name) to table. */
  private Map<String, Table> references(QueryStats q) {
    var out = new LinkedHashMap<String, Table>();
    Matcher m = TABLE_REF.matcher(lower(q));
    while (m.find()) {
      var t = resolve(m.group(2), m.group(3));
      if (t != null) {
        out.put(t.name(), t);
        if (m.group(4) != null && !NOT_ALIASES.contains(m.group(4))) {
          out.put(m.group(4), t);
        }
      }
    }
    return out;
  }

  private Table resolve(String schema, String name) {
    for (var t : scan.catalog.tables()) {
      if (t.name().equals(name) && (schema == null
          ? scan.catalog.server().searchPath().contains(t.schema()) : t.schema().equals(schema))) {
        return t;
      }
    }
    return null;
  }

  private static String lower(QueryStats q) {
    return q.query().toLowerCase(Locale.ROOT);
  }

  private static boolean ranges(String sql, String column) {
    return Pattern.compile("\\b" + Pattern.quote(column) + "\"?\\s*(<|<=|>|>=|between\\b)")
        .matcher(sql).find()
        || Pattern.compile("(>|<|>=|<=)\\s*\"?(?:[a-z_][a-z0-9_]*\\.)?" + Pattern.quote(column)
            + "\\b").matcher(sql).find();
  }

  private static boolean filters(String sql, String column) {
    return ranges(sql, column) || Pattern.compile("\\b" + Pattern.quote(column)
        + "\"?\\s*(=|in\\s*\\()").matcher(sql).find();
  }

  private static boolean timeType(Column c) {
    return c.type().startsWith("timestamp") || c.type().equals("date");
  }

  private void partitioning() throws SQLException {
    for (var t : scan.catalog.tables()) {
      if (!Table.TABLE.equals(t.kind()) || t.sizeBytes() < scan.settings.partitionMinBytes()) {
        continue;
      }
      var users = queries.stream().filter(q -> references(q).containsValue(t)).toList();
      for (var c : t.columns()) {
        if (!timeType(c)) {
          continue;
        }
        var deletes = users.stream().filter(q -> lower(q).startsWith("delete")
            && ranges(lower(q), c.name())).toList();
        var reads = users.stream().filter(q -> !lower(q).startsWith("delete")
            && ranges(lower(q), c.name())).toList();
        if (deletes.isEmpty() || reads.isEmpty()) {
          continue;
        }
        var other = users.stream().filter(q -> !filters(lower(q), c.name())).toList();
        propose(t, c, deletes, reads, other);
        break;
      }
    }
  }

  private void propose(Table t, Column c, List<QueryStats> deletes, List<QueryStats> reads,
      List<QueryStats> other) throws SQLException {
    Instant[] span = span(t, c);
    double days = span == null ? 0
        : Math.max(1, Duration.between(span[0], span[1]).toHours() / 24.0);
    double bytesPerDay = days == 0 ? 0 : t.sizeBytes() / days;
    String interval = bytesPerDay * 30 > (50L << 30) ? "day"
        : bytesPerDay > 0 && bytesPerDay * 365 < (1L << 30) ? "year" : "month";
    String retention = retention(deletes);
    String object = Names.object(t.schema(), t.name());
    scan.add("table.partitioning", Severity.WARNING, object,
        "partition " + object + " by range of " + c.name() + " (one partition per " + interval
            + ")",
        evidence("sizeBytes", t.sizeBytes(), "rows", Scan.rows(t), "key", c.name(),
            "interval", interval, "retention", retention,
            "dataFrom", span == null ? null : span[0].toString(),
            "dataTo", span == null ? null : span[1].toString(),
            "rangeDeletes", fingerprints(deletes), "pruningQueries", fingerprints(reads),
            "notPruningQueries", fingerprints(other)),
        "The workload reads " + object + " by ranges of " + c.name() + " and deletes old rows"
            + " by range: with partitions per " + interval + " reads touch only their"
            + " partitions and the purge becomes DROP TABLE or DETACH PARTITION (instant, no"
            + " dead rows, no vacuum, no bloat) instead of a DELETE."
            + (retention == null ? "" : " Retention seen in the DELETEs: " + retention + ".")
            + " Queries without a " + c.name() + " filter (" + other.size() + ") would read"
            + " every partition. Migration: create the partitioned table (the primary key and"
            + " unique constraints must include " + c.name() + "), create partitions ahead of"
            + " time (pg_partman or a scheduled job), attach the current table as the partition"
            + " of its range after adding a CHECK (" + c.name() + " ...) NOT VALID and VALIDATE"
            + " (so ATTACH skips the scan under lock), rename in one short transaction; or copy"
            + " in batches to a new table and switch with a short lock.");
  }

  private Instant[] span(Table t, Column c) throws SQLException {
    Instant[] out = {null, null};
    scan.query("select (b[1])::timestamptz, (b[array_length(b, 1)])::timestamptz from"
        + " (select histogram_bounds::text::text[] b from pg_stats where schemaname = ?"
        + " and tablename = ? and attname = ? and not inherited) s where b is not null", rs -> {
          var from = rs.getObject(1, java.time.OffsetDateTime.class);
          var to = rs.getObject(2, java.time.OffsetDateTime.class);
          if (from != null && to != null) {
            out[0] = from.toInstant();
            out[1] = to.toInstant();
          }
        }, t.schema(), t.name(), c.name());
    return out[0] == null ? null : out;
  }

  /** The retention the purge keeps: an interval in the DELETE, or the age of its cut-off date. */
  private String retention(List<QueryStats> deletes) {
    for (var q : deletes) {
      String sql = q.example() == null ? lower(q) : q.example().toLowerCase(Locale.ROOT);
      var m = INTERVAL.matcher(sql);
      if (m.find()) {
        return m.group(1) + " " + m.group(2);
      }
      var d = DATE.matcher(sql);
      if (d.find()) {
        try {
          long age = Duration.between(LocalDate.parse(d.group(1)).atStartOfDay()
              .toInstant(java.time.ZoneOffset.UTC), scan.now).toDays();
          if (age > 0) {
            return "about " + age + " days (cut-off " + d.group(1) + " in the logged DELETE)";
          }
        } catch (java.time.format.DateTimeParseException e) {
          // not a date after all
        }
      }
    }
    return null;
  }

  private void partitionedWithoutPruning() throws SQLException {
    var keys = new HashMap<String, String>();
    scan.query("select n.nspname, c.relname, pg_get_partkeydef(c.oid) from pg_class c"
        + " join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'p'",
        rs -> keys.put(Names.object(rs.getString(1), rs.getString(2)), rs.getString(3)));
    for (var t : scan.catalog.tables()) {
      String def = keys.get(Names.object(t.schema(), t.name()));
      if (def == null) {
        continue;
      }
      var columns = t.columns().stream().map(Column::name)
          .filter(n -> Pattern.compile("\\b" + Pattern.quote(n) + "\\b")
              .matcher(def.toLowerCase(Locale.ROOT)).find()).toList();
      var users = queries.stream().filter(q -> references(q).containsValue(t)).toList();
      if (users.isEmpty() || columns.isEmpty()) {
        continue;
      }
      var pruning = users.stream().filter(q -> columns.stream()
          .anyMatch(col -> filters(lower(q), col))).toList();
      if (!pruning.isEmpty()) {
        continue;
      }
      long calls = users.stream().mapToLong(QueryStats::calls).sum();
      String object = Names.object(t.schema(), t.name());
      scan.add("table.partitions-not-pruned", Severity.WARNING, object,
          "no query on partitioned table " + object + " filters on its key " + def,
          evidence("partitionKey", def, "queries", fingerprints(users), "calls", calls),
          "Every query reads every partition: partitioning costs planning time and gives"
              + " nothing back to these queries. Add the key to their WHERE clauses (the"
              + " planner prunes on constants and, at execution, on parameters), or"
              + " repartition by the column they do filter on.");
    }
  }

  private void wideSparse() {
    for (var t : scan.catalog.tables()) {
      if (!scan.large(t) || t.columns().size() < scan.settings.wideMinColumns()) {
        continue;
      }
      var sparse = t.columns().stream()
          .filter(c -> c.stats() != null && c.stats().nullFrac() >= 0.9).map(Column::name)
          .toList();
      if (sparse.size() * 2 < t.columns().size()) {
        continue;
      }
      String object = Names.object(t.schema(), t.name());
      scan.add("table.wide-sparse", Severity.INFO, object,
          object + " has " + t.columns().size() + " columns, " + sparse.size()
              + " of them null in 90 % of rows or more",
          evidence("columns", t.columns().size(), "sparseColumns", sparse.size(),
              "examples", sparse.stream().limit(10).toList(), "rows", Scan.rows(t)),
          "A null costs one bit, but every UPDATE rewrites the whole wide row and each row"
              + " carries the null bitmap. Move the rarely set attributes to a side table"
              + " (1:1, keyed by the primary key) or one jsonb column, if they are read"
              + " together and rarely; keep them if queries filter on them.");
    }
  }

  private void jsonKeys() {
    for (var t : scan.catalog.tables()) {
      for (var c : t.columns()) {
        if (!c.type().equals("jsonb") && !c.type().equals("json")) {
          continue;
        }
        var keyCalls = new TreeMap<String, Long>();
        var keyQueries = new TreeMap<String, Integer>();
        var p = Pattern.compile("\\b" + Pattern.quote(c.name())
            + "\"?\\s*->>?\\s*'([^']{1,63})'");
        for (var q : queries) {
          if (!references(q).containsValue(t)) {
            continue;
          }
          // the example keeps the literal key names that normalization may turn into $n
          String sql = q.example() != null ? q.example() : q.query();
          var m = p.matcher(sql.toLowerCase(Locale.ROOT));
          var seen = new java.util.HashSet<String>();
          while (m.find()) {
            if (seen.add(m.group(1))) {
              keyCalls.merge(m.group(1), q.calls(), Long::sum);
              keyQueries.merge(m.group(1), 1, Integer::sum);
            }
          }
        }
        var hot = keyCalls.entrySet().stream()
            .filter(e -> e.getValue() >= scan.settings.minCalls() && keyQueries.get(e.getKey()) >= 2)
            .map(Map.Entry::getKey).toList();
        if (hot.isEmpty()) {
          continue;
        }
        var evidenceKeys = new LinkedHashMap<String, Object>();
        hot.forEach(k -> evidenceKeys.put(k, Map.of("calls", keyCalls.get(k),
            "queries", keyQueries.get(k))));
        String object = Names.object(t.schema(), t.name()) + "." + c.name();
        scan.add("table.json-keys-as-columns", Severity.INFO, object,
            "JSON keys " + String.join(", ", hot) + " of " + object + " are read by "
                + "several queries",
            evidence("type", c.type(), "keys", evidenceKeys),
            "Keys that every query reads are columns in disguise: each read parses the"
                + " document (detoasting it when large), the planner has no statistics on"
                + " them and a type error hides in the data. Make them real columns (or"
                + " GENERATED ALWAYS AS (" + c.name() + "->>'key') STORED, which rewrites the"
                + " table once) with their own type and index where queries filter.");
      }
    }
  }

  private void oneToOneJoins() {
    var pairs = new TreeMap<String, long[]>();
    var prints = new TreeMap<String, List<String>>();
    for (var q : queries) {
      var refs = references(q);
      if (new java.util.HashSet<>(refs.values()).size() < 2) {
        continue;
      }
      var m = EQUALITY.matcher(lower(q));
      while (m.find()) {
        var a = refs.get(m.group(1));
        var b = refs.get(m.group(3));
        if (a == null || b == null || a == b || !unique(a, m.group(2))
            || !unique(b, m.group(4))) {
          continue;
        }
        String ka = Names.object(a.schema(), a.name());
        String kb = Names.object(b.schema(), b.name());
        String key = ka.compareTo(kb) < 0 ? ka + " " + kb : kb + " " + ka;
        pairs.computeIfAbsent(key, k -> new long[1])[0] += q.calls();
        prints.computeIfAbsent(key, k -> new ArrayList<>()).add(q.fingerprint());
      }
    }
    for (var e : pairs.entrySet()) {
      if (e.getValue()[0] < scan.settings.minCalls()) {
        continue;
      }
      String[] ab = e.getKey().split(" ");
      scan.add("table.one-to-one-join", Severity.INFO, ab[0] + "+" + ab[1],
          ab[0] + " and " + ab[1] + " are 1:1 and joined " + e.getValue()[0] + " times",
          evidence("tables", List.of(ab[0], ab[1]), "calls", e.getValue()[0],
              "queries", prints.get(e.getKey())),
          "Both join columns are unique, so each row has at most one partner, and the"
              + " workload joins them all the time. Merging them (denormalization) saves"
              + " the join and an index lookup per row; keep them apart if one side is wide"
              + " and rarely read, written by another workload, or has its own life cycle.");
    }
  }

  private static boolean unique(Table t, String column) {
    return t.constraints().stream().anyMatch(c -> c.columns().equals(List.of(column))
        && (c.kind() == Constraint.Kind.PRIMARY_KEY || c.kind() == Constraint.Kind.UNIQUE))
        || t.indexes().stream().anyMatch(i -> i.unique() && i.valid() && i.predicate() == null
            && i.keys().equals(List.of(column)));
  }

  private static List<String> fingerprints(List<QueryStats> qs) {
    return qs.stream().map(QueryStats::fingerprint).limit(10).toList();
  }
}
