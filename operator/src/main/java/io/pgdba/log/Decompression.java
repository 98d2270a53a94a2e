package io.pgdba.log;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The compressions other than gzip that rotated logs come in, recognised by their magic bytes
 * whatever the file name: bzip2 ({@code BZh}), xz ({@code FD 37 7A 58 5A 00}) and zstd ({@code 28
 * B5 2F FD}). Every archive is read as one concatenated stream, as {@code bzcat}, {@code xzcat} and
 * {@code zstdcat} do.
 */
final class Decompression {

  private Decompression() {}

  /** The name of the compression {@code in} starts with, or null when it is none of these. */
  static String detect(BufferedInputStream in) throws IOException {
    in.mark(6);
    byte[] head = new byte[6];
    int n = in.readNBytes(head, 0, 6);
    in.reset();
    if (n >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h'
        && head[3] >= '1' && head[3] <= '9') {
      return "bzip2";
    }
    if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X'
        && head[4] == 'Z' && head[5] == 0) {
      return "xz";
    }
    if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
      return "zstd";
    }
    return null;
  }

  /** {@code in} decompressed as {@code kind} ({@link #detect}'s answer). */
  static InputStream open(String kind, BufferedInputStream in) throws IOException {
    return switch (kind) {
      case "bzip2" -> new BZip2CompressorInputStream(in, true);
      case "xz" -> new XZCompressorInputStream(in, true);
      case "zstd" -> new ZstdInputStream(in);
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
