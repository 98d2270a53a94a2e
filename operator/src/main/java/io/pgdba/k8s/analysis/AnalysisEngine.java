package io.pgdba.k8s.analysis;

import io.pgdba.analysis.AnalysisException;
import io.pgdba.analysis.AnalysisReport;
import io.pgdba.analysis.AnalysisRequest;
import io.pgdba.analysis.Analyzer;

/** The engine as the reconciler sees it; tests may pass another implementation. */
@FunctionalInterface
public interface AnalysisEngine {

  AnalysisReport analyze(AnalysisRequest request) throws AnalysisException;

  /** The real engine. */
  static AnalysisEngine analyzer() {
    var analyzer = new Analyzer();
    return request -> analyzer.run(request, Analyzer.Progress.NONE);
  }
}
