package io.pgdba.advisor.config;

import io.pgdba.advisor.config.Resources.Storage;
import io.pgdba.advisor.config.ServerState.Setting;
import io.pgdba.advisor.config.ServerState.Spill;
import io.pgdba.advisor.config.ServerState.TableChurn;
import io.pgdba.finding.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tuning rules: from the server's settings and statistics, the workload and the resources, the
 * changes worth making. Pure: no I/O, the same inputs give the same changes in the same order.
 *
 * <p>Memory-sized settings are planned together so that their worst case fits the memory limit:
 * {@code shared_buffers + (max_connections + max_parallel_workers) x work_mem x (1 +
 * hash_mem_multiplier) + autovacuum_max_workers x autovacuum memory}, that is one sort and one
 * hash per query at the same time in every backend.
 */
public final class ConfigRules {

  /** The smallest work_mem pgdba proposes: PostgreSQL's default. */
  static final long MIN_WORK_MEM = 4 * Sizes.MB;
  /** A spilled sort or hash needs about this many times its temporary file in memory. */
  static final double SPILL_TO_MEMORY = 2.0;

  private final ServerState s;
  private final Resources r;
  private final Environment env;
  private final WorkloadSignals w;
  private final List<Change> changes = new ArrayList<>();
  private long plannedSharedBuffers;
  private long plannedWorkMem;

  private ConfigRules(ServerState s, Resources r, Environment env, WorkloadSignals w) {
    this.s = s;
    this.r = r;
    this.env = env;
    this.w = w;
  }

  /** The changes, in a fixed order; never one that {@code env} forbids. */
  public static List<Change> recommend(
      ServerState s, Resources r, Environment env, WorkloadSignals w) {
    var rules = new ConfigRules(s, r, env, w);
    rules.sharedBuffers();
    rules.effectiveCacheSize();
    rules.workMem();
    rules.memorySafety();
    rules.idleConnections();
    rules.checkpoints();
    rules.autovacuum();
    rules.storage();
    rules.jit();
    rules.parallelism();
    rules.logging();
    return rules.changes.stream().filter(c -> env.mayPropose(c.parameter())).toList();
  }

  // ---- memory -------------------------------------------------------------------------------

  private void sharedBuffers() {
    plannedSharedBuffers = bytes("shared_buffers", 128 * Sizes.MB);
    if (r.memoryBytes() == null) {
      return;
    }
    long mem = r.memoryBytes();
    long current = plannedSharedBuffers;
    long quarter = roundDown(mem / 4, 128 * Sizes.MB);
    long dbSize = s.database().sizeBytes();
    // room for the data to double; beyond the data itself, buffers only take memory from others
    long target = dbSize > 0 ? Math.min(quarter, roundUp(dbSize * 2, 128 * Sizes.MB)) : quarter;
    if (r.hugePagesBytes() > 0) {
      target = Math.min(target, roundDown(r.hugePagesBytes() * 9 / 10, 2 * Sizes.MB));
    }
    target = Math.max(target, 128 * Sizes.MB);
    double hit = s.database().hitRatio();
    var ev = evidence("shared_buffers", Sizes.format(target));
    ev.put("memoryLimit", Sizes.format(mem));
    ev.put("memorySource", r.memorySource());
    ev.put("databasesSize", Sizes.human(dbSize));
    ev.put("cacheHitRatio", Double.isNaN(hit) ? null : round(hit, 4));
    if (r.hugePagesBytes() > 0) {
      ev.put("hugePages", Sizes.format(r.hugePagesBytes()));
    }
    if (current > mem * 4 / 10) {
      plannedSharedBuffers = target;
      add("shared_buffers", "shared_buffers", ev, Severity.CRITICAL,
          "shared_buffers takes " + pct(current, mem) + " of the memory limit",
          "shared_buffers = " + Sizes.format(current) + " is " + pct(current, mem) + " of the "
              + Sizes.format(mem) + " limit (" + r.memorySource() + "): with the backends' own"
              + " memory the server is one busy hour from the OOM killer, and the page cache,"
              + " which PostgreSQL relies on too, has nothing left. " + Sizes.format(target)
              + " holds the " + Sizes.human(dbSize) + " of data twice over or a quarter of the"
              + " memory, whichever is less.");
    } else if (target >= current * 2
        && (Double.isNaN(hit) ? dbSize > current : hit < 0.99)) {
      // a cache that already serves 99 % of reads gains nothing from more memory
      plannedSharedBuffers = target;
      add("shared_buffers", "shared_buffers", ev,
          !Double.isNaN(hit) && hit < 0.95 ? Severity.WARNING : Severity.INFO,
          "shared_buffers is small for the data and the memory",
          "The databases hold " + Sizes.human(dbSize) + " and " + (Double.isNaN(hit) ? "" :
              pctOf(hit) + " of block reads were served from shared_buffers; ")
              + Sizes.format(current) + " is " + pct(current, mem) + " of the "
              + Sizes.format(mem) + " limit. " + Sizes.format(target) + " (a quarter of the"
              + " memory, no more than twice the data) keeps more of the working set in"
              + " PostgreSQL's own cache; the rest of the memory stays for work_mem and the page"
              + " cache. Needs a restart.");
    }
  }

