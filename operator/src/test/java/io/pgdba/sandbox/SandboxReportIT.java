package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.testsupport.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code make demo} tells a DBA to open: the sandbox's analysis report, fetched from the
 * operator's port at the path in the PgAnalysis status, opened in headless Chromium (overview,
 * plans, schema), without either Secret's password in it.
 */
class SandboxReportIT {

  @TempDir static Path dir;
  static Sandbox sandbox;

  @BeforeAll
  static void start() throws Exception {
    sandbox = Sandbox.prepare(new Sandbox.Options(0, Path.of("../examples/sandbox"), dir, 0,
        150));
    sandbox.start();
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void theSandboxReportTellsTheWholeStory() throws Exception {
    sandbox.applyExamples();
    var path = await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          var a = sandbox.client().resources(PgAnalysis.class).inNamespace("shop")
              .withName("shop-db").get();
          return a == null || a.getStatus() == null ? null : a.getStatus().reportPath();
        }, p -> p != null);
    assertThat(path).isEqualTo("/reports/shop/shop-db");
    var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + sandbox.metricsPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    String html = response.body();
    assertThat(html).doesNotContain("sandbox-reader-pw").doesNotContain("sandbox-ddl-pw")
        .contains("idx_orders_customer_id");

    if (!HeadlessChromium.available()) {
      return;
    }
    Path out = Path.of("target", "html-report");
    Files.createDirectories(out);
    Path page = out.resolve("sandbox.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    var chromium = new HeadlessChromium(dir);
    for (String route : new String[] {"overview", "recommendations", "plans", "schema"}) {
      String dom = chromium.dumpDom(page, route, 1920, 1080);
      var errors = Pattern.compile("(?s)<pre id=\"pgdba-errors\">(.*?)</pre>").matcher(dom);
      assertThat(errors.find()).isTrue();
      assertThat(errors.group(1)).as(route).isBlank();
      assertThat(dom).contains("data-view=\"" + route + "\"");
      chromium.screenshot(page, route, 1920, 1080,
          out.resolve("screenshots").resolve("sandbox-" + route + "-1920x1080.png"));
    }
    String schema = chromium.dumpDom(page, "schema", 1920, 1080);
    assertThat(schema).contains("class=\"tbl").contains("orders").contains("customers");
  }
}
