package io.pgdba.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistoryAnalyzerTest {

  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
  static final HistoryOptions OPTIONS = HistoryOptions.defaults();

  static QueryPoint point(int hour, long calls, double mean, double spread) {
    return new QueryPoint(hour, T0.plus(Duration.ofHours(hour)), calls, calls * mean, mean,
        mean + 1.645 * spread, spread, null);
  }

  /** Hourly runs with lognormal run-to-run noise of {@code noise} (relative). */
  static List<QueryPoint> steady(Random random, int runs, double mean, double noise, long calls) {
    var points = new ArrayList<QueryPoint>();
    for (int h = 0; h < runs; h++) {
      double m = mean * Math.exp(random.nextGaussian() * noise);
      points.add(point(h, calls, m, m * 0.5));
    }
    return points;
  }

  static HistoryAnalyzer.Comparison compare(String fp, List<QueryPoint> past, QueryPoint now) {
    return HistoryAnalyzer.compare(Map.of(fp, now), Map.of(fp, "select " + fp),
        Map.of(fp, past), past.size(), null, OPTIONS);
  }

  @Test
  void aSteadyQueryIsNoRegression() {
    var random = new Random(1);
    var series = steady(random, 25, 10, 0.05, 200);
    var result = compare("a", series.subList(0, 24), series.get(24));
    assertThat(result.regressions()).isEmpty();
    assertThat(result.trends()).isEmpty();
  }

  @Test
  void aLevelThreeTimesHigherIsARegressionWithItsEvidence() {
    var random = new Random(2);
    var past = steady(random, 24, 10, 0.05, 200);
    var result = compare("a", past, point(24, 200, 30, 15));
    assertThat(result.regressions()).extracting(Regression::kind, Regression::metric)
        .contains(org.assertj.core.groups.Tuple.tuple("level", Metric.MEAN));
    var mean = result.regressions().stream().filter(r -> r.metric() == Metric.MEAN).findFirst()
        .orElseThrow();
    assertThat(mean.before()).isBetween(9.0, 11.0);
    assertThat(mean.after()).isEqualTo(30.0);
    assertThat(mean.changePercent()).isBetween(170.0, 235.0);
    assertThat(mean.evidence()).containsEntry("method", "robust").containsKey("score");
    assertThat((double) mean.evidence().get("score")).isGreaterThan(OPTIONS.threshold());
  }

  @Test
  void aSmallButSignificantChangeIsBelowTheMinimumChange() {
    var past = new ArrayList<QueryPoint>();
    for (int h = 0; h < 24; h++) {
      past.add(point(h, 100_000, 10, 1));
    }
    // 10 % slower with a million calls: significant, and still not worth reporting at 20 %
    assertThat(compare("a", past, point(24, 100_000, 11, 1)).regressions()).isEmpty();
  }

  @Test
  void fewCallsWithAWideSpreadAreNotEnoughEvidence() {
    // one earlier run: Welch's test between two runs of 6 calls whose times vary by 100 %
    var past = List.of(point(0, 6, 10, 10));
    var slower = point(1, 6, 14, 14);
    assertThat(compare("a", past, slower).regressions()).isEmpty();
    // the same 40 % change over thousands of tight calls is a regression
    var tightPast = List.of(point(0, 5000, 10, 1));
    var tight = compare("a", tightPast, point(1, 5000, 14, 1.4));
    assertThat(tight.regressions()).extracting(Regression::kind).contains("level");
    assertThat(tight.regressions().get(0).evidence()).containsEntry("method", "welch");
  }

  @Test
  void aNightlyBatchHourIsItsOwnBaselineOnceAWeekIsKnown() {
    var past = new ArrayList<QueryPoint>();
    var random = new Random(3);
    for (int h = 0; h < 24 * 8; h++) {
      // every night at 02:00 the query is five times slower (the batch shares the disks)
      double mean = (h % 24 == 2 ? 50 : 10) * Math.exp(random.nextGaussian() * 0.05);
      past.add(point(h, 200, mean, mean * 0.5));
    }
    var atTwo = point(24 * 8 + 2, 200, 50, 25);
    var result = compare("a", past, atTwo);
    assertThat(result.regressions()).isEmpty();
    var atFourteen = point(24 * 8 + 14, 200, 50, 25);
    var afternoon = compare("a", past, atFourteen);
    assertThat(afternoon.regressions()).extracting(r -> r.evidence().get("method"))
        .contains("robust-by-hour");
  }

  @Test
  void aLastingChangeIsATrendWithTheRunItBeganIn() {
    var random = new Random(4);
    var past = new ArrayList<QueryPoint>();
    for (int h = 0; h < 12; h++) {
      double mean = (h < 8 ? 10 : 25) * Math.exp(random.nextGaussian() * 0.05);
      past.add(point(h, 300, mean, mean * 0.4));
    }
    var result = compare("a", past, point(12, 300, 25, 10));
    assertThat(result.trends()).singleElement().satisfies(t -> {
      assertThat(t.direction()).isEqualTo("slower");
      assertThat(t.since()).isEqualTo(T0.plus(Duration.ofHours(8)));
      assertThat(t.before()).isBetween(9.0, 11.0);
      assertThat(t.after()).isBetween(22.0, 28.0);
      assertThat(t.runs()).isEqualTo(13);
    });
    var faster = new ArrayList<QueryPoint>();
    for (int h = 0; h < 12; h++) {
      faster.add(point(h, 300, h < 6 ? 20 : 2, 1));
    }
    assertThat(compare("b", faster, point(12, 300, 2, 1)).trends())
        .extracting(Trend::direction).containsExactly("faster");
  }

  @Test
  void aNewQueryThatRanksHighIsReportedOnlyWithHistory() {
    var current = new LinkedHashMap<String, QueryPoint>();
    current.put("new", point(5, 10, 500, 10));
    current.put("old", point(5, 10, 1, 0.1));
    var history = Map.of("old", List.of(point(1, 10, 1, 0.1), point(2, 10, 1, 0.1)));
    var result = HistoryAnalyzer.compare(current, Map.of(), history, 2, null, OPTIONS);
    assertThat(result.regressions()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo("new-query");
      assertThat(r.fingerprint()).isEqualTo("new");
      assertThat(r.evidence()).containsEntry("rankByTotalTime", 1);
    });
    var firstRun = HistoryAnalyzer.compare(current, Map.of(), Map.of(), 0, null, OPTIONS);
    assertThat(firstRun.regressions()).isEmpty();
  }

  @Test
  void anotherPlanShapeIsAPlanChange() {
    var before = new QueryPoint(1, T0, 10, 10, 1, 1.2, 0.1, "Index Scan");
    var after = new QueryPoint(2, T0.plusSeconds(3600), 10, 80, 8, 9, 0.1, "Seq Scan");
    var result = compare("a", List.of(before), after);
    assertThat(result.regressions()).extracting(Regression::kind).contains("plan-changed");
    var same = new QueryPoint(2, T0.plusSeconds(3600), 10, 10, 1, 1.2, 0.1, "Index Scan");
    assertThat(compare("a", List.of(before), same).regressions()).isEmpty();
  }

  static QueryPoint spilling(int hour, long calls, Long files, Long bytes) {
    return new QueryPoint(hour, T0.plus(Duration.ofHours(hour)), calls, calls * 5.0, 5, 6, 0.5,
        null, files, bytes);
  }

  static List<Regression> tempRegressions(List<QueryPoint> past, QueryPoint now) {
    return compare("t", past, now).regressions().stream()
        .filter(r -> r.kind().equals("temp-files")).toList();
  }

  @Test
  void aQueryThatStartsSpillingOrSpillsTwiceAsMuchPerCallIsATempFilesRegression() {
    long mb = 1024 * 1024;
    // none before, 40 MB over 10 calls now: it started spilling
    assertThat(tempRegressions(List.of(spilling(0, 10, 0L, 0L), spilling(1, 10, 0L, 0L)),
        spilling(2, 10, 10L, 40 * mb))).singleElement().satisfies(r -> {
          assertThat(r.metric()).isEqualTo(Metric.TEMP_BYTES_PER_CALL);
          assertThat(r.before()).isZero();
          assertThat(r.after()).isEqualTo(4.0 * mb);
          assertThat(r.changePercent()).isNull();
          assertThat(r.evidence()).containsEntry("tempFiles", 10L)
              .containsEntry("tempBytes", 40 * mb).containsEntry("referenceRuns", 2);
          var finding = RegressionFindings.finding(r);
          assertThat(finding.kind()).isEqualTo("history.temp-files");
          assertThat(finding.title())
              .isEqualTo("temporary files grew: 0 kB per call -> 4.0 MB per call (10 files,"
                  + " 40.0 MB in this run)");
        });
    // per call: twice the largest earlier run's is growth, more calls at the same size is not
    assertThat(tempRegressions(List.of(spilling(0, 10, 10L, 40 * mb)),
        spilling(1, 10, 20L, 80 * mb))).singleElement()
        .satisfies(r -> assertThat(r.changePercent()).isEqualTo(100.0));
    assertThat(tempRegressions(List.of(spilling(0, 10, 10L, 40 * mb)),
        spilling(1, 100, 100L, 400 * mb))).isEmpty();
    assertThat(tempRegressions(List.of(spilling(0, 10, 10L, 40 * mb)),
        spilling(1, 10, 19L, 79 * mb))).isEmpty();
    // small spills are noise; unknown figures (pg_stat_statements) are never compared
    assertThat(tempRegressions(List.of(spilling(0, 10, 0L, 0L)),
        spilling(1, 10, 3L, 15 * mb))).isEmpty();
    assertThat(tempRegressions(List.of(spilling(0, 10, null, null)),
        spilling(1, 10, 10L, 40 * mb))).isEmpty();
    assertThat(tempRegressions(List.of(spilling(0, 10, 0L, 0L)),
        spilling(1, 10, null, null))).isEmpty();
  }

  @Test
  void aTargetByPatternOrFingerprintIsCheckedOnEveryRun() {
    var options = OPTIONS.with(null, null, List.of(Target.parse("~from orders:p95<=50"),
        Target.parse("bbbb:mean<=1")), OPTIONS.retention(), 20);
    var current = new LinkedHashMap<String, QueryPoint>();
    current.put("aaaa", point(1, 10, 40, 10));
    current.put("bbbb", point(1, 10, 0.5, 0.1));
    var texts = Map.of("aaaa", "SELECT * FROM orders WHERE id = $1", "bbbb", "SELECT 1");
    var result = HistoryAnalyzer.compare(current, texts, Map.of(), 0, null, options);
    assertThat(result.regressions()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo("target-exceeded");
      assertThat(r.fingerprint()).isEqualTo("aaaa");
      assertThat(r.before()).isEqualTo(50.0);
      assertThat(r.after()).isEqualTo(40 + 1.645 * 10);
    });
  }

  @Test
  void aBaselineIsComparedLikeHistory() {
    var random = new Random(5);
    var baseline = steady(random, 6, 10, 0.05, 200);
    var recent = steady(random, 6, 28, 0.05, 200);
    var result = HistoryAnalyzer.compare(Map.of("a", point(30, 200, 30, 15)), Map.of(),
        Map.of("a", recent), 6, Map.of("a", baseline), OPTIONS);
    assertThat(result.regressions()).extracting(Regression::kind)
        .contains("baseline-deviation").doesNotContain("level");
  }

  /**
   * The false-positive rate on steady series: 2,000 queries of 48 hourly runs each, with 10 %
   * run-to-run noise, a wide spread within runs and 20 to 2,000 calls. Printed, and bounded.
   */
  @Test
  void steadySeriesRarelyRaiseARegression() {
    var random = new Random(42);
    int series = 2000;
    int flagged = 0;
    for (int i = 0; i < series; i++) {
      long calls = 20 + random.nextInt(1980);
      var points = steady(random, 49, 1 + random.nextDouble() * 100, 0.10, calls);
      var result = compare("q" + i, points.subList(0, 48), points.get(48));
      if (!result.regressions().isEmpty() || !result.trends().isEmpty()) {
        flagged++;
      }
    }
    double rate = 100.0 * flagged / series;
    System.out.printf("history: false-positive rate on %d steady series: %.2f %%%n", series, rate);
    assertThat(rate).isLessThan(0.5);
  }
}