  private void effectiveCacheSize() {
    if (r.memoryBytes() == null) {
      return;
    }
    long mem = r.memoryBytes();
    long current = bytes("effective_cache_size", 4 * Sizes.GB);
    long target = roundDown(mem * 3 / 4, 64 * Sizes.MB);
    if (current > mem || current * 2 < target) {
      var ev = evidence("effective_cache_size", Sizes.format(target));
      ev.put("memoryLimit", Sizes.format(mem));
      ev.put("memorySource", r.memorySource());
      add("effective_cache_size", "effective_cache_size", ev,
          current > mem ? Severity.WARNING : Severity.INFO,
          "effective_cache_size does not match the memory",
          "The planner assumes " + Sizes.format(current) + " of cache (shared_buffers and page"
              + " cache together) but the server may use " + Sizes.format(mem) + " in all. "
              + (current > mem
                  ? "It overrates index scans that will read from disk."
                  : "It underrates index scans on data that is cached.")
              + " Three quarters of the limit, " + Sizes.format(target) + ", is what can be"
              + " cached once backends have their share. Planner estimate only, no memory is"
              + " allocated.");
    }
  }

  private void workMem() {
    long current = bytes("work_mem", 4 * Sizes.MB);
    plannedWorkMem = current;
    List<Long> needs = new ArrayList<>();
    long spilledBytes;
    long spillQueries;
    String origin;
    if (s.spills() != null && !s.spills().isEmpty()) {
      for (Spill sp : s.spills()) {
        needs.add((long) (sp.bytesPerCall() * SPILL_TO_MEMORY));
      }
      spilledBytes = s.spills().stream().mapToLong(Spill::tempBytes).sum();
      spillQueries = s.spills().size();
      origin = "pg_stat_statements";
    } else if (s.database().tempFiles() > 0) {
      long avg = s.database().tempBytes() / s.database().tempFiles();
      needs.add((long) (avg * SPILL_TO_MEMORY));
      spilledBytes = s.database().tempBytes();
      spillQueries = -1;
      origin = "pg_stat_database";
    } else if (w.tempFiles() > 0) {
      needs.add((long) (w.tempFileBytes() / w.tempFiles() * SPILL_TO_MEMORY));
      spilledBytes = w.tempFileBytes();
      spillQueries = -1;
      origin = "logs";
    } else {
      return;
    }
    needs.sort(null);
    long maxNeed = needs.get(needs.size() - 1);
    if (maxNeed <= current || spilledBytes < 8 * Sizes.MB) {
      return;
    }
    long wanted = Sizes.ceilPowerOfTwoMb(maxNeed);
    long cap;
    String capReason;
    if (r.memoryBytes() != null) {
      cap = Sizes.floorPowerOfTwoMb(workMemBudget(maxConnections()));
      capReason = "the worst case must fit the " + Sizes.format(r.memoryBytes()) + " limit";
    } else {
      cap = 64 * Sizes.MB;
      capReason = "memory unknown, so no more than 64MB is proposed";
    }
    long proposed = Math.min(wanted, cap);
    if (proposed <= current) {
      return;
    }
    plannedWorkMem = proposed;
    long fit = needs.stream().filter(n -> n <= proposed).count();
    var ev = evidence("work_mem", Sizes.format(proposed));
    ev.put("spillSource", origin);
    if (spillQueries >= 0) {
      ev.put("spillingQueries", spillQueries);
      ev.put("queriesThatWouldFit", fit);
    } else {
      ev.put("tempFiles", origin.equals("logs") ? w.tempFiles() : s.database().tempFiles());
    }
    ev.put("tempBytes", spilledBytes);
    ev.put("largestSpillPerCall", Sizes.human((long) (maxNeed / SPILL_TO_MEMORY)));
    ev.put("worstCaseMemory", worstCaseText(plannedSharedBuffers, maxConnections(), proposed));
    if (r.memoryBytes() != null) {
      ev.put("memoryLimit", Sizes.format(r.memoryBytes()));
    }
    String who = spillQueries >= 0
        ? fit + " of the " + spillQueries + " queries that wrote " + Sizes.human(spilledBytes)
            + " of temporary files"
        : "the average spill (" + Sizes.human((long) (maxNeed / SPILL_TO_MEMORY))
            + " per temporary file, " + Sizes.human(spilledBytes) + " in all)";
    String rest = proposed < wanted
        ? " The largest spill needs about " + Sizes.format(wanted) + ", more than is safe for"
            + " every connection (" + capReason + "): give it to the role or the query that"
            + " needs it (ALTER ROLE ... SET work_mem, or SET LOCAL work_mem in its"
            + " transaction), or lower max_connections behind a pooler."
        : "";
    add("work_mem", "work_mem", ev, Severity.WARNING,
        "queries sort and hash on disk: work_mem " + Sizes.format(current) + " is too small",
        who + " would sort and hash in memory with work_mem = " + Sizes.format(proposed)
            + " (a spilled sort needs about twice its temporary file in memory). Worst case"
            + " memory at max_connections: " + worstCaseText(plannedSharedBuffers,
                maxConnections(), proposed) + "." + rest + " Takes effect on reload, for new"
            + " sessions.");
  }

