package io.pgdba.advisor.table;

import static io.pgdba.advisor.table.Scan.evidence;
import static io.pgdba.advisor.table.Scan.mb;

import io.pgdba.catalog.Index;
import io.pgdba.catalog.Table;
import io.pgdba.ddl.Identifiers;
import io.pgdba.finding.Severity;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Heap and btree index bloat: measured with pgstattuple ({@code pgstattuple_approx},
 * {@code pgstatindex}) when the extension is installed, this user may execute it and the
 * relations fit in the read budget; estimated from the statistics otherwise (pg-index-health's
 * estimate). The evidence says which, what to do about it and why it grew.
 */
final class Bloat {

  private static final String RELOPTIONS_SQL =
      "select n.nspname, c.relname, c.reloptions::text[] from pg_class c"
          + " join pg_namespace n on n.oid = c.relnamespace"
          + " where c.reloptions is not null and c.relkind in ('r', 'm', 'i')";

  private static final String OLDEST_SQL =
      "select coalesce(max(age(backend_xmin)), 0),"
          + " coalesce(extract(epoch from max(now() - xact_start))::bigint, 0)"
          + " from pg_stat_activity where backend_xmin is not null";

  private final Scan scan;
  private final HealthChecks estimates;
  private final Map<String, List<String>> reloptions = new HashMap<>();
  private long oldestXminAge;
  private long oldestXactSeconds;
  private String pgstattupleSchema;
  private long budget;

  Bloat(Scan scan, HealthChecks estimates) {
    this.scan = scan;
    this.estimates = estimates;
  }

  void run() throws SQLException {
    scan.query(RELOPTIONS_SQL, rs -> {
      var a = rs.getArray(3);
      reloptions.put(rs.getString(1) + "." + rs.getString(2),
          a == null ? List.of() : List.of((String[]) a.getArray()));
    });
    scan.query(OLDEST_SQL, rs -> {
      oldestXminAge = rs.getLong(1);
      oldestXactSeconds = rs.getLong(2);
    });
    pgstattupleSchema = pgstattuple();
    budget = scan.settings.pgstattupleBudgetBytes();
    var tables = new ArrayList<>(scan.catalog.tables());
    tables.sort(Comparator.comparingLong(Table::sizeBytes).reversed());
    for (var t : tables) {
      if (Table.TABLE.equals(t.kind()) && t.sizeBytes() >= scan.settings.bloatMinBytes()) {
        table(t);
      }
      for (var i : t.indexes()) {
        if (i.valid() && i.sizeBytes() >= scan.settings.bloatMinBytes()) {
          index(t, i);
        }
      }
    }
  }

  /** The schema pgstattuple lives in if installed and executable by this user, else null. */
  private String pgstattuple() throws SQLException {
    if (!scan.catalog.hasExtension("pgstattuple")) {
      return null;
    }
    String[] schema = {null};
    scan.query("select n.nspname,"
        + " has_function_privilege(p.oid, 'execute')"
        + " and has_function_privilege(q.oid, 'execute')"
        + " from pg_extension e join pg_namespace n on n.oid = e.extnamespace"
        + " join pg_proc p on p.pronamespace = n.oid and p.proname = 'pgstattuple_approx'"
        + " join pg_proc q on q.pronamespace = n.oid and q.proname = 'pgstatindex'"
        + "   and q.proargtypes[0] = 'regclass'::regtype"
        + " where e.extname = 'pgstattuple'", rs -> {
          if (rs.getBoolean(2)) {
            schema[0] = rs.getString(1);
          }
        });
    if (schema[0] == null) {
      scan.warnings.add("table advisor: pgstattuple is installed but this user may not execute"
          + " it (grant pg_stat_scan_tables): bloat is estimated from the statistics");
    }
    return schema[0];
  }

