package io.pgdba.k8s.analysis;

import io.pgdba.k8s.OperatorListener;
import io.pgdba.report.ReportShelf;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Puts each successful run's HTML report on the shelf the HTTP port serves; forgets deleted ones. */
public final class ReportListener implements OperatorListener {

  private static final Logger LOG = LoggerFactory.getLogger(ReportListener.class);

  private final ReportShelf shelf;

  public ReportListener(ReportShelf shelf) {
    this.shelf = shelf;
  }

  @Override
  public void analysisSucceeded(PgAnalysis analysis, RunResult result, Duration took) {
    try {
      shelf.put(analysis.getMetadata().getNamespace(), analysis.getMetadata().getName(),
          result.report());
    } catch (RuntimeException e) {
      // a listener must not throw: the status is written, only the page is missing
      LOG.warn("HTML report of {}/{} not rendered: {}", analysis.getMetadata().getNamespace(),
          analysis.getMetadata().getName(), e.toString());
    }
  }

  @Override
  public void analysisDeleted(PgAnalysis analysis) {
    shelf.remove(analysis.getMetadata().getNamespace(), analysis.getMetadata().getName());
  }
}
