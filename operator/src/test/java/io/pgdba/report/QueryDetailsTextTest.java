package io.pgdba.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's per-query depth in the text report, as in the JSON: where a query ran, who ran it,
 * from which application, its percentiles, and one real execution with its parameters.
 */
class QueryDetailsTextTest {

  @Test
  void theTextCarriesDatabasesUsersApplicationsPercentilesAndAnExample(@TempDir Path dir)
      throws Exception {
    var b = new StringBuilder();
    String[][] runs = {
      {"alice", "web", "1.000", "42"}, {"alice", "web", "2.000", "43"},
      {"bob", "batch", "3.000", "44"}, {"alice", "web", "4.000", "45"},
    };
    int s = 0;
    for (String[] r : runs) {
      String head = "2024-05-01 10:00:0" + s++ + ".000 UTC [7] user=" + r[0] + ",db=shop,app="
          + r[1] + " ";
      b.append(head).append("LOG:  duration: ").append(r[2])
          .append(" ms  execute <unnamed>: select * from orders where id = $1\n");
      b.append(head).append("DETAIL:  parameters: $1 = '").append(r[3]).append("'\n");
    }
    Path log = Files.writeString(dir.resolve("pg.log"), b.toString());
    var report = PgBadger.analyze(log);
    var text = TextReport.render(report, ReportOptions.defaults());
    var json = JsonReport.toTree(report, ReportOptions.defaults()).path("queries").path(0);
    String details = text.substring(text.indexOf("Top queries in detail"));
    assertThat(details).contains("select * from orders where id = $1")
        .contains("     databases: shop (4)")
        .contains("     users: alice (3), bob (1)")
        .contains("     applications: web (3), batch (1)")
        // the slowest execution, its parameter in place
        .contains("     example: select * from orders where id = '45'");
    assertThat(details).contains("ms: min 1.00, p50 ", ", max 4.00");
    assertThat(json.path("p99TimeMs").asDouble()).isPositive();
    assertThat(details).contains(", p99 ");
  }
}
