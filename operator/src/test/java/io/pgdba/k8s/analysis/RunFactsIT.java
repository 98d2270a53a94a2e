package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ReadOnlySession;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import io.pgdba.k8s.recommendation.IndexRecommendationSpec;
import io.pgdba.k8s.recommendation.IndexRecommendationStatus;
import io.pgdba.k8s.recommendation.Phase;
import io.pgdba.testsupport.TestPostgres;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a run is stored with, read through the read-only session on PostgreSQL 13 and 17: the
 * version, a settings hash that a session's own settings leave alone and a reload of the server's
 * changes, and the scans of an applied index whose name is hostile (it is a parameter, never SQL).
 */
class RunFactsIT {

  static final String HOSTILE = "idx\"; DROP TABLE orders; --";

  static IndexRecommendation applied(String schema, String index, Phase phase) {
    var rec = new IndexRecommendation();
    rec.getMetadata().setName("r-" + Math.abs(index.hashCode()));
    rec.setSpec(new IndexRecommendationSpec("shop", IndexRecommendationSpec.Kind.CreateIndex,
        schema, "orders", index, List.of("customer_id"), null, null, null, "CREATE INDEX ...",
        "DROP INDEX ...", null, null, null, null, null, null, null, true, null));
    rec.setStatus(new IndexRecommendationStatus(1L, phase, List.of(), null, null,
        schema + "." + index, null, null, null, null, null, null, null, null, null, null, null));
    return rec;
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void versionSettingsAndIndexScans(int major) throws Exception {
    try (var pg = TestPostgres.start(major, Map.of())) {
      try (var c = pg.connect("postgres"); var st = c.createStatement()) {
        st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int)");
        st.execute("INSERT INTO orders SELECT g, g % 500 FROM generate_series(1, 5000) g");
        st.execute("CREATE INDEX \"" + HOSTILE.replace("\"", "\"\"") + "\" ON orders"
            + " (customer_id)");
        st.execute("ANALYZE orders");
        st.execute("CREATE ROLE ro LOGIN PASSWORD 'ro-pw' IN ROLE pg_read_all_stats");
      }
      var target = new ConnectionSettings("localhost", pg.port(), "postgres", "ro", "ro-pw",
          "disable", null, 5);
      var recs = RunFacts.applied(List.of(applied("public", HOSTILE, Phase.Applied),
          applied("public", "gone_idx", Phase.Applied),
          applied("public", "proposed_idx", Phase.Proposed)), "shop");
      assertThat(recs).hasSize(2);

      RunFacts first;
      try (var c = ReadOnlySession.open(target)) {
        first = RunFacts.read(c, recs);
      }
      assertThat(first.serverVersion()).startsWith(major + ".").doesNotContain(" ");
      assertThat(first.settingsHash()).matches("[0-9a-f]{16}");
      assertThat(first.applied()).containsExactly("public.gone_idx", "public." + HOSTILE);
      assertThat(first.indexScans()).containsExactly(Map.entry("public." + HOSTILE, 0L));

      try (var c = pg.connect("postgres"); var st = c.createStatement()) {
        st.execute("SET enable_seqscan = off");
        st.execute("SET work_mem = '77MB'"); // a session's own settings are not the server's
        for (int i = 0; i < 3; i++) {
          st.execute("SELECT * FROM orders WHERE customer_id = " + i);
        }
      }
      RunFacts second = null;
      for (int attempt = 0; attempt < 50; attempt++) { // the statistics are flushed shortly after
        try (var c = ReadOnlySession.open(target)) {
          second = RunFacts.read(c, recs);
        }
        if (second.indexScans().get("public." + HOSTILE) >= 3) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(second.indexScans().get("public." + HOSTILE)).isEqualTo(3L);
      assertThat(second.settingsHash()).isEqualTo(first.settingsHash());

      try (var c = pg.connect("postgres"); var st = c.createStatement()) {
        st.execute("ALTER SYSTEM SET random_page_cost = 1.1");
        st.execute("SELECT pg_reload_conf()");
      }
      Thread.sleep(500);
      try (var c = ReadOnlySession.open(target)) {
        assertThat(RunFacts.read(c, recs).settingsHash()).isNotEqualTo(first.settingsHash());
      }
      try (var c = pg.connect("postgres"); var st = c.createStatement();
          var rs = st.executeQuery("SELECT count(*) FROM orders")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the hostile name ran nothing").isEqualTo(5000);
      }
    }
  }
}
