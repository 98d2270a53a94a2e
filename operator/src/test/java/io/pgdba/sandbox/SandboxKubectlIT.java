package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sandbox commands, run with the real kubectl binary: apply the examples, wait for
 * the analysis, approve a recommendation, see the index in PostgreSQL, roll it back.
 */
class SandboxKubectlIT {

  @TempDir static Path dir;
  static Sandbox sandbox;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Kubectl.installed(), "kubectl is not installed");
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
  void approveAndRollBackWithKubectl() throws Exception {
    // the examples as they are: they name port 54329, the sandbox's database listens elsewhere
    String applied = kubectl("apply", "-f", "../examples/sandbox/");
    assertThat(applied).contains("namespace/shop created", "secret/shop-db-reader created",
        "pganalysis.pgdba.io/shop-db created");
    assertThat(kubectl("get", "pga", "shop-db", "-n", "shop", "-o",
        "jsonpath={.spec.target.port}")).isEqualTo(String.valueOf(sandbox.database().port()));

    String ready = kubectl("wait", "--for=condition=Ready", "pga/shop-db", "-n", "shop",
        "--timeout=180s");
    assertThat(ready).contains("condition met").doesNotContain("watch");
    assertThat(kubectl("get", "pga", "-n", "shop")).contains("shop-db", "True");

    String names = kubectl("get", "idxrec", "-n", "shop", "-l", "pgdba.io/analysis=shop-db",
        "-o", "jsonpath={range .items[?(@.spec.kind==\"CreateIndex\")]}{.metadata.name}"
            + " {.spec.indexName}{\"\\n\"}{end}");
    assertThat(names).isNotBlank();
    String[] first = names.lines().findFirst().orElseThrow().split(" ");
    String rec = first[0];
    String index = first[1];

    assertThat(kubectl("patch", "idxrec", rec, "-n", "shop", "--type=merge",
        "-p", "{\"spec\":{\"approved\":true}}")).contains("patched");
    assertThat(kubectl("wait", "--for=jsonpath={.status.phase}=Applied", "idxrec/" + rec,
        "-n", "shop", "--timeout=180s")).contains("condition met").doesNotContain("watch");
    assertThat(indexValid(index)).isTrue();
    // as on a cluster: the field manager of the patch that set spec.approved
    assertThat(kubectl("get", "idxrec", rec, "-n", "shop", "-o",
        "jsonpath={.status.approvedBy}")).isEqualTo("kubectl-patch (Update)");
    assertThat(kubectl("get", "events", "-n", "shop", "--field-selector",
        "involvedObject.name=" + rec)).contains("IndexApplied").doesNotContain("AnalysisSucceeded");
    assertThat(kubectl("describe", "idxrec", rec, "-n", "shop"))
        .containsPattern("Events:\\s+Type\\s+Reason").contains("IndexApplied");

    assertThat(kubectl("patch", "idxrec", rec, "-n", "shop", "--type=merge",
        "-p", "{\"spec\":{\"rollback\":true}}")).contains("patched");
    assertThat(kubectl("wait", "--for=jsonpath={.status.phase}=RolledBack", "idxrec/" + rec,
        "-n", "shop", "--timeout=180s")).contains("condition met");
    assertThat(indexValid(index)).isFalse();
  }

  @Test
  void explainDocumentsEveryFieldFromTheCrd() throws Exception {
    assertThat(kubectl("explain", "pganalysis.spec"))
        .contains("KIND:       PgAnalysis", "target", "logs", "schedule", "thresholds");
    assertThat(kubectl("explain", "pganalysis.spec.target.credentialsSecret"))
        .contains("userKey", "passwordKey");
    assertThat(kubectl("explain", "idxrec.spec.approved")).contains("boolean");
  }

  private static boolean indexValid(String index) throws SQLException {
    try (var c = sandbox.database().connectAsSuperuser(DemoDatabase.DATABASE);
        var ps = c.prepareStatement(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE c.relname = ?")) {
      ps.setString(1, index);
      try (var rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  static String kubectl(String... args) throws Exception {
    return new Kubectl(sandbox.kubeconfig(), dir.resolve("cache")).run(args);
  }
}
