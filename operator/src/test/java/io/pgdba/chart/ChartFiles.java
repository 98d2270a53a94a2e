package io.pgdba.chart;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the chart and the files it ships live, from wherever Maven runs the tests. */
public final class ChartFiles {

  private ChartFiles() {}

  public static Path repoRoot() {
    var dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("helm/pgdba-operator"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("helm/pgdba-operator not found above " + Path.of("")
          .toAbsolutePath());
    }
    return dir;
  }

  public static Path chart() {
    return repoRoot().resolve("helm/pgdba-operator");
  }

  public static Path dashboard() {
    return chart().resolve("dashboards/pgdba.json");
  }

  public static Path rules() {
    return chart().resolve("rules/pgdba.rules.yaml");
  }
}
