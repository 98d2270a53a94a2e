package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.zstd.ZstdOutputStream;
import io.pgdba.log.LogEvent.ExecutedStatement;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** gzip, bzip2, xz and zstd are recognised by their content, whatever the name. */
class CompressionTest {

  private static final String LOG =
      "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 1.000 ms  statement: select 1\n"
          + "2024-05-01 10:00:01.000 UTC [7] LOG:  duration: 2.000 ms  statement: select 2\n";

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "bzip2", "xz", "zstd"})
  void eachCompressionIsReadByContent(String kind) throws IOException {
    // two members, as logrotate's appended archives and pgBadger's fixtures have
    var bytes = new ByteArrayOutputStream();
    for (int member = 0; member < 2; member++) {
      try (OutputStream out = compressor(kind, bytes)) {
        out.write(LOG.getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] data = bytes.toByteArray();
    var c = LogCollector.read(
        new LogSource("postgresql.log", () -> new ByteArrayInputStream(data)),
        LogReaderOptions.auto());
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.result.bytesRead()).isEqualTo(2L * LOG.length());
    var texts = new ArrayList<String>();
    c.events(ExecutedStatement.class).forEach(s -> texts.add(s.text()));
    assertThat(texts).containsExactly("select 1", "select 2", "select 1", "select 2");
  }

  private static OutputStream compressor(String kind, ByteArrayOutputStream sink)
      throws IOException {
    OutputStream shield = new java.io.FilterOutputStream(sink) {
      @Override
      public void close() throws IOException {
        flush(); // keep the sink open for the next member
      }
    };
    return switch (kind) {
      case "gzip" -> new GZIPOutputStream(shield);
      case "bzip2" -> new BZip2CompressorOutputStream(shield);
      case "xz" -> new XZCompressorOutputStream(shield);
      case "zstd" -> new ZstdOutputStream(shield);
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
