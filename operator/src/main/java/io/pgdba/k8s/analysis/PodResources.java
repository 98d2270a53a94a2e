package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PostgreSQL container's resources from the pod spec, as advisor settings for the
 * configuration advisor: inside a pod, pgtune-style tools see the node's memory, not the limit
 * the OOM killer enforces. Also tells a CloudNativePG instance (its {@code cnpg.io/cluster} label)
 * from a plain StatefulSet.
 */
final class PodResources {

  static final String CNPG_CLUSTER_LABEL = "cnpg.io/cluster";

  private PodResources() {}

  /**
   * The settings of the first matching pod (by name); empty when no pod matches or the API
   * cannot list them, in which case the advisor says the memory is unknown.
   */
  static Map<String, String> of(KubernetesClient client, String namespace,
      Map<String, String> selector, String container) {
    if (selector == null || selector.isEmpty()) {
      return Map.of();
    }
    List<Pod> pods;
    try {
      pods = client.pods().inNamespace(namespace).withLabels(selector).list().getItems()
          .stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
    } catch (KubernetesClientException e) {
      return Map.of();
    }
    return pods.isEmpty() ? Map.of() : of(pods.get(0), container, pods.size());
  }

  /** The settings of one pod's container ({@code container} null: the first one). */
  static Map<String, String> of(Pod pod, String container, int instances) {
    var settings = new TreeMap<String, String>();
    var spec = pod.getSpec();
    var labels = pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
    boolean cnpg = labels != null && labels.containsKey(CNPG_CLUSTER_LABEL);
    settings.put("environment", cnpg ? "cnpg" : "statefulset");
    if (cnpg) {
      settings.put("instances", String.valueOf(instances));
    }
    if (spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()) {
      return settings;
    }
    Container c = spec.getContainers().stream()
        .filter(x -> container == null ? cnpg && "postgres".equals(x.getName())
            : container.equals(x.getName()))
        .findFirst().orElse(container == null ? spec.getContainers().get(0) : null);
    if (c == null || c.getResources() == null) {
      return settings;
    }
    var limits = c.getResources().getLimits() == null ? Map.<String, Quantity>of()
        : c.getResources().getLimits();
    var requests = c.getResources().getRequests() == null ? Map.<String, Quantity>of()
        : c.getResources().getRequests();
    String where = "pod " + pod.getMetadata().getName() + " container " + c.getName();
    if (limits.get("memory") != null) {
      settings.put("memory", bytes(limits.get("memory")));
      settings.put("memory.source", where + " memory limit " + limits.get("memory"));
    } else if (requests.get("memory") != null) {
      // no limit: the request is what the scheduler promised, the safe figure to size for
      settings.put("memory", bytes(requests.get("memory")));
      settings.put("memory.source", where + " memory request " + requests.get("memory")
          + " (no limit)");
    }
    var cpu = limits.get("cpu") != null ? limits.get("cpu") : requests.get("cpu");
    if (cpu != null) {
      settings.put("cpus", Quantity.getAmountInBytes(cpu).stripTrailingZeros().toPlainString());
    }
    BigDecimal huge = BigDecimal.ZERO;
    for (var e : limits.entrySet()) {
      if (e.getKey().startsWith("hugepages-")) {
        huge = huge.add(Quantity.getAmountInBytes(e.getValue()));
      }
    }
    if (huge.signum() > 0) {
      settings.put("hugepages", huge.toBigInteger().toString());
    }
    return settings;
  }

  private static String bytes(Quantity q) {
    return Quantity.getAmountInBytes(q).toBigInteger().toString();
  }
}