  private void memorySafety() {
    if (r.memoryBytes() == null) {
      return;
    }
    long mem = r.memoryBytes();
    long conns = maxConnections();
    long worst = worstCase(plannedSharedBuffers, conns, plannedWorkMem);
    if (worst <= mem) {
      return;
    }
    long budget = workMemBudget(conns);
    if (budget >= MIN_WORK_MEM && plannedWorkMem > budget) {
      long proposed = Math.max(MIN_WORK_MEM, Sizes.floorPowerOfTwoMb(budget));
      var ev = evidence("work_mem", Sizes.format(proposed));
      ev.put("memoryLimit", Sizes.format(mem));
      ev.put("worstCaseMemory", worstCaseText(plannedSharedBuffers, conns, plannedWorkMem));
      ev.put("worstCaseAfter", worstCaseText(plannedSharedBuffers, conns, proposed));
      // a work_mem change already proposed by the spill rule is replaced, not doubled
      changes.removeIf(c -> c.parameter().equals("work_mem"));
      plannedWorkMem = proposed;
      add("work_mem", "work_mem", ev, Severity.CRITICAL,
          "work_mem can exhaust the memory limit",
          "At max_connections = " + conns + " the worst case is " + Sizes.human(worst)
              + ", above the " + Sizes.format(mem) + " limit (" + r.memorySource() + "): the"
              + " OOM killer ends the server, not one query. work_mem = "
              + Sizes.format(proposed) + " fits; give more to the roles that need it (ALTER ROLE"
              + " ... SET work_mem).");
      return;
    }
    long perConn = (long) (plannedWorkMem * (1 + hashMemMultiplier()));
    long fixed = plannedSharedBuffers + autovacuumMemory();
    long fitConns = perConn <= 0 ? conns : (mem - fixed) / perConn - parallelWorkers();
    fitConns = fitConns / 10 * 10;
    long peak = s.connections().total();
    var ev = evidence("max_connections", String.valueOf(Math.max(fitConns, 0)));
    ev.put("memoryLimit", Sizes.format(mem));
    ev.put("memorySource", r.memorySource());
    ev.put("worstCaseMemory", worstCaseText(plannedSharedBuffers, conns, plannedWorkMem));
    ev.put("connectionsNow", peak);
    ev.put("idleConnections", s.connections().idle());
    if (fitConns < 10 || fitConns < peak) {
      var none = new LinkedHashMap<>(ev);
      none.put("proposed", null);
      // no value fits: say so, and propose nothing that would refuse today's clients
      changes.add(new Change("max_connections", "memory-too-small", settingText(
          "max_connections"), null, true, Severity.CRITICAL,
          "the memory limit cannot hold the connections",
          "Even at work_mem = " + Sizes.format(plannedWorkMem) + ", " + conns + " connections"
              + " can use " + Sizes.human(worst) + " against a " + Sizes.format(mem) + " limit,"
              + " and " + peak + " are connected now. Raise the memory limit or put a pooler"
              + " (PgBouncer, a CloudNativePG Pooler) in front and lower max_connections.",
          none));
      return;
    }
    add("max_connections", "max_connections", ev, Severity.CRITICAL,
        "max_connections is too high for the memory limit",
        "At max_connections = " + conns + " and work_mem = " + Sizes.format(plannedWorkMem)
            + " the worst case is " + Sizes.human(worst) + ", above the " + Sizes.format(mem)
            + " limit (" + r.memorySource() + "). " + fitConns + " connections fit ("
            + worstCaseText(plannedSharedBuffers, fitConns, plannedWorkMem) + "); " + peak
            + " are connected now, " + s.connections().idle() + " of them idle. A pooler"
            + " (PgBouncer, a CloudNativePG Pooler) serves many more clients with that many"
            + " server connections. Needs a restart.");
  }

