package io.pgdba.k8s.jobs;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Long work (an analysis, an index build) off the reconcile threads: a reconcile submits it and
 * returns; when it ends, {@code onDone} wakes the resource and the next reconcile picks the result
 * up. Bounded: a full pool refuses work and the reconciler tries again later.
 *
 * @param <R> the result of one job
 */
public final class BackgroundJobs<R> implements AutoCloseable {

  /** What a job gave: its value, or the exception it threw. */
  public record Outcome<R>(R value, Throwable failure) {}

  private final ThreadPoolExecutor pool;
  private final Map<String, Future<R>> jobs = new ConcurrentHashMap<>();

  public BackgroundJobs(String name, int threads, int queueCapacity) {
    var counter = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity),
            r -> {
              var t = new Thread(r, name + "-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Starts a job for {@code key} unless one is already there (running or finished and not yet
   * taken). Returns false when the pool is full.
   */
  public boolean submit(String key, Callable<R> work, Consumer<String> onDone) {
    var future = new CompletableFuture<R>();
    if (jobs.putIfAbsent(key, future) != null) {
      return true;
    }
    try {
      pool.execute(() -> {
        try {
          future.complete(work.call());
        } catch (Throwable t) {
          future.completeExceptionally(t);
        } finally {
          // after completion: the reconcile this wakes must find the result done
          onDone.accept(key);
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      jobs.remove(key, future);
      return false;
    }
  }

  /** True while a job for the key is queued or running. */
  public boolean isRunning(String key) {
    var f = jobs.get(key);
    return f != null && !f.isDone();
  }

  /** Takes the outcome of a finished job, once. */
  public Optional<Outcome<R>> take(String key) {
    var f = jobs.get(key);
    if (f == null || !f.isDone()) {
      return Optional.empty();
    }
    jobs.remove(key);
    try {
      return Optional.of(new Outcome<>(f.get(), null));
    } catch (ExecutionException e) {
      return Optional.of(new Outcome<>(null, e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of(new Outcome<>(null, e));
    } catch (java.util.concurrent.CancellationException e) {
      return Optional.of(new Outcome<>(null, e));
    }
  }

  /** Stops taking work, lets running jobs end for up to {@code seconds}. */
  public void shutdown(long seconds) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(seconds, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    shutdown(30);
  }
}
