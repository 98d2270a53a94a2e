package io.pgdba.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PipeTest {

  @Test
  void itemsAndTasksArriveInOrderOnTheWorker() {
    var seen = new ArrayList<String>();
    var threads = new ArrayList<String>();
    try (var pipe = new Pipe<String>(String::length)) {
      for (var target : List.of("a", "b")) {
        var sender = pipe.into(s -> {
          seen.add(target + s);
          threads.add(Thread.currentThread().getName());
        });
        for (int i = 0; i < 3000; i++) { // about three batches
          sender.accept("" + i);
        }
        sender.flush();
        pipe.run(() -> seen.add("end " + target));
      }
      pipe.finish();
    }
    assertThat(seen).hasSize(6002);
    assertThat(seen.get(0)).isEqualTo("a0");
    assertThat(seen.get(2999)).isEqualTo("a2999");
    assertThat(seen.get(3000)).isEqualTo("end a");
    assertThat(seen.get(3002)).isEqualTo("b1");
    assertThat(seen.get(6001)).isEqualTo("end b");
    assertThat(threads).containsOnly("pgdba-workload");
  }

  @Test
  void bigItemsAreSentEarly() {
    var seen = new ArrayList<String>();
    try (var pipe = new Pipe<String>(String::length)) {
      var sender = pipe.into(seen::add);
      sender.accept("y".repeat(2 << 20));
      // no flush: the item alone outweighs a batch, so it is already on its way
      pipe.finish();
    }
    assertThat(seen).hasSize(1);
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aFailureDownstreamReachesTheReaderInsteadOfBlockingIt() {
    try (var pipe = new Pipe<Integer>(i -> 1)) {
      var sender = pipe.into(i -> {
        throw new IllegalStateException("builder bug at item " + i);
      });
      assertThatThrownBy(() -> {
        for (int i = 0; i < 1_000_000; i++) {
          sender.accept(i);
        }
        sender.flush();
        pipe.finish();
      }).isInstanceOf(IllegalStateException.class).hasMessage("builder bug at item 0");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void closingWithoutFinishingStopsTheWorker() {
    var pipe = new Pipe<Integer>(i -> 1);
    pipe.into(i -> {}).accept(1);
    assertThat(pipe.workerAlive()).isTrue();
    pipe.close();
    // the read failed, the analysis is abandoned: the worker must not linger
    await().atMost(5, TimeUnit.SECONDS).until(() -> !pipe.workerAlive());
  }
}
