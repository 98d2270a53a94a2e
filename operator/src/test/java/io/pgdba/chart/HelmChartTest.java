package io.pgdba.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Lints and renders helm/pgdba-operator with Helm itself (helm-java) and reads the objects. */
class HelmChartTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "pgdba-system";

  /** Renders with {@code values} (YAML) as the user's values file, as {@code helm -f} would. */
  private static List<JsonNode> render(String values) throws IOException {
    var file = Files.createTempFile("pgdba-values", ".yaml");
    String out;
    try {
      Files.writeString(file, values);
      out =
          new Helm(ChartFiles.chart())
              .template()
              .withName("pgdba")
              .withNamespace(NS)
              .withValuesFile(file)
              .call();
    } finally {
      Files.delete(file);
    }
    var docs = new ArrayList<JsonNode>();
    try (var parser = YAML.getFactory().createParser(out)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        var doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static List<JsonNode> render() throws IOException {
    return render("{}");
  }

  private static List<JsonNode> kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode one(List<JsonNode> docs, String kind) {
    var found = kind(docs, kind);
    assertThat(found).as("objects of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  private static JsonNode container(List<JsonNode> docs) {
    return one(docs, "Deployment").at("/spec/template/spec/containers/0");
  }

  private static Map<String, String> env(JsonNode container) {
    var env = new TreeMap<String, String>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }

  /** "group/resource" -> sorted verbs, over all rules of a Role or ClusterRole. */
  private static Map<String, List<String>> verbs(JsonNode role) {
    var result = new TreeMap<String, List<String>>();
    for (var rule : role.path("rules")) {
      for (var group : rule.path("apiGroups")) {
        for (var resource : rule.path("resources")) {
          var verbs = new TreeSet<String>();
          rule.path("verbs").forEach(v -> verbs.add(v.asText()));
          result.merge(
              group.asText() + "/" + resource.asText(),
              List.copyOf(verbs),
              (a, b) -> {
                var all = new TreeSet<>(a);
                all.addAll(b);
                return List.copyOf(all);
              });
        }
      }
    }
    return result;
  }

  @Test
  void lintPasses() {
    var result = new Helm(ChartFiles.chart()).lint().strict().call();
    assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
  }

  @Test
  void defaultsRenderTheOperatorWithAClusterRole() throws IOException {
    var docs = render();

    assertThat(docs.stream().map(d -> d.path("kind").asText()).sorted())
        .containsExactly(
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "Service",
            "ServiceAccount");
    var binding = one(docs, "ClusterRoleBinding");
    assertThat(binding.at("/subjects/0/name").asText())
        .isEqualTo(one(docs, "ServiceAccount").at("/metadata/name").asText());
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NS);
  }

  @Test
  void rbacIsLeastPrivilegeVerbByVerb() throws IOException {
    var role = one(render(), "ClusterRole");

    assertThat(verbs(role))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("pgdba.io/pganalyses", List.of("get", "list", "watch")),
                Map.entry("pgdba.io/pganalyses/status", List.of("get", "patch", "update")),
                Map.entry("pgdba.io/pganalyses/finalizers", List.of("update")),
                Map.entry(
                    "pgdba.io/indexrecommendations",
                    List.of("create", "get", "list", "patch", "update", "watch")),
                Map.entry(
                    "pgdba.io/indexrecommendations/status", List.of("get", "patch", "update")),
                Map.entry("pgdba.io/indexrecommendations/finalizers", List.of("update")),
                Map.entry("/pods", List.of("get", "list")),
                Map.entry("/pods/log", List.of("get")),
                Map.entry("/configmaps", List.of("get")),
                Map.entry("/secrets", List.of("get")),
                Map.entry("/events", List.of("create", "patch"))));
    assertThat(role.toString()).doesNotContain("\"*\"");
  }

  @Test
  void watchNamespacesGiveOneRolePerNamespaceAndNoClusterRole() throws IOException {
    var docs = render("watchNamespaces: [shop, billing]");

    assertThat(kind(docs, "ClusterRole")).isEmpty();
    assertThat(kind(docs, "ClusterRoleBinding")).isEmpty();
    assertThat(kind(docs, "Role").stream().map(r -> r.at("/metadata/namespace").asText()))
        .containsExactlyInAnyOrder("shop", "billing");
    assertThat(kind(docs, "RoleBinding").stream().map(r -> r.at("/metadata/namespace").asText()))
        .containsExactlyInAnyOrder("shop", "billing");
    for (var role : kind(docs, "Role")) {
      assertThat(verbs(role)).containsEntry("/secrets", List.of("get"));
    }
    assertThat(env(container(docs))).containsEntry("PGDBA_WATCH_NAMESPACES", "shop,billing");
  }

  @Test
  void podIsHardenedWithLimits() throws IOException {
    var docs = render();
    var pod = one(docs, "Deployment").at("/spec/template/spec");
    var container = container(docs);

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(65532);
    assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    var sc = container.path("securityContext");
    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.path("allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(sc.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(container.at("/resources/limits/cpu").asText()).isNotEmpty();
    // read-only root: the JVM's temp files go to an emptyDir
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
  }

  @Test
  void operatorRunsWithProbesOnTheMetricsPort() throws IOException {
    var docs = render("metrics: {port: 9099}");
    var container = container(docs);

    assertThat(container.path("args").toString()).isEqualTo("[\"operator\"]");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9099);
    assertThat(container.at("/ports/0/name").asText()).isEqualTo("http-metrics");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http-metrics");
    assertThat(env(container))
        .containsEntry("PGDBA_METRICS_PORT", "9099")
        .containsEntry("PGDBA_WATCH_NAMESPACES", "")
        .containsEntry("PGDBA_LEADER_ELECTION", "")
        .containsEntry("PGDBA_SHUTDOWN_TIMEOUT", "30");
    // the grace period covers the operator's own shutdown timeout
    var pod = one(docs, "Deployment").at("/spec/template/spec");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isGreaterThan(30);
    var service = one(docs, "Service");
    assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(9099);
    assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo("http-metrics");
    assertThat(service.at("/spec/selector"))
        .isEqualTo(one(docs, "Deployment").at("/spec/selector/matchLabels"));
  }

  @Test
  void moreThanOneReplicaTurnsLeaderElectionOn() throws IOException {
    var docs = render("replicaCount: 2");

    assertThat(env(container(docs)))
        .containsEntry("PGDBA_LEADER_ELECTION", "pgdba-operator-lease")
        .containsEntry("PGDBA_LEASE_NAMESPACE", NS);
    var lease =
        kind(docs, "Role").stream()
            .filter(r -> r.at("/metadata/name").asText().endsWith("-leader-election"))
            .findFirst()
            .orElseThrow();
    assertThat(lease.at("/metadata/namespace").asText()).isEqualTo(NS);
    assertThat(verbs(lease))
        .containsExactly(
            Map.entry("coordination.k8s.io/leases", List.of("create", "get", "update")));
    assertThat(kind(docs, "RoleBinding")).hasSize(1);
  }

  @Test
  void replicasWithoutLeaderElectionAreRefused() {
    assertThatThrownBy(
            () -> render("{replicaCount: 3, leaderElection: {enabled: false}}"))
        .hasMessageContaining("leaderElection.enabled=false with replicaCount > 1");
  }

  @Test
  void badValuesAreRejectedByTheSchemaNamingTheField() {
    assertThatThrownBy(() -> render("replicaCount: two"))
        .hasMessageContaining("replicaCount: Invalid type. Expected: integer");
    assertThatThrownBy(() -> render("image: {repository: x, pullPolicy: Sometimes}"))
        .hasMessageContaining("image.pullPolicy must be one of");
    assertThatThrownBy(() -> render("watchNamespaces: [Not_A_Namespace]"))
        .hasMessageContaining("watchNamespaces.0: Does not match pattern");
    assertThatThrownBy(() -> render("metrics: {port: 80}"))
        .hasMessageContaining("metrics.port: Must be greater than or equal to 1024");
    assertThatThrownBy(() -> render("securityContext: {runAsNonRoot: false}"))
        .hasMessageContaining("securityContext.runAsNonRoot");
    assertThatThrownBy(() -> render("replicas: 2"))
        .hasMessageContaining("Additional property replicas is not allowed");
  }

  @Test
  void dashboardConfigMapCarriesTheDashboardForGrafanasSidecar() throws IOException {
    var configMap = one(render(), "ConfigMap");

    assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    var shipped = JSON.readTree(configMap.at("/data/pgdba.json").asText());
    assertThat(shipped).isEqualTo(JSON.readTree(ChartFiles.dashboard().toFile()));
    assertThat(kind(render("grafanaDashboard: {enabled: false}"), "ConfigMap")).isEmpty();
  }

  @Test
  void serviceMonitorAndPrometheusRuleAreOptional() throws IOException {
    var docs =
        render("{metrics: {serviceMonitor: {enabled: true}}, prometheusRule: {enabled: true}}");

    var monitor = one(docs, "ServiceMonitor");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http-metrics");
    assertThat(monitor.at("/spec/endpoints/0/honorLabels").asBoolean()).isTrue();
    var service = one(docs, "Service");
    monitor.at("/spec/selector/matchLabels")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(service.at("/metadata/labels").path(e.getKey()).asText())
                    .isEqualTo(e.getValue().asText()));
    var rule = one(docs, "PrometheusRule");
    assertThat(rule.path("spec")).isEqualTo(YAML.readTree(ChartFiles.rules().toFile()));
  }

  @Test
  void defaultImageIsTheOneJibBuilds() throws IOException {
    var pom = Files.readString(ChartFiles.repoRoot().resolve("operator/pom.xml"));
    var jib = Pattern.compile("<to>\\s*<image>([^<]+)</image>").matcher(pom);
    Assumptions.assumeTrue(jib.find(), "no Jib image profile in operator/pom.xml");
    var parent = Files.readString(ChartFiles.repoRoot().resolve("pom.xml"));
    var version = Pattern.compile("<version>([^<]+)</version>").matcher(parent);
    assertThat(version.find()).isTrue();

    var image = container(render()).path("image").asText();

    var expected = jib.group(1).replace("${project.version}", version.group(1));
    assertThat(image).isEqualTo(expected);
  }

  @Test
  void chartCrdsEqualTheGeneratedOnes() throws IOException {
    var generated = ChartFiles.repoRoot().resolve("crds");
    Assumptions.assumeTrue(
        Files.isDirectory(generated), "crds/ does not exist yet (generated on branch h-operator)");
    var inChart = ChartFiles.chart().resolve("crds");
    var expected = yamlFiles(generated);
    var actual = yamlFiles(inChart);
    assertThat(expected).as("CRD files in crds/").isNotEmpty();
    assertThat(actual.keySet()).as("CRD files in the chart").isEqualTo(expected.keySet());
    expected.forEach(
        (name, content) ->
            assertThat(actual.get(name))
                .as("helm/pgdba-operator/crds/%s differs from crds/%s: run make crds", name, name)
                .isEqualTo(content));
  }

  private static Map<String, String> yamlFiles(Path dir) throws IOException {
    var files = new TreeMap<String, String>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (var list = Files.list(dir)) {
      for (var file : list.filter(f -> f.toString().matches(".*\\.ya?ml")).toList()) {
        files.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    return files;
  }

  @Test
  void historyUriComesFromItsSecretAndOnlyWhenNamed() throws IOException {
    var without = container(render());
    assertThat(without.path("env").toString()).doesNotContain("PGDBA_HISTORY_URL");
    var with = container(render("history: {existingSecret: pgdba-history, uriKey: url}"));
    var entry = java.util.stream.StreamSupport.stream(with.path("env").spliterator(), false)
        .filter(e -> e.path("name").asText().equals("PGDBA_HISTORY_URL")).findFirst()
        .orElseThrow();
    assertThat(entry.has("value")).isFalse();
    assertThat(entry.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("pgdba-history");
    assertThat(entry.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("url");
  }
}
