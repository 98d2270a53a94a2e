package io.pgdba.analysis;

import io.pgdba.log.LogEvent;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands log events from the reading thread to one worker thread that feeds the workload builder,
 * so that parsing lines and fingerprinting queries run on two cores at once. Events keep their
 * order (one worker), so the result is the same as a single-threaded run.
 *
 * <p>Memory stays bounded: a batch is sent when it holds {@value #BATCH_EVENTS} events or about
 * {@value #BATCH_CHARS} characters of SQL, and at most {@value #QUEUED_BATCHES} batches wait.
 */
final class EventPipe implements Consumer<LogEvent>, AutoCloseable {

  private static final int BATCH_EVENTS = 1024;
  private static final long BATCH_CHARS = 1L << 20;
  private static final int QUEUED_BATCHES = 4;
  private static final LogEvent[] END = new LogEvent[0];

  private final BlockingQueue<LogEvent[]> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private final Thread worker;
  private volatile Throwable failure;
  private LogEvent[] batch = new LogEvent[BATCH_EVENTS];
  private int size;
  private long chars;
  private boolean finished;

  EventPipe(Consumer<LogEvent> downstream) {
    worker = new Thread(() -> drain(downstream), "pgdba-workload");
    worker.setDaemon(true);
    worker.start();
  }

  /** Whether a second thread can help: on one core it only adds hand-over costs. */
  static boolean worthIt() {
    return Runtime.getRuntime().availableProcessors() > 1;
  }

  @Override
  public void accept(LogEvent event) {
    batch[size++] = event;
    chars += weight(event);
    if (size == BATCH_EVENTS || chars >= BATCH_CHARS) {
      send();
    }
  }

  /** Waits until the worker has taken every event; rethrows what the worker failed with. */
  void finish() {
    send();
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

  private void send() {
    if (size == 0) {
      return;
    }
    put(size == BATCH_EVENTS ? batch : Arrays.copyOf(batch, size));
    batch = new LogEvent[BATCH_EVENTS];
    size = 0;
    chars = 0;
  }

  private void put(LogEvent[] events) {
    try {
      // Poll so that a dead worker (a bug downstream) cannot leave the reader blocked forever.
      while (!queue.offer(events, 100, TimeUnit.MILLISECONDS)) {
        rethrowFailure();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the logs", e);
    }
    rethrowFailure();
  }

  private void drain(Consumer<LogEvent> downstream) {
    try {
      for (LogEvent[] events = queue.take(); events != END; events = queue.take()) {
        for (var event : events) {
          downstream.accept(event);
        }
      }
    } catch (InterruptedException e) {
      // close() after a failed read: nothing more will come
    } catch (RuntimeException | Error e) {
      failure = e;
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

  private static long weight(LogEvent event) {
    if (event instanceof LogEvent.ExecutedStatement s) {
      return 64 + s.text().length();
    }
    if (event instanceof LogEvent.ExplainedStatement s) {
      return 64 + len(s.queryText()) + len(s.plan());
    }
    if (event instanceof LogEvent.LogError e) {
      return 64 + len(e.message()) + len(e.statement());
    }
    return 64;
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }
}
