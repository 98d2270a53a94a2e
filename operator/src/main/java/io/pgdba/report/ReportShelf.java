package io.pgdba.report;

import io.pgdba.analysis.AnalysisReport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The latest HTML report of each analysis, kept in memory for the operator's HTTP port to serve
 * at {@link #path}. A report is rendered once, when its run finishes, so a request costs no
 * rendering; a newer run replaces it, a deleted analysis takes it away. What is rendered is the
 * {@link AnalysisReport}, which holds no connection string, password or Secret: the target is
 * only ever named by database, host and port in warnings.
 */
public final class ReportShelf {

  /** Kubernetes object names (DNS-1123 labels and subdomains): nothing else reaches the map. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

  private final Map<String, byte[]> reports = new ConcurrentHashMap<>();

  /** Where the report of {@code namespace/name} is served on the operator's metrics port. */
  public static String path(String namespace, String name) {
    return "/reports/" + namespace + "/" + name;
  }

  /** True for a namespace or name Kubernetes allows; anything else is a 404 before any lookup. */
  public static boolean validName(String s) {
    return s != null && NAME.matcher(s).matches();
  }

  /** Renders and keeps the report of one run (every query listed, as the JSON report does). */
  public void put(String namespace, String name, AnalysisReport report) {
    byte[] html = HtmlReport.render(report, new ReportOptions(0, ReportOptions.defaults().slowMs()))
        .getBytes(StandardCharsets.UTF_8);
    reports.put(namespace + "/" + name, html);
  }

  public Optional<byte[]> get(String namespace, String name) {
    return Optional.ofNullable(reports.get(namespace + "/" + name));
  }

  public void remove(String namespace, String name) {
    reports.remove(namespace + "/" + name);
  }
}
