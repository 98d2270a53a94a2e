package io.pgdba.advisor.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the server says about its configuration and how it is used, read once per analysis: the
 * settings with their source and context, the per-database and per-role overrides, and the
 * cumulative statistics the rules weigh.
 *
 * @param major the server's major version
 * @param settings pg_settings by name
 * @param overrides ALTER DATABASE / ALTER ROLE ... SET entries (pg_db_role_setting)
 * @param checkpoints checkpoints since the statistics were reset
 * @param walBytes WAL written since {@code walSeconds} ago (pg_stat_wal, PostgreSQL 14+), or null
 * @param walSeconds seconds since pg_stat_wal was reset, or 0
 * @param database cumulative counters summed over all databases
 * @param connections client backends now
 * @param tables the user tables of this database with the most dead tuples
 * @param spills queries of pg_stat_statements that wrote temporary files, or null when the
 *     extension is not installed in this database
 * @param jit JIT figures of pg_stat_statements (PostgreSQL 15+), or null
 */
public record ServerState(
    int major,
    Map<String, Setting> settings,
    List<RoleSetting> overrides,
    Checkpoints checkpoints,
    Long walBytes,
    double walSeconds,
    DatabaseStats database,
    Connections connections,
    List<TableChurn> tables,
    List<Spill> spills,
    Jit jit) {

  /** One pg_settings row; {@code setting} is in {@code unit} (8kB pages for shared_buffers). */
  public record Setting(
      String name, String setting, String unit, String source, String context, String bootVal,
      String vartype) {

    /** Changing it needs a server restart, not only a reload. */
    public boolean needsRestart() {
      return "postmaster".equals(context);
    }

    /** The value in bytes for a memory setting, else empty; -1 stays -1. */
    public Optional<Long> bytes() {
      Long f = unitBytes(unit);
      if (f == null) {
        return Optional.empty();
      }
      return number().map(n -> n < 0 ? Long.valueOf((long) (double) n) : (long) (n * f));
    }

    /** The value in milliseconds for a time setting, else empty; -1 stays -1. */
    public Optional<Double> millis() {
      Double f = unit == null ? null : switch (unit) {
        case "ms" -> 1.0;
        case "s" -> 1000.0;
        case "min" -> 60_000.0;
        default -> null;
      };
      return Optional.ofNullable(f).flatMap(x -> number().map(n -> n < 0 ? n : n * x));
    }

    public Optional<Double> number() {
      try {
        return Optional.of(Double.parseDouble(setting));
      } catch (NumberFormatException | NullPointerException e) {
        return Optional.empty();
      }
    }

    /** The value as one writes it in postgresql.conf ({@code 128MB}, {@code 5min}, {@code on}). */
    public String display() {
      var b = bytes();
      if (b.isPresent() && b.get() >= 0) {
        return Sizes.format(b.get());
      }
      if (unit != null && !unit.isEmpty() && number().map(n -> n >= 0).orElse(false)) {
        return setting + unit;
      }
      return setting;
    }

    public boolean isDefault() {
      return "default".equals(source) || "override".equals(source);
    }

    private static Long unitBytes(String unit) {
      if (unit == null) {
        return null;
      }
      return switch (unit) {
        case "B" -> 1L;
        case "kB" -> Sizes.KB;
        case "8kB" -> 8 * Sizes.KB;
        case "16kB" -> 16 * Sizes.KB;
        case "MB" -> Sizes.MB;
        default -> null;
      };
    }
  }

  /** An ALTER DATABASE/ROLE ... SET: {@code database} or {@code role} is null for "all". */
  public record RoleSetting(String database, String role, String name, String value) {}

  public record Checkpoints(long timed, long requested, double seconds) {}

  public record DatabaseStats(
      long blocksHit, long blocksRead, long tempFiles, long tempBytes, long deadlocks,
      long sizeBytes, double seconds) {

    /** Share of block reads served from shared_buffers, NaN before any read. */
    public double hitRatio() {
      long all = blocksHit + blocksRead;
      return all == 0 ? Double.NaN : blocksHit / (double) all;
    }
  }

  public record Connections(long total, long active, long idle, long idleInTransaction) {}

  /**
   * One table's churn: {@code reloptionScaleFactor} is the table's own
   * autovacuum_vacuum_scale_factor, null when it follows the server's.
   */
  public record TableChurn(
      String schema, String name, long liveTuples, long deadTuples, long updatesDeletes,
      long autovacuums, String lastAutovacuum, long seqScans, long idxScans, long sizeBytes,
      Double reloptionScaleFactor) {}

  /** One pg_stat_statements entry that spilled: temp blocks are blocks of block_size bytes. */
  public record Spill(long calls, long tempBytes, double meanMs) {

    public long bytesPerCall() {
      return calls == 0 ? tempBytes : tempBytes / calls;
    }
  }

  /** JIT time against execution time over pg_stat_statements. */
  public record Jit(long queriesWithJit, double jitMs, double execMsOfThose, double meanMsOfThose) {}

  public Optional<Setting> setting(String name) {
    return Optional.ofNullable(settings.get(name));
  }
}