  /**
   * Many idle sessions hold memory and process slots for nothing: a pooler, not a setting, is the
   * fix, so the finding proposes no value (and is left out of the scripts).
   */
  private void idleConnections() {
    var c = s.connections();
    long conns = maxConnections();
    if (c.idle() < 50 || c.idle() * 10 < c.total() * 7
        || changes.stream().anyMatch(x -> x.parameter().equals("max_connections"))) {
      return;
    }
    var ev = evidence("max_connections", null);
    ev.put("connectionsNow", c.total());
    ev.put("idleConnections", c.idle());
    ev.put("activeConnections", c.active());
    ev.put("idleInTransaction", c.idleInTransaction());
    changes.add(new Change("max_connections", "connection-pooler", settingText("max_connections"),
        null, true, Severity.INFO, "most connections are idle",
        c.idle() + " of " + c.total() + " connections are idle (" + c.active() + " active,"
            + " max_connections = " + conns + "). Each holds a backend process and its memory;"
            + " a pooler in transaction mode (PgBouncer, a CloudNativePG Pooler) serves the"
            + " same clients with a few dozen server connections, after which max_connections"
            + " can come down and work_mem go up within the same memory.", ev));
  }

  // ---- WAL and checkpoints ------------------------------------------------------------------

  private void checkpoints() {
    var cp = s.checkpoints();
    long total = cp.timed() + cp.requested();
    Setting cct = s.settings().get("checkpoint_completion_target");
    if (cct != null && cct.number().orElse(0.9) < 0.9) {
      var ev = evidence("checkpoint_completion_target", "0.9");
      add("checkpoint_completion_target", "checkpoint_completion_target", ev, Severity.INFO,
          "checkpoints write their pages in a short burst",
          "checkpoint_completion_target = " + cct.setting() + " writes each checkpoint in the"
              + " first half of its interval; 0.9 (the default since PostgreSQL 14) spreads the"
              + " same writes over most of it, with smaller I/O spikes.");
    }
    if (cp.requested() < 3 || cp.requested() * 5 < total) {
      return;
    }
    long current = bytes("max_wal_size", Sizes.GB);
    double timeoutS = millis("checkpoint_timeout", 300_000) / 1000;
    double completion = cct == null ? 0.9 : cct.number().orElse(0.9);
    long needed;
    String how;
    if (s.walBytes() != null && s.walSeconds() > 0 && s.walBytes() > 0) {
      double perSecond = s.walBytes() / s.walSeconds();
      // a checkpoint is requested once max_wal_size / (1 + completion target) of WAL is written
      needed = (long) (perSecond * timeoutS * (1 + completion));
      how = Sizes.human((long) (perSecond * timeoutS)) + " of WAL per checkpoint_timeout"
          + " (pg_stat_wal: " + Sizes.human(s.walBytes()) + " in " + (long) s.walSeconds()
          + " s)";
    } else {
      double interval = cp.seconds() / Math.max(1, cp.requested());
      double factor = Math.min(16, timeoutS / Math.max(1, interval));
      needed = (long) (current * Math.max(2, factor));
      how = "a requested checkpoint every " + (long) interval + " s where checkpoint_timeout"
          + " allows " + (long) timeoutS + " s";
    }
    long proposed = Math.min(Math.max(Sizes.ceilPowerOfTwoMb(needed), current * 2), 64 * Sizes.GB);
    if (proposed <= current) {
      return;
    }
    var ev = evidence("max_wal_size", Sizes.format(proposed));
    ev.put("checkpointsTimed", cp.timed());
    ev.put("checkpointsRequested", cp.requested());
    ev.put("statisticsAgeSeconds", (long) cp.seconds());
    if (s.walBytes() != null) {
      ev.put("walBytes", s.walBytes());
    }
    add("max_wal_size", "max_wal_size", ev,
        cp.requested() > cp.timed() ? Severity.WARNING : Severity.INFO,
        "checkpoints are forced by WAL volume, not by time",
        cp.requested() + " of " + total + " checkpoints were requested because max_wal_size = "
            + Sizes.format(current) + " filled up (" + how + "). Each forced checkpoint"
            + " flushes dirty buffers early and makes the next writes log full pages again."
            + " max_wal_size = " + Sizes.format(proposed) + " lets checkpoint_timeout pace"
            + " them; pg_wal may then hold up to that much, so the volume must have room."
            + " Crash recovery replays at most that much WAL. Takes effect on reload.");
  }

