package io.pgdba.workload;

import io.pgdba.log.LogEvent;
import java.util.function.Consumer;

/**
 * Accumulates {@link LogEvent}s into a {@link Workload}. Memory is bounded by the number of
 * distinct fingerprints (capped by {@link WorkloadOptions#maxFingerprints()}), not the log size.
 */
public final class WorkloadBuilder implements Consumer<LogEvent> {

  private final WorkloadOptions options;

  public WorkloadBuilder(WorkloadOptions options) {
    this.options = options;
  }

  @Override
  public void accept(LogEvent event) {
    throw new UnsupportedOperationException("TODO(workload): implement");
  }

  public Workload build() {
    throw new UnsupportedOperationException("TODO(workload): implement");
  }
}
