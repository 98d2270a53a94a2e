package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgdba.log.LogEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class EventPipeTest {

  private static LogEvent event(long line, String sql) {
    var origin = new LogEvent.Origin(null, "db", "u", "app", 1, "test", line);
    return new LogEvent.ExecutedStatement(
        origin, LogEvent.Phase.SIMPLE, null, 1.0, sql, List.of());
  }

  @Test
  void everyEventArrivesInOrderOnAnotherThread() {
    var seen = new ArrayList<Long>();
    var threads = new ArrayList<String>();
    try (var pipe = new EventPipe(e -> {
      seen.add(e.origin().line());
      threads.add(Thread.currentThread().getName());
    })) {
      // more than one batch by count, and a few big ones that force a batch by size
      for (long i = 0; i < 5000; i++) {
        pipe.accept(event(i, i % 1000 == 0 ? "x".repeat(600_000) : "select 1"));
      }
      pipe.finish();
    }
    assertThat(seen).hasSize(5000);
    for (int i = 0; i < 5000; i++) {
      assertThat(seen.get(i)).isEqualTo(i);
    }
    assertThat(threads).containsOnly("pgdba-workload");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aFailureDownstreamReachesTheReaderInsteadOfBlockingIt() {
    try (var pipe = new EventPipe(e -> {
      throw new IllegalStateException("builder bug at line " + e.origin().line());
    })) {
      assertThatThrownBy(() -> {
        for (long i = 0; i < 1_000_000; i++) {
          pipe.accept(event(i, "select 1"));
        }
        pipe.finish();
      }).isInstanceOf(IllegalStateException.class).hasMessage("builder bug at line 0");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void closingWithoutFinishingStopsTheWorker() throws Exception {
    var pipe = new EventPipe(e -> {});
    pipe.accept(event(1, "select 1"));
    assertThat(pipe.workerAlive()).isTrue();
    pipe.close();
    // the read failed, the analysis is abandoned: the worker must not linger
    await().atMost(5, TimeUnit.SECONDS).until(() -> !pipe.workerAlive());
  }
}
