package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgdba.cli.Main;
import io.pgdba.testsupport.HeadlessChromium;
import io.pgdba.testsupport.TestPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report as a person sees it: a real PostgreSQL 17 runs a small shop workload (foreign
 * keys, an auto_explain plan, a hostile table name and application name) and logs it; {@code
 * pgdba analyze --log --db --output html} renders it; Debian's headless Chromium opens every
 * section, clicks through the navigation, and saves screenshots at 1920x1080 and 1366x768 under
 * {@code target/html-report/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HtmlReportChromiumIT {

  static final String PASSWORD = "html-report-secret-pw";
  /** Would mark the body if any of it ever ran as markup or script. */
  static final String ATTACK_TABLE =
      "</script><script>document.body.dataset.pwned=2</script>";
  static final String ATTACK_APP = "<img src=x onerror=document.body.dataset.pwned=1>";

  static final Path OUT = Path.of("target", "html-report");

  @TempDir static Path scratch;
  Path page;
  String html;

  @BeforeAll
  void renderTheReport() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(), "no /usr/bin/chromium");
    try (var pg = TestPostgres.start(17, Map.of(
        "logging_collector", "on",
        "log_destination", "csvlog",
        "lc_messages", "C"))) {
      try (var c = pg.connect("postgres"); var st = c.createStatement()) {
        st.execute("CREATE DATABASE shop");
        st.execute("CREATE ROLE reader LOGIN PASSWORD '" + PASSWORD + "'");
        st.execute("GRANT pg_monitor TO reader");
      }
      try (var c = pg.connect("shop"); var st = c.createStatement()) {
        st.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)");
        st.execute("CREATE TABLE products (id int PRIMARY KEY, title text, price numeric)");
        st.execute("CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL"
            + " REFERENCES customers, created date NOT NULL, status text)");
        st.execute("CREATE TABLE order_items (order_id int REFERENCES orders, product_id int"
            + " REFERENCES products, qty int, PRIMARY KEY (order_id, product_id))");
        st.execute("CREATE TABLE \"" + ATTACK_TABLE.replace("\"", "\"\"") + "\" (x int)");
        st.execute("INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 5000) g");
        st.execute("INSERT INTO products SELECT g, 'p' || g, g FROM generate_series(1, 500) g");
        st.execute("INSERT INTO orders SELECT g, 1 + g % 5000, date '2025-01-01' + g % 300,"
            + " 'new' FROM generate_series(1, 60000) g");
        st.execute("INSERT INTO order_items SELECT o, 1 + (o * 7) % 500, 1"
            + " FROM generate_series(1, 60000) o");
        st.execute("ANALYZE");
        st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader");
      }
      var texts = new ArrayList<String>();
      texts.add("LOAD 'auto_explain'");
      texts.add("SET auto_explain.log_min_duration = 0");
      texts.add("SET auto_explain.log_analyze = on");
      for (int i = 0; i < 40; i++) {
        texts.add("SELECT * FROM orders WHERE customer_id = " + (i * 13));
        texts.add("SELECT o.id, sum(i.qty) FROM orders o JOIN order_items i ON i.order_id = o.id"
            + " WHERE o.created = date '2025-03-01' + " + i + " GROUP BY o.id");
        texts.add("SELECT name FROM customers WHERE id = " + i);
        texts.add("SELECT count(*) FROM \"" + ATTACK_TABLE.replace("\"", "\"\"") + "\"");
      }
      texts.add("SELECT 1 FROM pg_sleep(0.02)");
      texts.add("SELECT 'workload-done'");
      psql(pg, texts);
      Path csv = awaitLog(pg, "workload-done");
      Path log = Files.copy(csv, scratch.resolve("shop.csv"));

      var out = new StringWriter();
      var err = new StringWriter();
      int exit = Main.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(
          // no --log-format: a csvlog full of multi-line auto_explain plans is detected as such
          "analyze", "--log", log.toString(), "--db",
          "postgresql://reader:" + PASSWORD + "@127.0.0.1:" + pg.port() + "/shop",
          "--output", "html");
      assertThat(exit).as(err.toString()).isZero();
      html = out.toString();
    }
    Files.createDirectories(OUT);
    page = OUT.resolve("shop-pg17.html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
  }

  @Test
  void noSecretAndNoMarkupFromTheLogInThePage() {
    assertThat(html).doesNotContain(PASSWORD);
    String data = HtmlReportTest.dataBlock(html);
    assertThat(data).doesNotContain("<").contains("\\u003c/script\\u003e");
    // the README's budget for a small workload: the page is the application plus its data
    assertThat(html.getBytes(StandardCharsets.UTF_8).length).isLessThan(400 * 1024);
  }

  @Test
  void everySectionRendersWithoutAnError() throws Exception {
    var chromium = new HeadlessChromium(scratch);
    for (String route : List.of("overview", "timeline", "queries", "recommendations",
        "findings", "plans", "schema")) {
      String dom = chromium.dumpDom(page, route, 1366, 768);
      assertThat(errors(dom)).as(route).isEmpty();
      assertThat(dom).as(route).contains("data-route=\"" + route + "\"")
          .contains("data-view=\"" + route + "\"")
          .doesNotContain("data-pwned");
      switch (route) {
        case "overview" -> assertThat(dom).contains("Do first").contains("idx_orders_customer_id");
        case "timeline" -> assertThat(count(dom, "<canvas")).as("charts drawn").isGreaterThan(1);
        case "queries" -> {
          assertThat(dom).containsIgnoringCase("FROM orders WHERE customer_id = $1");
          // the hostile names show as text: escaped by the DOM serializer, never as markup
          assertThat(dom).contains("&lt;/script&gt;&lt;script&gt;document.body");
          assertThat(dom).contains("&lt;img src=x onerror=");
        }
        case "recommendations" -> assertThat(dom).contains("CREATE INDEX CONCURRENTLY")
            .contains("customer_id").contains("DROP INDEX CONCURRENTLY");
        case "findings" -> assertThat(dom).contains("class=\"panel finding\"");
        case "plans" -> assertThat(count(dom, "class=\"plan-node")).as("plan nodes")
            .isGreaterThan(2);
        case "schema" -> {
          assertThat(count(dom, "class=\"tbl")).as("tables in the diagram").isEqualTo(5);
          assertThat(count(dom, "class=\"fk\"")).as("foreign keys drawn").isEqualTo(3);
        }
        default -> throw new AssertionError(route);
      }
    }
  }

  @Test
  void queryDetailShowsTextPercentilesSeriesAndPlan() throws Exception {
    var q = Pattern.compile("(?i)\"fingerprint\":\"([0-9a-f]+)\",\"query\":\"SELECT o.id")
        .matcher(HtmlReportTest.dataBlock(html));
    assertThat(q.find()).isTrue();
    String dom = new HeadlessChromium(scratch).dumpDom(page, "query/" + q.group(1), 1920, 1080);
    assertThat(errors(dom)).isEmpty();
    assertThat(dom).contains("data-view=\"query\"").contains("p95").contains("query-example")
        .containsIgnoringCase("GROUP BY o.id");
    assertThat(count(dom, "<canvas")).isGreaterThanOrEqualTo(2);
    assertThat(count(dom, "class=\"plan-node")).isGreaterThan(2);
  }

  /** Clicks every navigation link, then a query row, in the page itself (a copy with a walker). */
  @Test
  void navigationByClicking() throws Exception {
    String walker = "<script>(function(){var out=[];var links=[].slice.call("
        + "document.querySelectorAll('nav a'));var i=0;function seen(){var v=document"
        + ".querySelector('[data-view]');return v?v.getAttribute('data-view'):'none';}"
        + "function step(){if(i>0){out.push(links[i-1].getAttribute('data-route')+'='+seen());}"
        + "if(i<links.length){links[i++].click();setTimeout(step,150);}else{location.hash="
        + "'#queries';setTimeout(function(){document.querySelector('tr.clickable').click();"
        + "setTimeout(function(){out.push('row='+seen());var p=document.createElement('pre');"
        + "p.id='nav-walk';p.textContent=out.join(' ');document.body.appendChild(p);},150);},"
        + "150);}}setTimeout(step,150);})();</script>";
    Path copy = scratch.resolve("walk.html");
    Files.writeString(copy, html.replace("</body>", walker + "</body>"));
    String dom = new HeadlessChromium(scratch).dumpDom(copy, null, 1366, 768);
    assertThat(errors(dom)).isEmpty();
    var m = Pattern.compile("<pre id=\"nav-walk\">([^<]*)</pre>").matcher(dom);
    assertThat(m.find()).as("the walker finished").isTrue();
    for (String route : List.of("overview", "timeline", "queries", "recommendations",
        "findings", "plans", "schema")) {
      assertThat(m.group(1)).contains(route + "=" + route);
    }
    assertThat(m.group(1)).contains("row=query");
  }

  @Test
  void screenshotsAtDesktopAndLaptopWidths() throws Exception {
    var chromium = new HeadlessChromium(scratch);
    for (int[] size : new int[][] {{1920, 1080}, {1366, 768}}) {
      for (String route : List.of("overview", "timeline", "queries", "recommendations",
          "plans", "schema")) {
        Path png = OUT.resolve("screenshots").resolve(route + "-" + size[0] + "x" + size[1]
            + ".png");
        chromium.screenshot(page, route, size[0], size[1], png);
        assertThat(Files.size(png)).as(png.toString()).isGreaterThan(10_000);
      }
    }
  }

  /**
   * The log sections of the shared contract (issue 10), as another part of pgdba writes them:
   * the timeline charts every measure, known sections and unknown lists render as tables, and
   * hostile text in them stays text.
   */
  @Test
  void theLogSectionsOfTheSharedContractRender() throws Exception {
    var data = HtmlReport.data(ReportFixtures.reportWithAdvice(), new ReportOptions(0, 1000));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var log = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree("""
        {"timeline": {"bucketSeconds": 60, "buckets": [
           {"start": "2025-03-01T10:00:00Z", "statements": 10, "totalTimeMs": 50.5,
            "p95Ms": 9.5, "errors": 1, "tempFiles": 0, "tempFileBytes": 0, "checkpoints": 0,
            "connections": 3},
           {"start": "2025-03-01T10:01:00Z", "statements": 30, "totalTimeMs": 150.5,
            "p95Ms": 19.5, "errors": 0, "tempFiles": 2, "tempFileBytes": 4096, "checkpoints": 1,
            "connections": 5}]},
         "peak": {"start": "2025-03-01T10:01:00Z", "statements": 30, "totalTimeMs": 150.5},
         "durationHistogram": [{"upToMs": 1, "count": 5}, {"upToMs": 10, "count": 30},
           {"upToMs": null, "count": 5}],
         "queryTypes": [{"type": "select", "count": 35, "totalTimeMs": 190}],
         "errors": [{"sqlState": "42P01", "severity": "ERROR",
           "pattern": "relation '</script><script>document.body.dataset.pwned=3</script>' does not exist",
           "count": 1, "firstSeen": "2025-03-01T10:00:01Z", "lastSeen": "2025-03-01T10:00:01Z",
           "example": "<img src=x onerror=document.body.dataset.pwned=4>"}],
         "checkpoints": {"count": 1, "buffersWritten": 120, "writeMs": 30.5, "syncMs": 2.5,
           "avgDistanceKb": 800, "tooFrequent": 0, "byReason": {"time": 1}},
         "sessions": {"connections": 8, "disconnections": 7, "peakConcurrent": 5,
           "peakAt": "2025-03-01T10:01:00Z", "meanDurationMs": 1200,
           "byDatabase": {"shop": 8}, "byUser": {"web": 8}, "byHost": {"10.0.0.1": 8},
           "byApplication": {"psql": 8}},
         "somethingNew": [{"name": "a", "count": 2}, {"name": "b", "count": 1}]}
        """);
    data.set("log", log);
    Path logPage = OUT.resolve("log-sections.html");
    Files.writeString(logPage, HtmlReport.page(data), StandardCharsets.UTF_8);
    var chromium = new HeadlessChromium(scratch);
    String timeline = chromium.dumpDom(logPage, "timeline", 1366, 768);
    assertThat(errors(timeline)).isEmpty();
    assertThat(count(timeline, "<canvas")).as("seven measures charted").isEqualTo(7);
    String dom = chromium.dumpDom(logPage, "log", 1366, 768);
    assertThat(errors(dom)).isEmpty();
    assertThat(dom).doesNotContain("data-pwned")
        .contains("data-log=\"errors\"").contains("data-log=\"sessions\"")
        .contains("data-log=\"checkpoints\"").contains("data-log=\"durationHistogram\"")
        .contains("data-log=\"somethingNew\"").contains("42P01")
        .contains("&lt;img src=x onerror=");
    chromium.screenshot(logPage, "log", 1366, 768,
        OUT.resolve("screenshots").resolve("log-1366x768.png"));
  }

  /** Fifty tables in chains of foreign keys: every table and every key drawn. */
  @Test
  void theSchemaDiagramOfFiftyTables() throws Exception {
    var data = HtmlReport.data(ReportFixtures.reportWithAdvice(), new ReportOptions(0, 1000));
    var schema = ((com.fasterxml.jackson.databind.node.ObjectNode) data.get("html"))
        .putObject("schema");
    var tables = schema.putArray("tables");
    var keys = schema.putArray("foreignKeys");
    for (int i = 0; i < 50; i++) {
      var t = tables.addObject();
      t.put("name", "table_" + i);
      t.put("totalSizeBytes", 8192L * (i + 1));
      t.put("rows", 100 * i);
      t.put("indexes", 1);
      t.put("touched", true);
      t.putArray("recommended");
      if (i % 5 != 0) {
        var k = keys.addObject();
        k.put("from", "table_" + i);
        k.put("to", "table_" + (i - i % 5));
        k.putArray("columns").add("parent_id");
      }
      if (i >= 5 && i % 5 == 0) {
        var k = keys.addObject();
        k.put("from", "table_" + i);
        k.put("to", "table_" + (i - 5));
        k.putArray("columns").add("prev_id");
      }
    }
    Path page = OUT.resolve("schema-50.html");
    Files.writeString(page, HtmlReport.page(data), StandardCharsets.UTF_8);
    var chromium = new HeadlessChromium(scratch);
    String dom = chromium.dumpDom(page, "schema", 1920, 1080);
    assertThat(errors(dom)).isEmpty();
    assertThat(count(dom, "class=\"tbl")).isEqualTo(50);
    assertThat(count(dom, "class=\"fk\"")).isEqualTo(49);
    chromium.screenshot(page, "schema", 1920, 1080,
        OUT.resolve("screenshots").resolve("schema-50-tables-1920x1080.png"));
  }

  /** With --history: the run, the regressions and the trends, each query a link. */
  @Test
  void historyAndRegressionsRender() throws Exception {
    var data = HtmlReport.data(ReportFixtures.reportWithAdvice(), new ReportOptions(0, 1000));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    data.set("history", mapper.readTree(
        "{\"analysis\": \"shop\", \"runId\": 7, \"priorRuns\": 6, \"baseline\": null,"
            + " \"runsDeleted\": 0}"));
    data.set("regressions", mapper.readTree("[{\"kind\": \"regression\", \"fingerprint\":"
        + " \"00000000000000aa\", \"query\": \"SELECT * FROM orders WHERE id = $1\","
        + " \"metric\": \"p95\", \"before\": 4.5, \"after\": 36.0, \"changePercent\": 700,"
        + " \"since\": \"2025-03-01T10:00:00Z\", \"evidence\": {}}]"));
    data.set("trends", mapper.readTree("[]"));
    Path page = OUT.resolve("history.html");
    Files.writeString(page, HtmlReport.page(data), StandardCharsets.UTF_8);
    String dom = new HeadlessChromium(scratch).dumpDom(page, "history", 1366, 768);
    assertThat(errors(dom)).isEmpty();
    assertThat(dom).contains("data-view=\"history\"").contains("Regressions")
        .contains("SELECT * FROM orders WHERE id = $1").contains("700.0 %");
  }

  static List<String> errors(String dom) {
    var m = Pattern.compile("(?s)<pre id=\"pgdba-errors\">(.*?)</pre>").matcher(dom);
    assertThat(m.find()).as("the app started (its error box exists)").isTrue();
    return m.group(1).isBlank() ? List.of() : List.of(m.group(1));
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static void psql(TestPostgres pg, List<String> texts) throws Exception {
    var cmd = new ArrayList<>(List.of("psql", "-X", "-q", "-h", "127.0.0.1", "-p",
        Integer.toString(pg.port()), "-U", "postgres", "-d", "shop"));
    for (String t : texts) {
      cmd.add("-c");
      cmd.add(t);
    }
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PGPASSWORD", "postgres");
    pb.environment().put("PGAPPNAME", ATTACK_APP);
    pb.environment().put("PGOPTIONS", "-c log_min_duration_statement=0");
    var process = pb.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
  }

  private static Path awaitLog(TestPostgres pg, String marker) {
    Path logDir = pg.dataDirectory().resolve("log");
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> csvFile(logDir), p -> p != null && read(p).contains(marker));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Path csvFile(Path logDir) throws Exception {
    if (!Files.isDirectory(logDir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(logDir)) {
      return files.filter(f -> f.toString().endsWith(".csv")).sorted().reduce((a, b) -> b)
          .orElse(null);
    }
  }
}
