package io.pgdba.log;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Splits a byte stream into UTF-8 lines without a {@code BufferedReader}: it scans bytes for {@code
 * \n} in a large buffer and decodes each line once (the JDK's ASCII fast path makes that a copy). A
 * line longer than {@link #MAX_LINE_BYTES} keeps its head and skips the rest, so a 100 MB single
 * line costs 1 MB of memory. Gzip is recognised by its magic bytes.
 */
final class LineReader implements Closeable {

  /** Longest line kept; the rest of a longer line is skipped (and counted as truncated). */
  static final int MAX_LINE_BYTES = 1 << 20;

  private static final int BUFFER_BYTES = 256 * 1024;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final InputStream in;
  private final boolean gzip;
  private final String compression;
  private final byte[] buf;
  private int pos;
  private int limit;
  private boolean eof;

  /** Holds the head of a line that spans buffer refills; grows up to MAX_LINE_BYTES. */
  private byte[] carry = new byte[8192];

  private int carryLen;

  /** The current line: {@code line[lineStart, lineStart + lineLength)}. */
  private byte[] line;

  private int lineStart;
  private int lineLength;
  /** Whether every byte of the current line is known to be ASCII (false: not known). */
  private boolean lineAscii;

  private long bytesRead;
  private long lineNumber;
  private long truncatedLines;
  private boolean lastTruncated;
  private String streamError;

  LineReader(InputStream raw) throws IOException {
    buf = new byte[BUFFER_BYTES];
    var buffered = new BufferedInputStream(raw, 64 * 1024);
    buffered.mark(3);
    int b1 = buffered.read();
    int b2 = buffered.read();
    int b3 = buffered.read();
    buffered.reset();
    // RFC 1952 defines one compression method, 8 (deflate): text that merely starts with the
    // two magic bytes is read as text (its first line unparsed), not refused as "unsupported".
    gzip = b1 == 0x1f && b2 == 0x8b && b3 == 8;
    String other = gzip ? null : Decompression.detect(buffered);
    compression = gzip ? "gzip" : other;
    in = JsonArrayStream.unwrapIfArray(gzip
        ? gunzip(buffered)
        : other != null ? Decompression.open(other, buffered) : buffered);
  }

  /**
   * Reads {@code plain} as text without looking for compression: a range of a file already known
   * to be plain, whose first bytes could otherwise pass for a magic number.
   */
  LineReader(InputStream plain, boolean isPlain) {
    if (!isPlain) {
      throw new IllegalArgumentException("only for plain text");
    }
    gzip = false;
    compression = null;
    in = plain;
    buf = new byte[BUFFER_BYTES];
  }

  /** Reads the lines of {@code data[0, length)} in place (a range already in memory), uncopied. */
  LineReader(byte[] data, int length) {
    gzip = false;
    compression = null;
    in = InputStream.nullInputStream();
    buf = data;
    limit = length;
    bytesRead = length;
    eof = true;
  }

  /**
   * The bytes read ahead but not yet returned as lines, handed over (this reader then has none):
   * with {@link #plainStream()}, the rest of a plain input from the start of the next line.
   */
  byte[] takeBuffered() {
    var rest = java.util.Arrays.copyOfRange(buf, pos, limit);
    pos = limit;
    return rest;
  }

  /** The stream under this reader, for a plain input only (null when compressed). */
  InputStream plainStream() {
    return compression == null ? in : null;
  }

  /** A header cut short or damaged leaves nothing to read: say so instead of "(null)". */
  private static InputStream gunzip(InputStream raw) throws IOException {
    try {
      return new GZIPInputStream(raw, 64 * 1024);
    } catch (EOFException e) {
      throw new IOException("gzip data ends inside its header: the file is truncated and holds"
          + " no log text", e);
    } catch (ZipException e) {
      throw new IOException("damaged gzip header (" + e.getMessage() + "): no log text", e);
    }
  }

  /** The compression recognised (gzip, bzip2, xz, zstd), null for plain text. */
  String compression() {
    return compression;
  }

  boolean gzip() {
    return gzip;
  }

  /** Uncompressed bytes consumed so far. */
  long bytesRead() {
    return bytesRead;
  }

  /** 1-based number of the line last returned by {@link #next()}. */
  long lineNumber() {
    return lineNumber;
  }

  /** Whether the line last returned was cut at {@link #MAX_LINE_BYTES}. */
  boolean lastTruncated() {
    return lastTruncated;
  }

  long truncatedLines() {
    return truncatedLines;
  }

  /** Why a compressed stream ended early (corrupt or truncated gzip), else null. */
  String streamError() {
    return streamError;
  }

  /** The next line without its terminator ({@code \n} or {@code \r\n}), or null at the end. */
  String next() throws IOException {
    return advance() ? new String(line, lineStart, lineLength, StandardCharsets.UTF_8) : null;
  }

  /**
   * Moves to the next line, whose bytes (UTF-8, terminator removed, cut as {@link #next} cuts
   * them) are then {@link #lineBytes()}{@code [lineStart(), lineStart() + lineLength())} until
   * the next call; false at the end. For a caller that reads the bytes without a String per line.
   */
  boolean advance() throws IOException {
    carryLen = 0;
    lastTruncated = false;
    boolean skipping = false;
    while (true) {
      if (pos >= limit && !fill()) {
        if (carryLen == 0 && !skipping) {
          return false;
        }
        return finishLine(carry, 0, carryLen);
      }
      int start = pos;
      int end = limit;
      byte[] b = buf;
      int i = start;
      // the high bits of the bytes before the newline: the line is ASCII when none is set, which
      // the scan learns for free (a decoder's own check is a second pass, a byte at a time in C1)
      long high = 0;
      // eight bytes at a time to the first newline (exact zero-byte marks, see LogRanges)
      while (i + 8 <= end) {
        long word = (long) LONGS.get(b, i);
        long x = word ^ NEWLINES;
        long zeros = ~(((x & LOW7) + LOW7) | x | LOW7);
        if (zeros != 0) {
          int k = Long.numberOfTrailingZeros(zeros) >>> 3;
          // only the k bytes before the newline (k = 0: none)
          high |= word & ((1L << (k << 3)) - 1);
          i += k;
          break;
        }
        high |= word;
        i += 8;
      }
      while (i < end && b[i] != '\n') {
        high |= b[i];
        i++;
      }
      if (i < end) {
        pos = i + 1;
        if (carryLen == 0 && !skipping) {
          int len = i - start;
          if (len > MAX_LINE_BYTES) {
            // only a buffer larger than the cap (a range read in place) holds such a line whole
            lastTruncated = true;
            len = MAX_LINE_BYTES;
          }
          boolean found = finishLine(b, start, len);
          // its bytes are a part of those scanned: ASCII if they all were
          lineAscii = (high & HIGH_BITS) == 0;
          return found;
        }
        append(b, start, i - start);
        return finishLine(carry, 0, carryLen);
      }
      pos = end;
      skipping |= !append(b, start, end - start);
    }
  }

  private boolean finishLine(byte[] bytes, int off, int len) {
    lineAscii = false; // a line from the carry is not checked: the decoder checks it
    lineNumber++;
    if (len > 0 && bytes[off + len - 1] == '\r' && !lastTruncated) {
      len--;
    }
    if (lastTruncated) {
      truncatedLines++;
    }
    line = bytes;
    lineStart = off;
    lineLength = len;
    return true;
  }

  /** The array holding the current line (the buffer or the carry: read it before advancing). */
  byte[] lineBytes() {
    return line;
  }

  int lineStart() {
    return lineStart;
  }

  int lineLength() {
    return lineLength;
  }

  /**
   * Whether every byte of the current line is ASCII, as seen by the scan for its end; false when
   * not known. Decoding such bytes as ISO-8859-1 gives the very String UTF-8 decoding gives,
   * without the decoder's pass over them looking for non-ASCII bytes.
   */
  boolean lineAscii() {
    return lineAscii;
  }

  /** Appends to the carry; returns false once the line is over the cap (the rest is dropped). */
  private boolean append(byte[] b, int off, int len) {
    int room = MAX_LINE_BYTES - carryLen;
    if (len > room) {
      lastTruncated = true;
      len = room;
    }
    if (len > 0) {
      if (carryLen + len > carry.length) {
        int size = carry.length;
        while (size < carryLen + len) {
          size *= 2;
        }
        var bigger = new byte[Math.min(size, MAX_LINE_BYTES)];
        System.arraycopy(carry, 0, bigger, 0, carryLen);
        carry = bigger;
      }
      System.arraycopy(b, off, carry, carryLen, len);
      carryLen += len;
    }
    return !lastTruncated;
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n;
    try {
      n = in.read(buf, 0, buf.length);
    } catch (JsonArrayStream.Broken e) {
      streamError = e.getMessage();
      n = -1;
    } catch (EOFException | ZipException e) {
      if (compression == null) {
        throw e;
      }
      // A cut or corrupt gzip is bad content, not an unreadable source: keep what was read.
      streamError = "compressed data ends early or is corrupt (" + e.getMessage() + ")";
      n = -1;
    }
    if (n <= 0) {
      eof = n < 0;
      pos = limit = 0;
      return n == 0 ? fill() : false;
    }
    bytesRead += n;
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