  private void table(Table t) throws SQLException {
    String object = Names.object(t.schema(), t.name());
    int fillfactor = option(object, "fillfactor", 100);
    long wasted;
    long size = t.sizeBytes();
    Map<String, Object> measured;
    if (pgstattupleSchema != null && size <= budget) {
      budget -= size;
      long[] r = new long[4];
      scan.query("select table_len, dead_tuple_len, approx_free_space, scanned_percent from "
          + Identifiers.quote(pgstattupleSchema) + ".pgstattuple_approx(?::regclass)", rs -> {
            for (int k = 0; k < 4; k++) {
              r[k] = (long) rs.getDouble(k + 1);
            }
          }, Identifiers.qualified(t.schema(), t.name()));
      size = r[0];
      // the free space fillfactor keeps for HOT updates is not bloat
      long reserved = size * (100 - fillfactor) / 100;
      wasted = Math.max(0, r[1] + r[2] - reserved);
      measured = evidence("method", "pgstattuple_approx", "scannedPercent", r[3],
          "deadTupleBytes", r[1], "freeSpaceBytes", r[2]);
    } else {
      long[] e = estimates.estimatedTableBloat.get(object);
      if (e == null) {
        return;
      }
      wasted = e[0];
      size = e[1];
      measured = evidence("method", "estimated from statistics (pg-index-health)");
    }
    if (!worth(wasted, size)) {
      return;
    }
    var evidence = evidence("sizeBytes", size, "bloatBytes", wasted,
        "bloatPercent", percent(wasted, size));
    evidence.putAll(measured);
    var a = t.activity();
    evidence.putAll(evidence("deadTuples", a.deadTuples(), "liveTuples", a.liveTuples(),
        "lastAutovacuum", a.lastAutovacuum() == null ? "never" : a.lastAutovacuum().toString(),
        "fillfactor", fillfactor, "hotUpdatePercent",
        a.updates() == 0 ? null : percent(a.hotUpdates(), a.updates())));
    scan.add("table.bloat", severity(wasted, size), object,
        "table " + object + " has " + mb(wasted) + " of bloat (" + percent(wasted, size) + " %)",
        evidence, why(object, t) + " " + reclaimTable(),
        "VACUUM (ANALYZE, VERBOSE) " + Identifiers.qualified(t.schema(), t.name()), null);
  }

  private void index(Table t, Index i) throws SQLException {
    String object = Names.object(i.schema(), i.name());
    long wasted;
    long size = i.sizeBytes();
    Map<String, Object> measured;
    if (pgstattupleSchema != null && "btree".equals(i.method()) && size <= budget) {
      budget -= size;
      double[] r = new double[2];
      scan.query("select avg_leaf_density, leaf_fragmentation from "
          + Identifiers.quote(pgstattupleSchema) + ".pgstatindex(?::regclass)", rs -> {
            r[0] = rs.getDouble(1);
            r[1] = rs.getDouble(2);
          }, Identifiers.qualified(i.schema(), i.name()));
      int fillfactor = option(object, "fillfactor", 90);
      // a freshly built btree is packed to its fillfactor; emptier leaves are bloat
      wasted = r[0] <= 0 || Double.isNaN(r[0]) ? 0
          : (long) (size * Math.max(0, 1 - r[0] / fillfactor));
      measured = evidence("method", "pgstatindex", "avgLeafDensity", r[0],
          "leafFragmentation", r[1]);
    } else {
      long[] e = estimates.estimatedIndexBloat.get(object);
      if (e == null) {
        return;
      }
      wasted = e[0];
      size = e[1];
      measured = evidence("method", "estimated from statistics (pg-index-health)");
    }
    if (!worth(wasted, size)) {
      return;
    }
    var evidence = evidence("table", Names.object(t.schema(), t.name()), "sizeBytes", size,
        "bloatBytes", wasted, "bloatPercent", percent(wasted, size));
    evidence.putAll(measured);
    String concurrently = scan.catalog.server().versionNum() >= 120000 ? " CONCURRENTLY" : "";
    scan.add("table.index-bloat", severity(wasted, size), object,
        "index " + object + " has " + mb(wasted) + " of bloat (" + percent(wasted, size) + " %)",
        evidence,
        "REINDEX INDEX CONCURRENTLY builds a fresh copy beside the old one and swaps them:"
            + " reads and writes go on, it needs the index's size in free disk and waits for"
            + " running transactions at the swap. Plain REINDEX blocks writes for the whole"
            + " build. Indexes bloat when rows are deleted or updated (non-HOT) in key ranges"
            + " that are not reused, e.g. a queue or a time-ordered key with old rows purged.",
        "REINDEX INDEX" + concurrently + " " + Identifiers.qualified(i.schema(), i.name()), null);
  }

