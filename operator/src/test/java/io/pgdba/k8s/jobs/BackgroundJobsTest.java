package io.pgdba.k8s.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundJobsTest {

  @Test
  void theResultIsThereWhenTheCompletionCallbackRuns() throws Exception {
    try (var jobs = new BackgroundJobs<String>("t", 1, 1)) {
      var seen = new AtomicReference<Optional<BackgroundJobs.Outcome<String>>>();
      var done = new CountDownLatch(1);
      assertThat(jobs.submit("k", () -> "value", k -> {
        seen.set(jobs.take(k));
        done.countDown();
      })).isTrue();
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen.get()).hasValueSatisfying(o -> assertThat(o.value()).isEqualTo("value"));
      assertThat(jobs.take("k")).isEmpty(); // taken once
    }
  }

  @Test
  void aFailureIsAnOutcomeAndAFullPoolRefuses() throws Exception {
    try (var jobs = new BackgroundJobs<String>("t", 1, 1)) {
      var release = new CountDownLatch(1);
      var failed = new CountDownLatch(1);
      assertThat(jobs.submit("blocker", () -> {
        release.await();
        throw new IllegalStateException("boom");
      }, k -> failed.countDown())).isTrue();
      assertThat(jobs.submit("queued", () -> "q", k -> { })).isTrue();
      assertThat(jobs.submit("refused", () -> "r", k -> { })).isFalse();
      assertThat(jobs.isRunning("blocker")).isTrue();
      assertThat(jobs.submit("blocker", () -> "again", k -> { })).isTrue(); // not twice
      release.countDown();
      assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(jobs.take("blocker")).hasValueSatisfying(
          o -> assertThat(o.failure()).hasMessage("boom"));
    }
  }
}
