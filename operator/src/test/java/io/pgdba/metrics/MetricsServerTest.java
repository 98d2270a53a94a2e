package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final AtomicBoolean live = new AtomicBoolean(true);
  private final AtomicBoolean ready = new AtomicBoolean(false);
  private final HttpClient http = HttpClient.newHttpClient();
  private MetricsServer server;
  private PgdbaMetrics metrics;

  @BeforeEach
  void start() {
    var registry = PgdbaMetrics.newPrometheusRegistry();
    metrics = new PgdbaMetrics(registry);
    server = MetricsServer.start(0, registry, live::get, ready::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void servesTheRegistryInPrometheusTextFormat() throws Exception {
    metrics.targetReachable("shop", "orders", true);

    var response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE pgdba_target_reachable gauge")
        .contains("pgdba_target_reachable{analysis=\"orders\",namespace=\"shop\"} 1.0")
        // the JVM binders are there for the dashboard's process panel
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void probesFollowTheirChecks() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").statusCode()).isEqualTo(503);

    ready.set(true);
    live.set(false);

    assertThat(get("/readyz").statusCode()).isEqualTo(200);
    assertThat(get("/readyz").body()).isEqualTo("ok\n");
    assertThat(get("/healthz").statusCode()).isEqualTo(503);
  }

  @Test
  void aCheckThatThrowsIsNotReady() throws Exception {
    server.close();
    var registry = PgdbaMetrics.newPrometheusRegistry();
    server =
        MetricsServer.start(
            0,
            registry,
            () -> true,
            () -> {
              throw new IllegalStateException("informers not started");
            });

    assertThat(get("/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    assertThat(get("/metricsx").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
    var post =
        HttpRequest.newBuilder(uri("/metrics")).POST(HttpRequest.BodyPublishers.noBody()).build();
    assertThat(send(post).statusCode()).isEqualTo(405);
    var head =
        HttpRequest.newBuilder(uri("/healthz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(send(head).statusCode()).isEqualTo(200);
  }

  @Test
  void aTakenPortIsReportedByNumber() {
    var taken = server.port();
    var registry = PgdbaMetrics.newPrometheusRegistry();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> MetricsServer.start(taken, registry, () -> true, () -> true))
        .hasMessageStartingWith("cannot listen on metrics/health port " + taken);
  }
}
