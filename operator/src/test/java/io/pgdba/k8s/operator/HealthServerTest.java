package io.pgdba.k8s.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  @Test
  void probesFollowTheChecks() throws Exception {
    var ready = new AtomicBoolean(false);
    try (var server = new HealthServer(0, () -> true, ready::get)) {
      var http = HttpClient.newHttpClient();
      assertThat(status(http, server.port(), "/healthz")).isEqualTo(200);
      assertThat(status(http, server.port(), "/readyz")).isEqualTo(503);
      ready.set(true);
      assertThat(status(http, server.port(), "/readyz")).isEqualTo(200);
    }
    try (var failing = new HealthServer(0, () -> {
      throw new IllegalStateException("informer gone");
    }, () -> true)) {
      assertThat(status(HttpClient.newHttpClient(), failing.port(), "/healthz")).isEqualTo(503);
    }
  }

  static int status(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
