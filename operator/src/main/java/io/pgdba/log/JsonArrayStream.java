package io.pgdba.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A JSON array of records, as the cloud CLIs print them ({@code gcloud logging read --format
 * json}, {@code az monitor log-analytics query}), pretty-printed over many lines, turned into one
 * compact record a line: the formats that read one JSON record a line (Cloud SQL, Azure, jsonlog)
 * then read it unchanged. The array is streamed, one element at a time; an element is kept to
 * {@link #MAX_ELEMENT} bytes (the rest cut, so the line fails and is counted), and JSON that
 * breaks mid-array ends the stream ({@link Broken}) after the elements before it.
 */
final class JsonArrayStream extends InputStream {

  static final int MAX_ELEMENT = 1 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonParser parser;
  private final ByteArrayOutputStream element = new ByteArrayOutputStream();
  private byte[] line = new byte[0];
  private int pos;
  private boolean done;
  private long elements;

  /** The array's JSON broke: what was read before stands, the rest is counted as unread. */
  static final class Broken extends IOException {
    Broken(String message) {
      super(message);
    }
  }

  private JsonArrayStream(InputStream in) throws IOException {
    parser = JSON.createParser(in);
    parser.nextToken(); // the '['
  }

  /**
   * {@code in} itself, or the stream of its elements when its text starts with '[' and then '{'
   * (a stderr prefix such as {@code [%p] } starts with '[' too, never with "[{").
   */
  static InputStream unwrapIfArray(InputStream in) throws IOException {
    if (in instanceof BufferedInputStream buffered) {
      buffered.mark(8192);
      int first = nonBlank(buffered);
      int second = first == '[' ? nonBlank(buffered) : -1;
      buffered.reset();
      return second == '{' ? new JsonArrayStream(buffered) : buffered;
    }
    // A decompressing stream is peeked without a BufferedInputStream: that one reads ahead in a
    // loop and, when a cut gzip fails on the second read, loses the good text of the first.
    var head = new ByteArrayOutputStream();
    int second = -1;
    try {
      int first = nonBlank(in, head);
      second = first == '[' ? nonBlank(in, head) : -1;
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      // cut or damaged: the reader meets the same error after the text read so far, keeps that
      // text and says where the data ends
    }
    var replay = new Replay(head.toByteArray(), in);
    return second == '{' ? new JsonArrayStream(replay) : replay;
  }

  private static int nonBlank(InputStream in, ByteArrayOutputStream head) throws IOException {
    int c;
    int seen = 0;
    do {
      c = in.read();
      if (c >= 0) {
        head.write(c);
      }
      seen++;
    } while ((c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB
        || c == 0xBF) && seen < 4000);
    return c;
  }

  /**
   * The peeked bytes, then the stream itself: each read takes from one of the two only, so an
   * error of the stream never swallows bytes already handed out.
   */
  private static final class Replay extends java.io.FilterInputStream {
    private final byte[] head;
    private int pos;

    Replay(byte[] head, InputStream in) {
      super(in);
      this.head = head;
    }

    @Override
    public int read() throws IOException {
      return pos < head.length ? head[pos++] & 0xff : in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (pos < head.length) {
        int n = Math.min(len, head.length - pos);
        System.arraycopy(head, pos, b, off, n);
        pos += n;
        return n;
      }
      return in.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return head.length - pos + in.available();
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  private static int nonBlank(InputStream in) throws IOException {
    int c;
    int seen = 0;
    do {
      c = in.read();
      seen++;
    } while ((c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB
        || c == 0xBF) && seen < 4000);
    return c;
  }

  @Override
  public int read() throws IOException {
    if (pos >= line.length && !next()) {
      return -1;
    }
    return line[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos >= line.length && !next()) {
      return -1;
    }
    int n = Math.min(len, line.length - pos);
    System.arraycopy(line, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Loads the next element as a line; false at the end. */
  private boolean next() throws IOException {
    if (done) {
      return false;
    }
    element.reset();
    try {
      JsonToken t = parser.nextToken();
      if (t == null || t == JsonToken.END_ARRAY) {
        done = true;
        return false;
      }
      try (JsonGenerator g = JSON.createGenerator(new Capped(element))) {
        g.copyCurrentStructure(parser);
      }
    } catch (IOException e) {
      // Broken JSON cannot be resynchronised inside an array: say where, and stop.
      done = true;
      String why = e.getMessage() == null ? "?" : e.getMessage().lines().findFirst().orElse("?");
      throw new Broken("invalid JSON in the array after entry " + elements + " ("
          + why.replaceAll("\\p{Cntrl}", " ") + "): the rest is not read");
    }
    elements++;
    element.write('\n');
    line = element.toByteArray();
    pos = 0;
    return true;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }

  /** Keeps the first {@link #MAX_ELEMENT} bytes and drops the rest. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream out;

    Capped(ByteArrayOutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      if (out.size() < MAX_ELEMENT) {
        out.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int room = MAX_ELEMENT - out.size();
      if (room > 0) {
        out.write(b, off, Math.min(room, len));
      }
    }
  }
}
