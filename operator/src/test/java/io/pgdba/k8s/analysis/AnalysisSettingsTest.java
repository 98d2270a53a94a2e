package io.pgdba.k8s.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgdba.k8s.analysis.PgAnalysisSpec.ApplyMode;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ApplyPolicy;
import io.pgdba.k8s.analysis.PgAnalysisSpec.ConfigMapLogRef;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Logs;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Schedule;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Thresholds;
import io.pgdba.log.LogFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisSettingsTest {

  static final Target TARGET =
      new Target("db", null, "app", null, new SecretCredentials("s", null, null), null);
  static final Logs PODS = new Logs(Map.of("cnpg.io/cluster", "db"), null, null, "cnpg", null,
      null);

  @Test
  void specFieldsBecomeEngineOptions() {
    var s = AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS, new Schedule("1h30m"),
        new Thresholds(250.0, 5L, 30.0, 2, "512Mi"), new ApplyPolicy(ApplyMode.Auto, null,
            "2s")));
    assertThat(s.every()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.slowMs()).isEqualTo(250.0);
    assertThat(s.advisorOptions().minCalls()).isEqualTo(5);
    assertThat(s.advisorOptions().storageBudgetBytes()).isEqualTo(512L * 1024 * 1024);
    assertThat(s.logOptions().format()).isEqualTo(LogFormat.CNPG);
    assertThat(s.applyMode()).isEqualTo(ApplyMode.Auto);
    assertThat(s.lockTimeout()).isEqualTo(Duration.ofSeconds(2));

    var defaults = AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS, null, null, null));
    assertThat(defaults.every()).isNull();
    assertThat(defaults.applyMode()).isEqualTo(ApplyMode.Manual);
    assertThat(defaults.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.buildTimeout()).isEqualTo(Duration.ofHours(1));
    var patient = AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS, null, null,
        new ApplyPolicy(null, null, "2s", "3h30m")));
    assertThat(patient.buildTimeout()).isEqualTo(Duration.ofMinutes(210));
    assertThat(patient.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void badFieldsNameTheField() {
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET,
        new Logs(Map.of("a", "b"), null, new ConfigMapLogRef("c", "k"), null, null, null),
        null, null, null)))
        .isInstanceOf(InvalidSpecException.class).hasMessageStartingWith("spec.logs:");
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS,
        new Schedule("soon"), null, null)))
        .hasMessageStartingWith("spec.schedule.every:");
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET,
        new Logs(Map.of("a", "b"), null, null, "xml", null, null), null, null, null)))
        .hasMessageStartingWith("spec.logs.format:");
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET,
        new Logs(Map.of("a", "b"), null, null, "cloudsql", null, null), null, null, null)))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageStartingWith("spec.logs.format:")
        .hasMessageContaining("configMapRef");
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS, null,
        new Thresholds(null, null, null, null, "lots"), null)))
        .hasMessageStartingWith("spec.thresholds.storageBudget:");
    assertThatThrownBy(() -> AnalysisSettings.of(new PgAnalysisSpec(TARGET, PODS, null, null,
        new ApplyPolicy(null, null, null, "forever"))))
        .hasMessageStartingWith("spec.apply.buildTimeout:");
  }

  @Test
  void everyCliFormatIsAcceptedWhereItsLogCanComeFrom() {
    for (var f : LogFormat.values()) {
      var name = f.name().toLowerCase(java.util.Locale.ROOT);
      var uploaded = AnalysisSettings.of(new PgAnalysisSpec(TARGET,
          new Logs(null, null, new ConfigMapLogRef("c", "k"), name, null, null), null, null,
          null));
      assertThat(uploaded.logOptions().format()).isEqualTo(f);
      var pods = new PgAnalysisSpec(TARGET, new Logs(Map.of("a", "b"), null, null, name, null,
          null), null, null, null);
      if (AnalysisSettings.POD_FORMATS.contains(f)) {
        assertThat(AnalysisSettings.of(pods).logOptions().format()).isEqualTo(f);
      } else {
        assertThatThrownBy(() -> AnalysisSettings.of(pods))
            .isInstanceOf(InvalidSpecException.class)
            .hasMessageStartingWith("spec.logs.format: '" + name + "' is not written by a pod");
      }
    }
    assertThat(AnalysisSettings.POD_FORMATS).contains(LogFormat.CNPG, LogFormat.STDERR)
        .doesNotContain(LogFormat.CLOUDSQL, LogFormat.SYSLOG);
  }

  @Test
  void runsAreDueOnANewGenerationOrAtNextRunTime() {
    var now = Instant.parse("2026-01-01T10:00:00Z");
    assertThat(PgAnalysisReconciler.due(null, 1, now)).isTrue();
    var done = new PgAnalysisStatus(1L, null, "2026-01-01T09:00:00Z", "2026-01-01T10:00:01Z", 0,
        null, null, null);
    assertThat(PgAnalysisReconciler.due(done, 1, now)).isFalse();
    assertThat(PgAnalysisReconciler.due(done, 2, now)).isTrue();
    assertThat(PgAnalysisReconciler.due(done, 1, now.plusSeconds(1))).isTrue();
    var once = new PgAnalysisStatus(1L, null, "2026-01-01T09:00:00Z", null, 0, null, null, null);
    assertThat(PgAnalysisReconciler.due(once, 1, now.plusSeconds(86_400))).isFalse();
    assertThat(PgAnalysisReconciler.backoff(1)).isEqualTo(Duration.ofSeconds(15));
    assertThat(PgAnalysisReconciler.backoff(3)).isEqualTo(Duration.ofSeconds(60));
    assertThat(PgAnalysisReconciler.backoff(30)).isEqualTo(Duration.ofMinutes(30));
  }
}
