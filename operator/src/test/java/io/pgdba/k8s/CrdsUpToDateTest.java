package io.pgdba.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
