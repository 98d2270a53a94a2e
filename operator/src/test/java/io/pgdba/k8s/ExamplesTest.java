package io.pgdba.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pgdba.k8s.analysis.AnalysisSettings;
import io.pgdba.k8s.analysis.PgAnalysis;
import io.pgdba.k8s.recommendation.IndexRecommendation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifests in examples/ are valid resources whose specs the operator accepts. */
class ExamplesTest {

  static final Path EXAMPLES = Path.of("../examples");
  static final KubernetesSerialization YAML = new KubernetesSerialization();

  @Test
  void everyAnalysisExampleIsAcceptedAndItsSecretsExist() throws IOException {
    List<Secret> secrets = YAML.unmarshal(Files.readString(EXAMPLES.resolve("secrets.yaml")));
    var names = secrets.stream().map(s -> s.getMetadata().getName()).toList();
    List<Path> files;
    try (var list = Files.list(EXAMPLES)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("pganalysis-")).sorted()
          .toList();
    }
    assertThat(files).hasSize(3);
    for (var file : files) {
      PgAnalysis a = YAML.unmarshal(Files.readString(file), PgAnalysis.class);
      var settings = AnalysisSettings.of(a.getSpec());
      assertThat(settings).as(file.toString()).isNotNull();
      assertThat(names).as(file + " credentials")
          .contains(a.getSpec().target().credentialsSecret().name());
      if (a.getSpec().target().ddlCredentialsSecret() != null) {
        assertThat(names).contains(a.getSpec().target().ddlCredentialsSecret().name());
      }
    }
    PgAnalysis cnpg = YAML.unmarshal(Files.readString(EXAMPLES.resolve("pganalysis-cnpg.yaml")),
        PgAnalysis.class);
    assertThat(cnpg.getSpec().logs().podSelector()).containsKey("cnpg.io/cluster");
  }

  @Test
  void thePatchesSetTheFieldsAHumanOwns() throws IOException {
    IndexRecommendation approve = YAML.unmarshal(
        Files.readString(EXAMPLES.resolve("approve-patch.yaml")), IndexRecommendation.class);
    assertThat(approve.getSpec().approvedTrue()).isTrue();
    assertThat(approve.getMetadata().getAnnotations()).containsKey("pgdba.io/approved-by");
    IndexRecommendation rollback = YAML.unmarshal(
        Files.readString(EXAMPLES.resolve("rollback-patch.yaml")), IndexRecommendation.class);
    assertThat(rollback.getSpec().rollbackTrue()).isTrue();
  }
}
