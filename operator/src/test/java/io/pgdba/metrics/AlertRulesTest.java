package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.chart.ChartFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules evaluated by promtool's rule unit tests on synthetic series: when they
 * fire, with which labels, and when they must stay quiet.
 */
class AlertRulesTest {

  @TempDir Path dir;

  @Test
  void anAppliedIndexThatMadeItsQueriesSlowerFiresAfterHalfAnHourOnlyAboveTheRatio()
      throws Exception {
    // slower: 1.5 times the mean before; faster: 0.45; borderline: exactly 1.2 (not above)
    var test = """
        rule_files:
          - %s
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'pgdba_index_observed_effect_ratio{namespace="shop",analysis="db",
                  recommendation="slower"}'
                values: '1.5x60'
              - series: 'pgdba_index_observed_effect_ratio{namespace="shop",analysis="db",
                  recommendation="faster"}'
                values: '0.45x60'
              - series: 'pgdba_index_observed_effect_ratio{namespace="shop",analysis="db",
                  recommendation="same"}'
                values: '1.2x60'
            alert_rule_test:
              - eval_time: 20m
                alertname: PgdbaAppliedIndexMadeQueriesSlower
                exp_alerts: []
              - eval_time: 40m
                alertname: PgdbaAppliedIndexMadeQueriesSlower
                exp_alerts:
                  - exp_labels:
                      severity: warning
                      namespace: shop
                      analysis: db
                      recommendation: slower
                    exp_annotations:
                      summary: "The index of shop/slower made its queries slower"
                      description: "After IndexRecommendation shop/slower was applied, its
                        queries' mean time is 1.50 times what it was before
                        (status.measuredEffect). Look at the plans before dropping it: set
                        spec.rollback: true and the operator drops it CONCURRENTLY."
        """.formatted(ChartFiles.rules().toAbsolutePath());
    var file = dir.resolve("effect.test.yaml");
    Files.writeString(file, test);
    var out = Promtool.run(null, "test", "rules", file.toString());
    assertThat(out).contains("SUCCESS");
  }
}
