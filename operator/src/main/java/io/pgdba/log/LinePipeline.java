package io.pgdba.log;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads lines on a second thread (I/O, gunzip, line splitting, UTF-8 decoding, the Kubernetes
 * timestamp) while the caller's thread parses them, so that the two cores the product targets are
 * both used. Lines travel in batches through a short queue: at most {@link #QUEUED} batches of
 * about {@link #BATCH_CHARS} characters wait, so memory stays a few megabytes whatever the input.
 */
final class LinePipeline implements AutoCloseable {

  private static final int QUEUED = 4;
  private static final int BATCH_LINES = 2048;
  private static final int BATCH_CHARS = 1 << 20;

  /**
   * A run of lines; the last batch has {@code end} set, and {@code error} when reading failed,
   * or {@code fatal} when the reading thread died (out of memory): the consumer rethrows it
   * rather than wait forever for a batch that never comes.
   */
  record Batch(
      String[] lines, int count, long bytesRead, boolean end, IOException error, Error fatal) {}

  private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUED);
  private final Thread producer;
  private volatile boolean closed;

  /** Whether a Kubernetes timestamp is stripped (not when it belongs to a syslog envelope). */
  private final boolean stripTimestamps;

  LinePipeline(LineReader lines, String sourceName) {
    this(lines, sourceName, true);
  }

  LinePipeline(LineReader lines, String sourceName, boolean stripTimestamps) {
    this.stripTimestamps = stripTimestamps;
    producer = new Thread(() -> produce(lines), "pgdba-log-reader " + sourceName);
    producer.setDaemon(true);
    producer.start();
  }

  private void produce(LineReader lines) {
    try {
      while (!closed) {
        var batch = new String[BATCH_LINES];
        int count = 0;
        int chars = 0;
        String line = null;
        while (count < BATCH_LINES && chars < BATCH_CHARS && (line = lines.next()) != null) {
          line = stripTimestamps ? LogReader.stripKubernetesTimestamp(line) : line;
          batch[count++] = line;
          chars += line.length();
        }
        boolean end = line == null;
        put(new Batch(batch, count, lines.bytesRead(), end, null, null));
        if (end) {
          return;
        }
      }
    } catch (IOException e) {
      put(new Batch(new String[0], 0, lines.bytesRead(), true, e, null));
    } catch (Error e) {
      put(new Batch(new String[0], 0, lines.bytesRead(), true, null, e));
    }
  }

  private void put(Batch batch) {
    try {
      queue.put(batch);
    } catch (InterruptedException e) {
      // closed by the consumer: nobody waits for this batch
      closed = true;
      Thread.currentThread().interrupt();
    }
  }

  /** The next batch; the one with {@code end} set is the last. */
  Batch next() throws IOException {
    try {
      Batch b = queue.take();
      if (b.error() != null) {
        throw b.error();
      }
      if (b.fatal() != null) {
        throw b.fatal();
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the log");
    }
  }

  /** Stops the reading thread when the consumer gives up early (a sink that threw). */
  @Override
  public void close() {
    closed = true;
    producer.interrupt();
    queue.clear();
  }
}
