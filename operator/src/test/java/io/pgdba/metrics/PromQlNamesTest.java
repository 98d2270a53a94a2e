package io.pgdba.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {

  @Test
  void findsMetricsButNotFunctionsLabelsOrVariables() {
    var expr =
        "sum by (namespace, analysis) (rate(pgdba_analysis_duration_seconds_sum"
            + "{namespace=~\"$namespace\", analysis=~\"a|b\"}[$__rate_interval])) / "
            + "sum without (le) (rate(pgdba_analysis_duration_seconds_count[5m] offset 1h))";

    assertThat(PromQlNames.of(expr))
        .containsExactly(
            "pgdba_analysis_duration_seconds_count", "pgdba_analysis_duration_seconds_sum");
  }

  @Test
  void handlesSetOperatorsNumbersAndVectors() {
    var expr =
        "max by (namespace) (pgdba_estimated) >= 50 and on (namespace, recommendation) "
            + "max by (namespace) (pgdba_phase{phase=\"Proposed\"}) == 1 or vector(0) "
            + "unless histogram_quantile(0.95, x_bucket) > 1e3";

    assertThat(PromQlNames.of(expr)).containsExactly("pgdba_estimated", "pgdba_phase", "x_bucket");
  }

  @Test
  void readsGrafanaLabelValuesQueries() {
    assertThat(PromQlNames.of("label_values(pgdba_runs_total{namespace=~\"$ns\"}, analysis)"))
        .containsExactly("pgdba_runs_total");
  }
}
