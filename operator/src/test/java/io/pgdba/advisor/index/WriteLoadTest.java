package io.pgdba.advisor.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.Table;
import io.pgdba.catalog.TableActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteLoadTest {

  private static final Instant NOW = Instant.parse("2026-01-02T00:00:00Z");

  private static Table orders(long live, long ins, long upd, long del) {
    var t = TestCatalogs.orders(List.of());
    var act = new TableActivity(0, 0, 0, live, 0, ins, upd, del, 0, null, null, null, null);
    return new Table(t.schema(), t.name(), t.kind(), t.sizeBytes(), t.totalSizeBytes(),
        t.pages(), t.rowEstimate(), t.columns(), t.constraints(), t.indexes(), act);
  }

  @Test
  void catalogRowWritesAreARateOverTheStatisticsAgeScaledToTheLogWindow() {
    // 86 400 row writes in a day of statistics: 1 row/s, 3 600 over a one-hour log.
    var t = orders(1_000_000, 0, 86_400, 0);
    var load = WriteLoad.of(Map.of(t, 10L), NOW.minus(Duration.ofHours(1)), NOW,
        NOW.minus(Duration.ofDays(1)), NOW);
    var w = load.of(t);
    assertThat(w.rows()).isEqualTo(3600.0);
    assertThat(w.explanation()).contains("1.00 index-writing row writes/s (inserts, non-HOT"
        + " updates) over the statistics' age of 24 h")
        .contains("the workload has 10 writing statements");
    assertThat(load.windowSource()).isEqualTo("the log's time span");
  }

  @Test
  void theLogsOwnDmlWinsWhenItSaysMore() {
    var t = orders(1_000_000, 0, 3600, 0);
    var load = WriteLoad.of(Map.of(t, 5000L), NOW.minus(Duration.ofHours(1)), NOW,
        NOW.minus(Duration.ofDays(1)), NOW);
    assertThat(load.of(t).rows()).isEqualTo(5000.0);
    assertThat(load.of(t).explanation()).startsWith("counted from the workload's 5000 writing");
  }

  @Test
  void aBulkLoadRightAfterTheResetIsHistoryNotWorkload() {
    // A restore an hour ago: every live row shows as an insert since the reset.
    var t = orders(2_000_000, 2_000_000, 100, 0);
    var load = WriteLoad.of(Map.of(), null, null, NOW.minus(Duration.ofHours(1)), NOW);
    var w = load.of(t);
    assertThat(w.rows()).isEqualTo(100.0);
    assertThat(w.explanation()).contains("its 2000000 inserts since the statistics reset are its"
        + " own load or restore");
    assertThat(load.windowSource()).isEqualTo("the statistics' age");
  }

  @Test
  void aQueueThatDeletesWhatItInsertsIsWorkloadNotALoad() {
    var t = orders(1000, 1_000_000, 0, 999_000);
    var load = WriteLoad.of(Map.of(), null, null, NOW.minus(Duration.ofHours(1)), NOW);
    assertThat(load.of(t).rows()).isEqualTo(1_000_000.0);
    assertThat(load.of(t).explanation()).doesNotContain("load or restore");
  }

  @Test
  void deletesAndHotUpdatesWriteNoIndexEntry() {
    var t = TestCatalogs.orders(List.of());
    var act = new TableActivity(0, 0, 0, 1_000_000, 0, 0, 5000, 9000, 4000, null, null, null,
        null);
    var withHot = new Table(t.schema(), t.name(), t.kind(), t.sizeBytes(), t.totalSizeBytes(),
        t.pages(), t.rowEstimate(), t.columns(), t.constraints(), t.indexes(), act);
    var load = WriteLoad.of(Map.of(), null, null, NOW.minus(Duration.ofHours(1)), NOW);
    assertThat(load.of(withHot).rows()).isEqualTo(1000.0);
  }

  @Test
  void anUnknownStatisticsAgeCountsOnlyTheWorkload() {
    var t = orders(1000, 500, 500, 0);
    var load = WriteLoad.of(Map.of(t, 7L), null, null, null, NOW);
    assertThat(load.of(t).rows()).isEqualTo(7.0);
    assertThat(load.of(t).explanation()).contains("statistics' age unknown, not counted");
  }

  @Test
  void aLoadWhoseLiveRowsWereCountedTwiceIsStillALoad() {
    // Loaded and analyzed at once: ANALYZE set 200,000 live rows before the INSERT's own late
    // report added its 200,000 again; reltuples (set by ANALYZE) says what the table holds.
    var base = orders(400_000, 200_000, 0, 0);
    var t = new Table(base.schema(), base.name(), base.kind(), base.sizeBytes(),
        base.totalSizeBytes(), base.pages(), 200_000, base.columns(), base.constraints(),
        base.indexes(), base.activity());
    var load = WriteLoad.of(Map.of(), null, null, NOW.minus(Duration.ofMinutes(1)), NOW);
    assertThat(load.of(t).rows()).isZero();
    assertThat(load.of(t).explanation()).contains("its 200000 inserts since the statistics reset"
        + " are its own load or restore");
    // A table that really doubled since its last ANALYZE did take those inserts as workload.
    var grown = new Table(base.schema(), base.name(), base.kind(), base.sizeBytes(),
        base.totalSizeBytes(), base.pages(), 400_000, base.columns(), base.constraints(),
        base.indexes(), base.activity());
    assertThat(load.of(grown).rows()).isGreaterThan(0);
  }
}
