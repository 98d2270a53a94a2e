package io.pgdba.finding;

import java.sql.SQLException;
import java.util.List;

/**
 * An advisor that turns what an analysis knows into findings. Each advisor family (table, query,
 * config) implements it in its own package; the analysis runs them in turn on the same read-only
 * session, and one advisor failing costs only its own findings (a warning says so).
 */
public interface FindingAdvisor {

  /** A short name for warnings and logs ({@code table}, {@code query}, {@code config}). */
  String name();

  /** The findings for this analysis; never null. Sends only read-only, cheap statements. */
  List<Finding> advise(AdvisorContext context) throws SQLException;
}
