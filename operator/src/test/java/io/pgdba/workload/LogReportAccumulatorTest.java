package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent;
import io.pgdba.log.LogRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The log report's parsers and bounds, record by record (the real logs are in LogReportIT). */
class LogReportAccumulatorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static LogRecord rec(Instant at, String severity, Integer pid, String sqlState,
      String message, String detail, String statement) {
    return new LogRecord(at, severity, pid, null, "db", "u", "app", null, sqlState, null,
        message, detail, null, null, statement, "test", 1, null);
  }

  private static LogRecord log(Instant at, Integer pid, String message, String statement) {
    return rec(at, "LOG", pid, null, message, null, statement);
  }

  private static LogEvent statement(Instant at, double ms, String sql) {
    return new LogEvent.ExecutedStatement(new LogEvent.Origin(at, "db", "u", "app", 1, "t", 1),
        LogEvent.Phase.SIMPLE, null, ms, sql, List.of());
  }

  @Test
  void errorPatternsHideWhatTheyQuoteAndCount() {
    assertThat(ErrorPatterns.normalize("relation \"missing_a\" does not exist at character 15"))
        .isEqualTo("relation \"...\" does not exist");
    assertThat(ErrorPatterns.normalize("value 2147483648 is out of range for type integer"))
        .isEqualTo("value N is out of range for type integer");
    assertThat(ErrorPatterns.normalize("invalid input syntax for type uuid: 'x1'"))
        .isEqualTo("invalid input syntax for type uuid: '...'");
    // identifiers with digits stay: they name the kind of thing, not a value
    assertThat(ErrorPatterns.normalize("column t1.c2 does not exist"))
        .isEqualTo("column t1.c2 does not exist");
    // an unterminated quote, control characters: still one line
    assertThat(ErrorPatterns.normalize("bad \u001b[31m \"open")).isEqualTo("bad  [Nm \"...");
  }

  @Test
  void queryTypesByTheirLeadingKeyword() {
    assertThat(QueryTypes.of("/* app */ SELECT 1")).isEqualTo("select");
    assertThat(QueryTypes.of("(select 1) union (select 2)")).isEqualTo("select");
    assertThat(QueryTypes.of("with x as (select 1) insert into t select * from x"))
        .isEqualTo("insert");
    assertThat(QueryTypes.of("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"))
        .isEqualTo("select");
    assertThat(QueryTypes.of("with x as (select ')insert') update t set a = 1"))
        .isEqualTo("update");
    assertThat(QueryTypes.of("create index on t (a)")).isEqualTo("ddl");
    assertThat(QueryTypes.of("END")).isEqualTo("transaction");
    assertThat(QueryTypes.of("prepare transaction 'x'")).isEqualTo("transaction");
    assertThat(QueryTypes.of("set work_mem = '1MB'")).isEqualTo("utility");
    assertThat(QueryTypes.of("copy t from stdin")).isEqualTo("utility");
    assertThat(QueryTypes.of("-- only a comment")).isEqualTo("other");
    assertThat(QueryTypes.of("")).isEqualTo("other");
  }

  @Test
  void lockTypesNameTheModeAndTheObject() {
    assertThat(LogReportAccumulator.lockType("ShareLock on transaction 745"))
        .isEqualTo("ShareLock on transaction");
    assertThat(LogReportAccumulator.lockType("AccessShareLock on relation 16384 of database 5"))
        .isEqualTo("AccessShareLock on relation");
    assertThat(LogReportAccumulator.lockType("ExclusiveLock on tuple (0,1) of relation 1"))
        .isEqualTo("ExclusiveLock on tuple");
    assertThat(LogReportAccumulator.lockType("ExclusiveLock on extension of relation 1 of db 5"))
        .isEqualTo("ExclusiveLock on extension of relation");
    assertThat(LogReportAccumulator.lockType("ExclusiveLock on advisory lock [5,1,2,1]"))
        .isEqualTo("ExclusiveLock on advisory lock");
  }

  @Test
  void cancellationsAreApartFromErrors() {
    assertThat(LogReportAccumulator.isCancellation("57014",
        "canceling statement due to user request")).isTrue();
    assertThat(LogReportAccumulator.isCancellation("55P03",
        "canceling statement due to lock timeout")).isTrue();
    assertThat(LogReportAccumulator.isCancellation("55P03", "could not obtain lock on row"))
        .isFalse();
    assertThat(LogReportAccumulator.isCancellation(null,
        "terminating connection due to idle-in-transaction timeout")).isTrue();
    assertThat(LogReportAccumulator.isCancellation(null, "division by zero")).isFalse();
  }

  @Test
  void aWaitIsTimedByItsAcquiredLineAndAnAcquiredLineAloneIsAWait() {
    var acc = new LogReportAccumulator();
    acc.record(log(T0, 7, "process 7 still waiting for ShareLock on transaction 5 after 1000.5 ms",
        "update t set a = 1 where id = 2"));
    acc.record(log(T0.plusSeconds(2), 7,
        "process 7 acquired ShareLock on transaction 5 after 2500.25 ms", null));
    acc.record(log(T0.plusSeconds(3), 8,
        "process 8 acquired ShareLock on transaction 5 after 1200 ms",
        "update t set a = 3 where id = 4"));
    var waits = acc.build().lockWaits();
    assertThat(waits).singleElement().satisfies(w -> {
      assertThat(w.query()).isEqualTo("update t set a = $1 where id = $2");
      assertThat(w.count()).isEqualTo(2);
      assertThat(w.totalWaitMs()).isEqualTo(3700.25);
      assertThat(w.maxWaitMs()).isEqualTo(2500.25);
    });
  }

  @Test
  void deadlockStatementsComeFromTheDetail() {
    var acc = new LogReportAccumulator();
    acc.record(rec(T0, "ERROR", 1, "40P01", "deadlock detected",
        "Process 1 waits for ShareLock on transaction 2; blocked by process 3.\n"
            + "Process 3 waits for ShareLock on transaction 4; blocked by process 1.\n"
            + "Process 1: update t set v = 1\n  where id = 2\n"
            + "Process 3: update t set v = 3 where id = 1",
        "update t set v = 1\n  where id = 2"));
    var d = acc.build().deadlocks();
    assertThat(d).singleElement().satisfies(x -> assertThat(x.statements()).containsExactly(
        "update t set v = 1\n  where id = 2", "update t set v = 3 where id = 1"));
  }

  @Test
  void sectionsStayBoundedWhateverTheLog() {
    var acc = new LogReportAccumulator();
    for (int i = 0; i < 5000; i++) {
      // distinct patterns, as hostile or generated messages could make
      acc.record(rec(T0.plusMillis(i), "ERROR", i, "XX000", "error kind" + "x".repeat(i % 300)
          + "z" + i, null, null));
      acc.record(log(T0.plusMillis(i), i, "temporary file: path \"x\", size 10",
          "select " + "c" + i + " from t" + i));
      acc.record(log(T0, i, "connection authorized: user=u" + i + " database=d", null));
    }
    var report = acc.build();
    assertThat(report.errors()).hasSize(LogReportAccumulator.MAX_GROUPS + 1);
    assertThat(report.errors().stream().mapToLong(LogReport.ErrorGroup::count).sum())
        .isEqualTo(5000);
    assertThat(report.errors()).anyMatch(e -> e.pattern().equals(LogReport.OTHER)
        && e.count() == 5000 - LogReportAccumulator.MAX_GROUPS);
    assertThat(report.tempFiles()).hasSize(LogReportAccumulator.MAX_GROUPS + 1);
    assertThat(report.sessions().byUser()).hasSize(LogReportAccumulator.MAX_SESSION_KEYS + 1);
    assertThat(report.sessions().byUser().get("(other)"))
        .isEqualTo(5000 - LogReportAccumulator.MAX_SESSION_KEYS);
  }

  /**
   * As PostgreSQL 15 logs a JDBC client's sort that spilled: the execute line, then the temp
   * files deleted at Sync without a STATEMENT line; they belong to that backend's last statement,
   * never to another backend's.
   */
  @Test
  void tempFilesWithoutAStatementGoToTheBackendsLastStatement() {
    var acc = new LogReportAccumulator();
    acc.event(statement(T0, 1266.4, "select count(*) from t order by g")); // pid 1
    acc.event(new LogEvent.ExecutedStatement(new LogEvent.Origin(T0, "db", "u", "app", 2, "t",
        2), LogEvent.Phase.EXECUTE, null, 3, "select 1", List.of()));
    acc.record(log(T0, 1, "temporary file: path \"base/pgsql_tmp/pgsql_tmp1.1\", size 12066816",
        null));
    acc.record(log(T0, 1, "temporary file: path \"base/pgsql_tmp/pgsql_tmp1.0\", size 14000000",
        null));
    acc.record(log(T0, 3, "temporary file: path \"base/pgsql_tmp/pgsql_tmp3.0\", size 100",
        null));
    var temp = acc.build().tempFiles();
    assertThat(temp).hasSize(2);
    assertThat(temp.get(0).query()).isEqualTo("select count(*) from t order by g");
    assertThat(temp.get(0).count()).isEqualTo(2);
    assertThat(temp.get(0).totalBytes()).isEqualTo(26066816L);
    assertThat(temp.get(1).fingerprint()).isNull();
    assertThat(temp.get(1).totalBytes()).isEqualTo(100);
  }

  @Test
  void longLogsGetHourlyThenWiderSlices() {
    var acc = new LogReportAccumulator();
    acc.event(statement(T0, 5, "select 1"));
    acc.event(statement(T0.plusSeconds(59), 15, "select 1"));
    acc.event(statement(T0.plusSeconds(60), 1, "select 1"));
    var minute = acc.build().timeline();
    assertThat(minute.bucketSeconds()).isEqualTo(60);
    assertThat(minute.buckets()).extracting(LogReport.Bucket::statements).containsExactly(2L, 1L);
    assertThat(minute.peak().start()).isEqualTo(T0);
    assertThat(minute.buckets().get(0).p95Ms()).isEqualTo(15);

    acc.event(statement(T0.plusSeconds(3 * 3600), 2, "select 1"));
    var hourly = acc.build().timeline();
    assertThat(hourly.bucketSeconds()).isEqualTo(3600);
    assertThat(hourly.buckets()).extracting(LogReport.Bucket::statements).containsExactly(3L, 1L);

    // a year of log, or a hostile far-off timestamp: a few hundred slices at most
    acc.event(statement(T0.plusSeconds(365L * 24 * 3600), 2, "select 1"));
    acc.event(statement(Instant.parse("9999-01-01T00:00:00Z"), 2, "select 1"));
    var wide = acc.build().timeline();
    assertThat(wide.buckets().size()).isLessThanOrEqualTo(LogReportAccumulator.MAX_SLICES);
    assertThat(wide.buckets().stream().mapToLong(LogReport.Bucket::statements).sum())
        .isEqualTo(6);
  }

  @Test
  void histogramBinsArePgBadgers() {
    var acc = new LogReportAccumulator();
    for (double ms : new double[] {0.5, 1, 4.99, 5, 10_000, 20_000}) {
      acc.event(statement(T0, ms, "select 1"));
    }
    assertThat(acc.build().durationHistogram()).extracting(LogReport.HistogramBin::count)
        .containsExactly(1L, 2L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 2L);
  }

  @Test
  void checkpointsAndAutovacuumAsPostgresWritesThem() {
    var acc = new LogReportAccumulator();
    acc.record(log(T0, 1, "checkpoint starting: immediate force wait", null));
    acc.record(log(T0, 1, "checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 "
        + "removed, 0 recycled; write=0.101 s, sync=0.004 s, total=0.119 s; sync files=2, "
        + "longest=0.003 s, average=0.002 s; distance=10 kB, estimate=12 kB; lsn=0/1, redo "
        + "lsn=0/1", null));
    acc.record(log(T0, 1, "checkpoints are occurring too frequently (1 second apart)", null));
    acc.record(log(T0, 2, "automatic aggressive vacuum to prevent wraparound of table "
        + "\"db.public.t\": index scans: 0\npages: 4 removed, 1 remain, 0 scanned\n"
        + "tuples: 600 removed, 400 remain, 0 are dead but not yet removable\n"
        + "system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.25 s", null));
    acc.record(log(T0, 2, "automatic analyze of table \"db.public.t\"\n"
        + "system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.05 s", null));
    var r = acc.build();
    var c = r.checkpoints();
    assertThat(c.count()).isEqualTo(1);
    assertThat(c.buffersWritten()).isEqualTo(3);
    assertThat(c.writeMs()).isEqualTo(101);
    assertThat(c.syncMs()).isEqualTo(4);
    assertThat(c.avgDistanceKb()).isEqualTo(10);
    assertThat(c.tooFrequent()).isEqualTo(1);
    assertThat(c.byReason()).containsExactly(java.util.Map.entry("immediate force wait", 1L));
    assertThat(r.autovacuum()).singleElement().isEqualTo(
        new LogReport.TableMaintenance("db.public.t", 1, 1, 300, 600, 4));
  }
}
