package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kubectl against the sandbox API: discovery, apply, get with printer columns, patch. */
class SandboxApiServerIT {

  static SandboxApiServer api;
  @TempDir static Path dir;
  static Path kubeconfig;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(Kubectl.installed(), "kubectl is not installed");
    api = new SandboxApiServer();
    api.start(0);
    var crd = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.example.io").endMetadata()
        .withNewSpec().withGroup("example.io").withScope("Namespaced")
        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget")
        .withShortNames("wd").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSubresources().withNewStatus().endStatus().endSubresources()
        .addNewAdditionalPrinterColumn().withName("Size").withType("integer")
        .withJsonPath(".spec.size").endAdditionalPrinterColumn()
        .addNewAdditionalPrinterColumn().withName("Ready").withType("string")
        .withJsonPath(".status.conditions[?(@.type==\"Ready\")].status")
        .endAdditionalPrinterColumn()
        .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
            .withXKubernetesPreserveUnknownFields(true).build()).endSchema()
        .endVersion().endSpec().build();
    try (var client = api.client()) {
      api.installCrd(client, crd);
      client.pods().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
          .withNewMetadata().withName("db-0").endMetadata()
          .withNewSpec().addNewContainer().withName("postgres").withImage("postgres")
          .endContainer().endSpec().build()).create();
    }
    kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"), "default");
    Path log = dir.resolve("pg.log");
    Files.writeString(log, "line one\nline two\n");
    api.servePodLog("default", "db-0", log);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void kubectlAppliesGetsPatchesAndReadsLogs() throws Exception {
    Path manifest = dir.resolve("w.yaml");
    Files.writeString(manifest, """
        apiVersion: example.io/v1
        kind: Widget
        metadata:
          name: w1
        spec:
          size: 3
        """);
    assertThat(kubectl("apply", "-f", manifest.toString())).contains("widget.example.io/w1 created");
    String table = kubectl("get", "wd");
    assertThat(table).contains("NAME", "SIZE", "READY").contains("w1").contains("3");
    assertThat(kubectl("patch", "widget", "w1", "--type=merge", "-p", "{\"spec\":{\"size\":5}}"))
        .contains("patched");
    assertThat(kubectl("get", "widget", "w1", "-o", "jsonpath={.spec.size}")).isEqualTo("5");
    try (var client = api.client()) {
      var w = client.genericKubernetesResources("example.io/v1", "Widget").inNamespace("default")
          .withName("w1").get();
      w.setAdditionalProperty("status", java.util.Map.of("conditions", List.of(
          java.util.Map.of("type", "Ready", "status", "True", "reason", "Done"))));
      client.genericKubernetesResources("example.io/v1", "Widget").inNamespace("default")
          .resource(w).updateStatus();
    }
    assertThat(kubectl("wait", "--for=condition=Ready", "widget/w1", "--timeout=30s"))
        .contains("condition met");
    assertThat(kubectl("get", "wd")).containsPattern("w1\\s+5\\s+True");
    assertThat(kubectl("api-resources", "--api-group=example.io")).contains("widgets", "wd");
    assertThat(kubectl("logs", "db-0")).isEqualTo("line one\nline two\n");
  }

  static String kubectl(String... args) throws Exception {
    return new Kubectl(kubeconfig, dir.resolve("cache")).run(args);
  }
}