  // ---- autovacuum ---------------------------------------------------------------------------

  private void autovacuum() {
    double scale = number("autovacuum_vacuum_scale_factor", 0.2);
    double threshold = number("autovacuum_vacuum_threshold", 50);
    List<TableChurn> lagging = new ArrayList<>();
    for (var t : s.tables()) {
      boolean busy = t.updatesDeletes() >= Math.max(1000, t.liveTuples() / 10);
      if (t.reloptionScaleFactor() == null && busy && t.deadTuples() >= 10_000
          && t.deadTuples() > 0.05 * t.liveTuples()) {
        lagging.add(t);
      }
    }
    if (lagging.isEmpty()) {
      return;
    }
    String tables = lagging.stream().limit(5).map(t -> t.schema() + "." + t.name() + ": "
        + t.deadTuples() + " dead of " + t.liveTuples() + " live ("
        + pct(t.deadTuples(), t.liveTuples() + t.deadTuples()) + "), vacuum at "
        + (long) (threshold + scale * t.liveTuples()))
        .collect(Collectors.joining("; "));
    if (scale > 0.05) {
      var ev = evidence("autovacuum_vacuum_scale_factor", "0.05");
      ev.put("laggingTables", (long) lagging.size());
      ev.put("tables", tables);
      ev.put("deadTuples", lagging.stream().mapToLong(TableChurn::deadTuples).sum());
      add("autovacuum_vacuum_scale_factor", "autovacuum_vacuum_scale_factor", ev,
          Severity.WARNING, "autovacuum lets dead tuples pile up on busy tables",
          lagging.size() + " busy table(s) carry dead tuples that autovacuum, at scale factor "
              + fmt(scale) + ", will not touch yet (" + tables + "). At 0.05 autovacuum starts"
              + " after 5 % of a table changed, in smaller, cheaper passes, and scans stop"
              + " reading dead rows. For the largest tables a per-table setting (ALTER TABLE ..."
              + " SET (autovacuum_vacuum_scale_factor = 0.01)) goes further. Takes effect on"
              + " reload.");
    }
    boolean vacuumedButBehind = lagging.stream().anyMatch(t -> t.autovacuums() > 0);
    double costLimit = number("autovacuum_vacuum_cost_limit", -1);
    if (costLimit < 0) {
      costLimit = number("vacuum_cost_limit", 200);
    }
    if (vacuumedButBehind && costLimit < 1000 && r.storage() != null
        && r.storage() != Storage.HDD) {
      var ev = evidence("autovacuum_vacuum_cost_limit", "1000");
      ev.put("effectiveCostLimit", (long) costLimit);
      ev.put("storage", r.storage().name().toLowerCase(Locale.ROOT));
      add("autovacuum_vacuum_cost_limit", "autovacuum_vacuum_cost_limit", ev, Severity.INFO,
          "autovacuum is throttled below what the storage can take",
          "Autovacuum ran on these tables and still left dead tuples behind; at cost limit "
              + (long) costLimit + " it pauses after a few hundred pages. On "
              + r.storage().name().toLowerCase(Locale.ROOT) + " storage 1000 lets it finish"
              + " five times sooner for the same pauses. Takes effect on reload.");
    }
    long workers = (long) number("autovacuum_max_workers", 3);
    if (r.cpus() != null && lagging.size() > workers * 2 && r.cpus() >= 4) {
      long proposed = Math.min(8, Math.max(workers + 1, (long) (r.cpus() / 2)));
      var ev = evidence("autovacuum_max_workers", String.valueOf(proposed));
      ev.put("laggingTables", (long) lagging.size());
      ev.put("cpus", r.cpus());
      add("autovacuum_max_workers", "autovacuum_max_workers", ev, Severity.INFO,
          "more tables need vacuum than workers can serve",
          lagging.size() + " tables wait for " + workers + " workers. With " + fmt(r.cpus())
              + " CPUs, " + proposed + " workers vacuum more tables at once (the cost limit is"
              + " shared between them, so raise it with them). Needs a restart.");
    }
  }

