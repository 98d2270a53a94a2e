package io.pgdba.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgdba.report.ReportShelf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's one HTTP port: {@code /metrics} (Prometheus text format), {@code /healthz}
 * (liveness), {@code /readyz} (readiness) and {@code /reports/<namespace>/<name>} (the latest
 * HTML report of each PgAnalysis, reached by {@code kubectl port-forward}). The JDK server is enough for a scrape every few
 * seconds and two probes, and keeps the jar free of a web framework.
 */
public final class MetricsServer implements AutoCloseable {

  /** The Prometheus text exposition format, version 0.0.4: what every Prometheus can read. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code port} of every interface (0 picks a free port, see {@link #port()}).
   *
   * @param live false when the process should be restarted (e.g. the operator stopped)
   * @param ready false while the operator cannot reconcile yet (informers not synced)
   * @throws UncheckedIOException naming the port when it cannot be bound
   */
  public static MetricsServer start(
      int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
    return start(port, registry, live, ready, null);
  }

  /**
   * Also serves the latest HTML report of each analysis at {@code /reports/<namespace>/<name>}
   * ({@code reports} null: none).
   */
  public static MetricsServer start(int port, PrometheusMeterRegistry registry,
      BooleanSupplier live, BooleanSupplier ready, ReportShelf reports) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on metrics/health port " + port + ": " + e.getMessage(), e);
    }
    // Two threads: a slow scrape must not make a probe time out and restart the pod.
    var executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              var t = new Thread(r, "pgdba-metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", exchange -> scrape(exchange, registry));
    server.createContext("/healthz", exchange -> probe(exchange, live, "/healthz"));
    server.createContext("/readyz", exchange -> probe(exchange, ready, "/readyz"));
    if (reports != null) {
      server.createContext("/reports/", exchange -> report(exchange, reports));
    }
    server.start();
    return new MetricsServer(server, executor);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      if (!exactPath(exchange, "/metrics") || !readMethod(exchange)) {
        return;
      }
      var body = new ByteArrayOutputStream(16 * 1024);
      registry.scrape(body, CONTENT_TYPE);
      send(exchange, 200, CONTENT_TYPE, body.toByteArray());
    }
  }

  private static void probe(HttpExchange exchange, BooleanSupplier check, String path)
      throws IOException {
    try (exchange) {
      if (!exactPath(exchange, path) || !readMethod(exchange)) {
        return;
      }
      boolean ok;
      try {
        ok = check.getAsBoolean();
      } catch (RuntimeException e) {
        // A check that throws is a failed check, not a 500 that hides the reason in a log.
        ok = false;
      }
      var body = (ok ? "ok\n" : "not ok\n").getBytes(StandardCharsets.UTF_8);
      send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", body);
    }
  }

  /**
   * One analysis' report. Only two path segments that are valid Kubernetes names are looked up;
   * the page may run only its own inline scripts and load nothing (the same policy as its meta
   * tag, sent as a header too).
   */
  private static void report(HttpExchange exchange, ReportShelf reports) throws IOException {
    try (exchange) {
      String[] parts = exchange.getRequestURI().getPath().split("/", -1);
      byte[] html = parts.length == 4 && ReportShelf.validName(parts[2])
          && ReportShelf.validName(parts[3])
          ? reports.get(parts[2], parts[3]).orElse(null) : null;
      if (html == null) {
        send(exchange, 404, "text/plain; charset=utf-8",
            "no report (yet) for this analysis\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      if (!readMethod(exchange)) {
        return;
      }
      var headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline';"
          + " style-src 'unsafe-inline'; img-src data:");
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Cache-Control", "no-store");
      send(exchange, 200, "text/html; charset=utf-8", html);
    }
  }

  /** The JDK server matches contexts by prefix: {@code /metricsfoo} must be a 404. */
  private static boolean exactPath(HttpExchange exchange, String path) throws IOException {
    if (exchange.getRequestURI().getPath().equals(path)) {
      return true;
    }
    var body = "not found\n".getBytes(StandardCharsets.UTF_8);
    send(exchange, 404, "text/plain; charset=utf-8", body);
    return false;
  }

  private static boolean readMethod(HttpExchange exchange) throws IOException {
    var method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    var body = "method not allowed\n".getBytes(StandardCharsets.UTF_8);
    send(exchange, 405, "text/plain; charset=utf-8", body);
    return false;
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      exchange.getResponseBody().write(body);
    }
  }
}
