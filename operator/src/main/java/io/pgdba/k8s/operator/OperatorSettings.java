package io.pgdba.k8s.operator;

import java.time.Duration;
import java.util.Set;

/**
 * How the operator process runs.
 *
 * @param namespaces namespaces to watch; empty means all namespaces
 * @param reconcileThreads JOSDK reconcile threads (short work only)
 * @param analysisThreads background threads for analyses (log reading and the engine)
 * @param applyThreads background threads for index builds
 * @param leaderElection lease name, or null to run without leader election
 * @param leaseNamespace namespace of the lease, null for the client's namespace
 */
public record OperatorSettings(
    Set<String> namespaces,
    int reconcileThreads,
    int analysisThreads,
    int applyThreads,
    String leaderElection,
    String leaseNamespace,
    Duration shutdownTimeout) {

  public static OperatorSettings defaults() {
    return new OperatorSettings(Set.of(), 5, 2, 2, null, null, Duration.ofSeconds(30));
  }
}