  // ---- storage, JIT, parallelism ------------------------------------------------------------

  private void storage() {
    if (r.storage() == null || r.storage() == Storage.HDD) {
      return;
    }
    String kind = r.storage().name().toLowerCase(Locale.ROOT);
    double rpc = number("random_page_cost", 4);
    double target = r.storage() == Storage.SSD ? 1.1 : 1.5;
    long seq = s.tables().stream().mapToLong(TableChurn::seqScans).sum();
    long idx = s.tables().stream().mapToLong(TableChurn::idxScans).sum();
    if (rpc >= 2 * target) {
      var ev = evidence("random_page_cost", fmt(target));
      ev.put("storage", kind);
      ev.put("seqScans", seq);
      ev.put("indexScans", idx);
      add("random_page_cost", "random_page_cost", ev, Severity.WARNING,
          "random_page_cost assumes spinning disks",
          "random_page_cost = " + fmt(rpc) + " prices a random read as a disk seek; on " + kind
              + " storage it costs about " + (r.storage() == Storage.SSD ? "the same as" :
              "a little more than") + " a sequential one, so " + fmt(target) + " lets the planner"
              + " choose index scans where they pay (" + seq + " sequential and " + idx
              + " index scans so far). Takes effect on reload.");
    }
    double eic = number("effective_io_concurrency", 1);
    if (eic < 100) {
      var ev = evidence("effective_io_concurrency", "200");
      ev.put("storage", kind);
      add("effective_io_concurrency", "effective_io_concurrency", ev, Severity.INFO,
          "effective_io_concurrency assumes one disk head",
          "At " + fmt(eic) + " bitmap heap scans read one page at a time; " + kind
              + " storage serves many requests at once, and 200 prefetches that many."
              + " Takes effect on reload.");
    }
  }

  private void jit() {
    if (!"on".equals(text("jit"))) {
      return;
    }
    var j = s.jit();
    boolean statsSayJitCosts = j != null && j.queriesWithJit() > 0
        && j.jitMs() > 0.1 * j.execMsOfThose() && j.meanMsOfThose() < WorkloadSignals.ANALYTIC_MS;
    if (!statsSayJitCosts && w.shortJitPlans() == 0) {
      return;
    }
    var ev = evidence("jit", "off");
    if (j != null) {
      ev.put("queriesWithJit", j.queriesWithJit());
      ev.put("jitMs", round(j.jitMs(), 1));
      ev.put("executionMs", round(j.execMsOfThose(), 1));
    }
    ev.put("shortQueriesWithJitPlans", w.shortJitPlans());
    add("jit", "jit", ev, Severity.WARNING, "JIT compilation slows down short queries",
        (j != null && j.queriesWithJit() > 0
            ? j.queriesWithJit() + " queries spent " + round(j.jitMs(), 1) + " ms compiling"
                + " for " + round(j.execMsOfThose(), 1) + " ms of execution. "
            : "")
        + (w.shortJitPlans() > 0 ? w.shortJitPlans() + " plans of queries under "
            + (long) WorkloadSignals.SHORT_MS + " ms carry a JIT section. " : "")
        + "JIT pays only on long analytic queries; jit = off removes the compile time from"
        + " these (or raise jit_above_cost for them). Takes effect on reload.");
  }

