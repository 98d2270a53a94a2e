package io.pgdba.analysis;

/**
 * Runs one analysis end to end: reads the logs (or pg_stat_statements), builds the workload,
 * reads the target's catalog and asks the advisors. The CLI and the operator both call this.
 */
public final class Analyzer {

  /** Receives progress for long inputs (bytes read so far of the current source). */
  @FunctionalInterface
  public interface Progress {
    void bytesRead(String source, long bytes);

    Progress NONE = (source, bytes) -> {};
  }

  public AnalysisReport run(AnalysisRequest request, Progress progress) throws AnalysisException {
    throw new UnsupportedOperationException("TODO(analysis): implement");
  }
}
