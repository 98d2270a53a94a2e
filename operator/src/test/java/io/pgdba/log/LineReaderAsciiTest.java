package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link LineReader#lineAscii()} lets the range parsers decode a line as ISO-8859-1 instead of
 * UTF-8, which gives the same String only when every byte is ASCII. Over lines of every length
 * around the eight-byte steps of the scan, with a non-ASCII byte (alone, in a UTF-8 sequence,
 * invalid) at every place, {@code \r}, NUL and DEL, read in place and as a stream cut into small
 * reads (lines across refills): the flag is never set for a line with a non-ASCII byte, the
 * lines are those the String reader gives, and read in place an ASCII line is always flagged.
 */
class LineReaderAsciiTest {

  private static final byte[][] PIECES = {
    {'a'}, {'b', 'c', 'd'}, {' '}, {'\r'}, {0}, {0x7F}, {(byte) 0x80}, {(byte) 0xC3, (byte) 0xA9},
    {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, "12345678".getBytes(StandardCharsets.US_ASCII),
    {'\n'}, {'\n'}, {'\n'}
  };

  @Provide
  Arbitrary<byte[]> inputs() {
    return Arbitraries.integers().between(0, PIECES.length - 1).list().ofMaxSize(120).map(ix -> {
      var out = new java.io.ByteArrayOutputStream();
      for (int i : ix) {
        out.writeBytes(PIECES[i]);
      }
      return out.toByteArray();
    });
  }

  @Property(tries = 1000)
  void theFlagIsSetOnlyForAsciiLines(@ForAll("inputs") byte[] input) throws IOException {
    List<String> expected = linesOf(input);
    int newlines = 0;
    for (byte x : input) {
      newlines += x == '\n' ? 1 : 0;
    }
    // read in place, every line that ends in a newline is flagged exactly (a last line without
    // one comes from the carry, not flagged)
    assertThat(read(new LineReader(input, input.length), newlines)).isEqualTo(expected);
    assertThat(read(new LineReader(new TrickleStream(input), true), 0)).isEqualTo(expected);
  }

  /** Every line, checking the flag against its bytes; the first {@code exact} exactly. */
  private static List<String> read(LineReader lines, int exact) throws IOException {
    var got = new ArrayList<String>();
    while (lines.advance()) {
      byte[] b = lines.lineBytes();
      int from = lines.lineStart();
      int n = lines.lineLength();
      boolean ascii = true;
      for (int i = from; i < from + n; i++) {
        ascii &= b[i] >= 0;
      }
      if (lines.lineAscii()) {
        assertThat(ascii).as("a flagged line is ASCII").isTrue();
        assertThat(new String(b, from, n, StandardCharsets.ISO_8859_1))
            .isEqualTo(new String(b, from, n, StandardCharsets.UTF_8));
      } else if (got.size() < exact) {
        assertThat(ascii).as("an unflagged line read in place is not ASCII").isFalse();
      }
      got.add(new String(b, from, n, StandardCharsets.UTF_8));
    }
    return got;
  }

  /** The reference: the bytes cut at each newline, one {@code \r} before it removed. */
  private static List<String> linesOf(byte[] input) {
    var out = new ArrayList<String>();
    int start = 0;
    while (start < input.length) {
      int end = start;
      while (end < input.length && input[end] != '\n') {
        end++;
      }
      int n = end - start;
      if (n > 0 && input[start + n - 1] == '\r') {
        n--;
      }
      out.add(new String(input, start, n, StandardCharsets.UTF_8));
      start = end + 1;
    }
    return out;
  }

  /** Gives a few bytes a read, so lines cross refills and go through the carry. */
  private static final class TrickleStream extends InputStream {
    private final byte[] data;
    private int pos;

    TrickleStream(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, 1 + pos % 11), data.length - pos);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