  private void parallelism() {
    if (r.cpus() == null || w.analyticQueries() == 0 || w.analyticShare() < 0.2) {
      return;
    }
    long current = (long) number("max_parallel_workers_per_gather", 2);
    long target = Math.min(4, (long) (r.cpus() / 2));
    if (target <= current) {
      return;
    }
    var ev = evidence("max_parallel_workers_per_gather", String.valueOf(target));
    ev.put("cpus", r.cpus());
    ev.put("analyticQueries", w.analyticQueries());
    ev.put("analyticTimeShare", round(w.analyticShare(), 3));
    add("max_parallel_workers_per_gather", "max_parallel_workers_per_gather", ev,
        Severity.INFO, "long analytic queries could use more CPUs",
        w.analyticQueries() + " queries averaging over a second take "
            + pctOf(w.analyticShare()) + " of the time, and " + fmt(r.cpus()) + " CPUs are"
            + " there; " + target + " workers per Gather let scans and joins of such queries run"
            + " in parallel (each worker may use work_mem too). Takes effect on reload.");
  }

  // ---- the logging pgdba needs --------------------------------------------------------------

  private void logging() {
    if (millis("log_min_duration_statement", -1) < 0) {
      log("log_min_duration_statement", "250ms", Severity.WARNING,
          "statements are not logged with their duration",
          "Without log_min_duration_statement the logs carry no statement durations, and"
              + " pgdba, pgBadger and any DBA are blind to slow queries. 250ms logs the ones"
              + " worth a look at a small cost in log volume.");
    }
    if (number("log_temp_files", -1) < 0) {
      log("log_temp_files", "0", Severity.INFO, "temporary files are not logged",
          "log_temp_files = 0 logs every temporary file with its size and statement, which"
              + " is how a spill is tied to the query that needs more work_mem.");
    }
    if ("off".equals(text("log_checkpoints"))) {
      log("log_checkpoints", "on", Severity.INFO, "checkpoints are not logged",
          "log_checkpoints = on (the default since PostgreSQL 15) logs each checkpoint with"
              + " its cause and duration: the evidence for max_wal_size.");
    }
    if ("off".equals(text("log_lock_waits"))) {
      log("log_lock_waits", "on", w.lockWaits() > 0 || s.database().deadlocks() > 0
              ? Severity.WARNING : Severity.INFO, "lock waits are not logged",
          "log_lock_waits = on logs every wait longer than deadlock_timeout ("
              + settingText("deadlock_timeout") + ") with the blocking process"
              + (s.database().deadlocks() > 0
                  ? "; " + s.database().deadlocks() + " deadlocks happened already" : "")
              + ". deadlock_timeout stays as it is: it is also how long a wait runs before it"
              + " is checked for deadlock.");
    }
    String destination = text("log_destination");
    String prefix = text("log_line_prefix");
    if (env == Environment.SELF_MANAGED && destination != null
        && destination.contains("stderr") && prefix != null
        && (!(prefix.contains("%m") || prefix.contains("%t") || prefix.contains("%n"))
            || !(prefix.contains("%p") || prefix.contains("%c")))) {
      log("log_line_prefix", "%m [%p] %q%u@%d ", Severity.INFO,
          "log lines lack a timestamp or a process id",
          "The stderr prefix '" + prefix + "' leaves lines of different sessions impossible to"
              + " tell apart or to place in time. '%m [%p] %q%u@%d ' adds both, with the user"
              + " and database.");
    }
  }

