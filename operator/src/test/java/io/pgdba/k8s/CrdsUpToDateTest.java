package io.pgdba.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRDs in {@code crds/} and in the chart are copies of what the build generates from the
 * resource classes; a class change without {@code make crds} fails here, so the diff shows up.
 */
class CrdsUpToDateTest {

  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  static final List<Path> COPIES =
      List.of(Path.of("../crds"), Path.of("../helm/pgdba-operator/crds"));

  @Test
  void copiesMatchTheGeneratedCrds() throws IOException {
    List<Path> generated;
    try (var files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).extracting(p -> p.getFileName().toString())
        .containsExactly("indexrecommendations.pgdba.io-v1.yml", "pganalyses.pgdba.io-v1.yml");
    for (var dir : COPIES) {
      for (var file : generated) {
        var copy = dir.resolve(file.getFileName());
        assertThat(copy).as("%s is missing: run `make crds`", copy).exists();
        assertThat(Files.readString(copy))
            .as("%s is stale: run `make crds` and commit the result", copy)
            .isEqualTo(Files.readString(file));
      }
    }
  }

  /** kubectl explain must be useful: every field of both CRDs has a description. */
  @Test
  void everyFieldHasADescription() throws IOException {
    var yaml = new ObjectMapper(new YAMLFactory());
    try (var files = Files.list(GENERATED)) {
      for (var file : files.filter(p -> p.toString().endsWith("-v1.yml")).toList()) {
        var schema = yaml.readTree(file.toFile())
            .path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
        var missing = new ArrayList<String>();
        undescribed(schema, "", missing);
        missing.removeAll(List.of(".apiVersion", ".kind", ".metadata"));
        assertThat(missing).as(file.getFileName() + ": fields without a description").isEmpty();
      }
    }
  }

  private static void undescribed(JsonNode node, String path, List<String> missing) {
    node.path("properties").fields().forEachRemaining(e -> {
      String p = path + "." + e.getKey();
      if (!e.getValue().has("description")) {
        missing.add(p);
      }
      undescribed(e.getValue(), p, missing);
      undescribed(e.getValue().path("items"), p + "[]", missing);
    });
  }
}
