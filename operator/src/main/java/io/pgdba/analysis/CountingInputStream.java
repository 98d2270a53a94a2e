package io.pgdba.analysis;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the raw bytes of a source (compressed bytes for gzip, so that progress compares with the
 * file size) and reports them every {@value #REPORT_EVERY} bytes.
 */
final class CountingInputStream extends FilterInputStream {

  private static final long REPORT_EVERY = 4L << 20;

  private final String name;
  private final Analyzer.Progress progress;
  private long count;
  private long nextReport = REPORT_EVERY;

  CountingInputStream(InputStream in, String name, Analyzer.Progress progress) {
    super(in);
    this.name = name;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    advance(skipped);
    return skipped;
  }

  /** Reporting marks and resets would double-count: the readers need neither. */
  @Override
  public boolean markSupported() {
    return false;
  }

  void reportNow() {
    progress.bytesRead(name, count);
  }

  private void advance(long n) {
    count += n;
    if (count >= nextReport) {
      nextReport = count + REPORT_EVERY;
      progress.bytesRead(name, count);
    }
  }
}
