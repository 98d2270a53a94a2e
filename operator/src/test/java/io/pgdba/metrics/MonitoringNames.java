package io.pgdba.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgdba.chart.ChartFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** The metric names the shipped Grafana dashboard and alert rules read, and those of a scrape. */
public final class MonitoringNames {

  private MonitoringNames() {}

  /** Every PromQL expression of the dashboard: panels and template variables. */
  public static List<String> dashboardExpressions() throws IOException {
    var dashboard = new ObjectMapper().readTree(ChartFiles.dashboard().toFile());
    var expressions = new ArrayList<String>();
    dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
    dashboard.path("templating").path("list")
        .forEach(v -> expressions.add(v.path("definition").asText("")));
    return expressions;
  }

  public static Set<String> dashboard() throws IOException {
    var used = new TreeSet<String>();
    dashboardExpressions().forEach(e -> used.addAll(PromQlNames.of(e)));
    return used;
  }

  public static Set<String> rules() throws IOException {
    var rules = new ObjectMapper(new YAMLFactory()).readTree(ChartFiles.rules().toFile());
    var used = new TreeSet<String>();
    rules.path("groups").forEach(g -> g.path("rules")
        .forEach(r -> used.addAll(PromQlNames.of(r.path("expr").asText()))));
    return used;
  }

  /** Sample names in an exposition, e.g. {@code x_bucket} of a histogram {@code x}. */
  public static Set<String> scraped(String exposition) {
    return exposition
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split("[{ ]", 2)[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