  private void log(String parameter, String proposed, Severity severity, String title,
      String advice) {
    var ev = evidence(parameter, proposed);
    if (w.fromLogs()) {
      ev.put("statementsInLogs", w.statements());
    }
    add(parameter, parameter, ev, severity, title, advice + " Takes effect on reload.");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Map<String, Object> evidence(String parameter, String proposed) {
    var ev = new LinkedHashMap<String, Object>();
    var setting = s.settings().get(parameter);
    ev.put("current", setting == null ? null : setting.display());
    ev.put("proposed", proposed);
    ev.put("restart", setting != null && setting.needsRestart());
    ev.put("source", setting == null ? null : setting.source());
    ev.put("environment", env.label());
    var overridden = s.overrides().stream().filter(o -> o.name().equals(parameter))
        .map(o -> (o.role() == null ? "all roles" : "role " + o.role()) + " in "
            + (o.database() == null ? "all databases" : "database " + o.database()) + " = "
            + o.value())
        .toList();
    if (!overridden.isEmpty()) {
      ev.put("overriddenFor", overridden);
    }
    return ev;
  }

  private void add(String parameter, String kind, Map<String, Object> ev, Severity severity,
      String title, String advice) {
    var setting = s.settings().get(parameter);
    String extra = ev.containsKey("overriddenFor")
        ? " Sessions of " + ev.get("overriddenFor") + " keep their own value." : "";
    if (setting != null && ("command line".equals(setting.source())
        || "environment variable".equals(setting.source()))) {
      // -c options outrank postgresql.conf and postgresql.auto.conf: ALTER SYSTEM would not stick
      extra += " It is set on the server's " + setting.source() + ", which overrides"
          + " postgresql.conf and ALTER SYSTEM: change it there.";
    }
    changes.add(new Change(parameter, kind, setting == null ? null : setting.display(),
        (String) ev.get("proposed"), setting != null && setting.needsRestart(), severity, title,
        advice + extra, ev));
  }

  private long maxConnections() {
    return (long) number("max_connections", 100);
  }

  private long parallelWorkers() {
    return (long) number("max_parallel_workers", 8);
  }

  private double hashMemMultiplier() {
    return number("hash_mem_multiplier", s.major() >= 15 ? 2.0 : 1.0);
  }

  /** Vacuum memory of all autovacuum workers; a worker never uses more than 1GB for it. */
  private long autovacuumMemory() {
    long avMem = bytes("autovacuum_work_mem", -1);
    if (avMem < 0) {
      avMem = bytes("maintenance_work_mem", 64 * Sizes.MB);
    }
    return (long) number("autovacuum_max_workers", 3) * Math.min(avMem, Sizes.GB);
  }

  long worstCase(long sharedBuffers, long connections, long workMem) {
    return sharedBuffers + autovacuumMemory() + (long) ((connections + parallelWorkers())
        * workMem * (1 + hashMemMultiplier()));
  }

  private String worstCaseText(long sharedBuffers, long connections, long workMem) {
    return Sizes.human(worstCase(sharedBuffers, connections, workMem)) + " = shared_buffers "
        + Sizes.format(sharedBuffers) + " + (" + connections + " connections + "
        + parallelWorkers() + " parallel workers) x " + Sizes.format(workMem) + " x (1 sort + "
        + fmt(hashMemMultiplier()) + " hash) + autovacuum " + Sizes.human(autovacuumMemory())
        + (r.memoryBytes() == null ? ", memory limit unknown"
            : ", limit " + Sizes.format(r.memoryBytes()));
  }

  /** The largest work_mem whose worst case fits the memory limit, 0 if none. */
  private long workMemBudget(long connections) {
    long left = r.memoryBytes() - plannedSharedBuffers - autovacuumMemory();
    if (left <= 0) {
      return 0;
    }
    return (long) (left / ((connections + parallelWorkers()) * (1 + hashMemMultiplier())));
  }

  private String settingText(String name) {
    var st = s.settings().get(name);
    return st == null ? null : st.display();
  }

  private String text(String name) {
    var st = s.settings().get(name);
    return st == null ? null : st.setting();
  }

  private long bytes(String name, long fallback) {
    var st = s.settings().get(name);
    return st == null ? fallback : st.bytes().orElse(fallback);
  }

  private double millis(String name, double fallback) {
    var st = s.settings().get(name);
    return st == null ? fallback : st.millis().orElse(fallback);
  }

  private double number(String name, double fallback) {
    var st = s.settings().get(name);
    return st == null ? fallback : st.number().orElse(fallback);
  }

  private static long roundDown(long v, long unit) {
    return v / unit * unit;
  }

  private static long roundUp(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static String pct(long part, long whole) {
    return whole <= 0 ? "0 %" : Math.round(100.0 * part / whole) + " %";
  }

  private static String pctOf(double ratio) {
    return String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
