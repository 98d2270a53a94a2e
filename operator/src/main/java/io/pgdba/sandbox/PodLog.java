package io.pgdba.sandbox;

import io.fabric8.mockwebserver.http.MockResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A container log served the way the kubelet serves it: lines stamped with the time they were
 * first seen, {@code timestamps=true} prefixing that stamp, {@code sinceTime} and {@code tailLines}
 * filtering, and no previous container.
 */
final class PodLog {

  private record Line(Instant seen, String text) {}

  private final Path file;
  private final List<Line> lines = new ArrayList<>();
  private long offset;
  private final StringBuilder partial = new StringBuilder();

  PodLog(Path file) {
    this.file = file;
  }

  synchronized MockResponse respond(String query) {
    boolean timestamps = false;
    Instant since = null;
    Integer tail = null;
    for (String kv : SandboxApiServer.split(query)) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      switch (k) {
        case "timestamps" -> timestamps = v.equals("true");
        case "previous" -> {
          if (v.equals("true")) {
            return SandboxApiServer.json(400, "{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                + "\"status\":\"Failure\",\"message\":\"previous terminated container not found\","
                + "\"reason\":\"BadRequest\",\"code\":400}");
          }
        }
        case "sinceTime" -> {
          try {
            since = Instant.parse(v);
          } catch (DateTimeParseException e) {
            return SandboxApiServer.json(400, "{\"kind\":\"Status\",\"status\":\"Failure\","
                + "\"message\":\"invalid sinceTime\",\"code\":400}");
          }
        }
        case "tailLines" -> tail = Integer.parseInt(v);
        default -> {}
      }
    }
    try {
      catchUp();
    } catch (IOException e) {
      return SandboxApiServer.json(500, "{\"kind\":\"Status\",\"status\":\"Failure\","
          + "\"message\":\"cannot read log\",\"code\":500}");
    }
    int from = 0;
    if (tail != null) {
      from = Math.max(0, lines.size() - tail);
    }
    var out = new StringBuilder();
    for (int i = from; i < lines.size(); i++) {
      var line = lines.get(i);
      if (since != null && line.seen().isBefore(since)) {
        continue;
      }
      if (timestamps) {
        out.append(line.seen()).append(' ');
      }
      out.append(line.text()).append('\n');
    }
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
        .setBody(out.toString());
  }

  /** Reads what the file gained since the last request; complete lines get today's stamp. */
  private void catchUp() throws IOException {
    try (var raf = new RandomAccessFile(file.toFile(), "r")) {
      if (raf.length() < offset) {
        offset = 0; // rotated or truncated
      }
      raf.seek(offset);
      byte[] buf = new byte[(int) Math.min(raf.length() - offset, 64L << 20)];
      raf.readFully(buf);
      offset += buf.length;
      partial.append(new String(buf, StandardCharsets.UTF_8));
    }
    Instant now = Instant.now();
    int start = 0;
    for (int nl = partial.indexOf("\n"); nl >= 0; nl = partial.indexOf("\n", start)) {
      lines.add(new Line(now, partial.substring(start, nl)));
      start = nl + 1;
    }
    partial.delete(0, start);
  }
}