  private boolean worth(long wasted, long size) {
    return wasted >= scan.settings.bloatMinBytes()
        && percent(wasted, size) >= scan.settings.bloatMinPercent();
  }

  private static Severity severity(long wasted, long size) {
    return wasted >= (1L << 30) || percent(wasted, size) >= 50 ? Severity.WARNING : Severity.INFO;
  }

  static double percent(long part, long whole) {
    return whole <= 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
  }

  /** Why it grew: the causes the catalog can show, or a plain statement that none shows. */
  private String why(String object, Table t) {
    var causes = new ArrayList<String>();
    var a = t.activity();
    if ("false".equals(optionText(object, "autovacuum_enabled"))) {
      causes.add("autovacuum is disabled on this table (autovacuum_enabled=false)");
    } else if (a.lastAutovacuum() == null && a.lastVacuum() == null) {
      causes.add("the table was never vacuumed since the statistics were reset");
    }
    if (a.liveTuples() > 0 && a.deadTuples() > a.liveTuples() / 5) {
      causes.add(a.deadTuples() + " dead rows wait for vacuum (autovacuum lagging: lower"
          + " autovacuum_vacuum_scale_factor for this table, raise autovacuum_vacuum_cost_limit)");
    }
    if (oldestXminAge > 1_000_000 || oldestXactSeconds > 3600) {
      causes.add("a transaction open for " + oldestXactSeconds + " s (xmin age " + oldestXminAge
          + ") keeps vacuum from removing dead rows");
    }
    if (a.updates() > 1000 && a.hotUpdates() < a.updates() / 2
        && option(object, "fillfactor", 100) == 100) {
      causes.add("only " + percent(a.hotUpdates(), a.updates()) + " % of updates are HOT with"
          + " fillfactor 100: a lower fillfactor (e.g. 80-90) leaves room on the page");
    }
    if (causes.isEmpty()) {
      causes.add("mass DELETEs or UPDATEs left space that later inserts have not reused");
    }
    return "Why it grew: " + String.join("; ", causes) + ".";
  }

  private String reclaimTable() {
    var tools = new ArrayList<String>();
    if (scan.catalog.hasExtension("pg_repack")) {
      tools.add("pg_repack is installed: `pg_repack --table` rebuilds it online (brief ACCESS"
          + " EXCLUSIVE locks at start and end, free disk for a full copy)");
    }
    if (scan.catalog.hasExtension("pg_squeeze")) {
      tools.add("pg_squeeze is installed: squeeze.squeeze_table() rebuilds it online from"
          + " logical decoding (brief exclusive lock at the end)");
    }
    return "How to reclaim: VACUUM makes the space reusable without blocking reads or writes"
        + " (SHARE UPDATE EXCLUSIVE) but gives back to the OS only empty pages at the end. "
        + (tools.isEmpty() ? "pg_repack or pg_squeeze (not installed) would rebuild it online. "
            : String.join("; ", tools) + ". ")
        + "VACUUM FULL rewrites table and indexes under an ACCESS EXCLUSIVE lock held for the"
        + " whole rewrite (no reads, no writes) and needs free disk for the live data: only in"
        + " a maintenance window.";
  }

  private int option(String object, String name, int fallback) {
    String v = optionText(object, name);
    try {
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private String optionText(String object, String name) {
    for (var o : reloptions.getOrDefault(object, List.of())) {
      if (o.startsWith(name + "=")) {
        return o.substring(name.length() + 1);
      }
    }
    return null;
  }
}
