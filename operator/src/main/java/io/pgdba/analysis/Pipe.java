package io.pgdba.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Hands items from the reading thread to one worker thread, so that reading and parsing lines
 * runs on one core while assembling events and fingerprinting queries runs on another. Items and
 * tasks keep their order (one worker), so the result is the same as a single-threaded run.
 *
 * <p>Memory stays bounded: a batch is sent when it holds {@value #BATCH_ITEMS} items or about
 * {@value #BATCH_WEIGHT} characters of text, and at most {@value #QUEUED_BATCHES} batches wait.
 */
final class Pipe<T> implements AutoCloseable {

  private static final int BATCH_ITEMS = 1024;
  private static final long BATCH_WEIGHT = 1L << 20;
  private static final int QUEUED_BATCHES = 4;

  /** Items for one consumer, or a task (then {@code items} is null). */
  private record Batch<T>(Consumer<? super T> target, List<T> items, Runnable task) {}

  private static final Batch<Object> END = new Batch<>(null, null, null);

  private final BlockingQueue<Batch<?>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private final ToLongFunction<? super T> weigher;
  private final Thread worker;
  private volatile Throwable failure;
  private boolean finished;

  /** @param weigher an item's approximate size in characters, to bound the batches' memory */
  Pipe(ToLongFunction<? super T> weigher) {
    this.weigher = weigher;
    worker = new Thread(this::drain, "pgdba-workload");
    worker.setDaemon(true);
    worker.start();
  }

  /** Whether a second thread can help: on one core it only adds hand-over costs. */
  static boolean worthIt() {
    return Runtime.getRuntime().availableProcessors() > 1;
  }

  /**
   * A consumer that sends what it accepts to {@code target} on the worker thread. Call its
   * {@link Sender#flush()} before {@link #run} or {@link #finish()} so nothing stays behind.
   */
  Sender into(Consumer<? super T> target) {
    return new Sender(target);
  }

  /** Runs {@code task} on the worker after everything sent so far. */
  void run(Runnable task) {
    put(new Batch<T>(null, null, task));
  }

  /** Waits until the worker has done everything; rethrows what the worker failed with. */
  void finish() {
    put(END);
    finished = true;
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while finishing the workload", e);
    }
    rethrowFailure();
  }

  /** Stops the worker when the read failed half-way; after {@link #finish()} does nothing. */
  @Override
  public void close() {
    if (!finished) {
      worker.interrupt();
    }
  }

  /** For tests: whether the worker thread still runs. */
  boolean workerAlive() {
    return worker.isAlive();
  }

  /** Batches items for one target. */
  final class Sender implements Consumer<T> {
    private final Consumer<? super T> target;
    private List<T> batch = new ArrayList<>(BATCH_ITEMS);
    private long weight;

    private Sender(Consumer<? super T> target) {
      this.target = target;
    }

    @Override
    public void accept(T item) {
      batch.add(item);
      weight += weigher.applyAsLong(item);
      if (batch.size() == BATCH_ITEMS || weight >= BATCH_WEIGHT) {
        flush();
      }
    }

    void flush() {
      if (batch.isEmpty()) {
        return;
      }
      put(new Batch<>(target, batch, null));
      batch = new ArrayList<>(BATCH_ITEMS);
      weight = 0;
    }
  }

  private void put(Batch<?> batch) {
    try {
      // Poll so that a dead worker (a bug downstream) cannot leave the reader blocked forever.
      while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
        rethrowFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the logs", e);
    }
    rethrowFailure();
  }

  private void drain() {
    try {
      for (Batch<?> b = queue.take(); b != END; b = queue.take()) {
        deliver(b);
      }
    } catch (InterruptedException e) {
      // close() after a failed read: nothing more will come
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  private static <T> void deliver(Batch<T> b) {
    if (b.task() != null) {
      b.task().run();
      return;
    }
    for (T item : b.items()) {
      b.target().accept(item);
    }
  }

  private void rethrowFailure() {
    var f = failure;
    if (f instanceof RuntimeException re) {
      throw re;
    }
    if (f instanceof Error err) {
      throw err;
    }
  }
}
