package io.pgdba.advisor.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server may use, from the CLI flags or the pod spec, with what was assumed when a figure
 * was not given: the advice is only as good as these, so every finding repeats them.
 *
 * @param memoryBytes the memory limit of the server (pod limit, else request, else --memory);
 *     null when unknown, in which case no memory-sized setting is proposed
 * @param memorySource where memoryBytes came from, for the evidence
 * @param cpus CPUs available, null when unknown
 * @param storage the kind of storage, null when unknown (random_page_cost is then left alone)
 * @param hugePagesBytes huge pages the pod may use (hugepages-2Mi/1Gi limits), 0 when none
 * @param instances PostgreSQL instances sharing the settings (CloudNativePG instances), 1 if unknown
 * @param assumptions one line per figure that was not given
 */
public record Resources(
    Long memoryBytes,
    String memorySource,
    Double cpus,
    Storage storage,
    long hugePagesBytes,
    int instances,
    List<String> assumptions) {

  /** Where the data lives; it decides what a random page read costs. */
  public enum Storage {
    SSD,
    HDD,
    NETWORK;

    public static Storage parse(String text) {
      try {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + text + "' is not one of ssd, hdd, network");
      }
    }
  }

  /** The advisor setting keys, shared by the CLI flags and the operator. */
  public static final String MEMORY = "memory";
  public static final String MEMORY_SOURCE = "memory.source";
  public static final String CPUS = "cpus";
  public static final String STORAGE = "storage";
  public static final String HUGE_PAGES = "hugepages";
  public static final String INSTANCES = "instances";

  public Resources {
    assumptions = List.copyOf(assumptions);
  }

  /**
   * Reads the advisor settings; a malformed value throws {@code IllegalArgumentException} naming
   * the setting (the CLI checks its flags first, so this only fires for a bad pod spec).
   */
  public static Resources from(Map<String, String> settings) {
    var assumed = new ArrayList<String>();
    Long memory = null;
    String source = null;
    if (settings.get(MEMORY) != null) {
      try {
        memory = Sizes.parse(settings.get(MEMORY));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("memory: " + e.getMessage());
      }
      source = settings.getOrDefault(MEMORY_SOURCE, "--memory");
    } else {
      assumed.add("memory unknown (give --memory or a pod memory limit): no memory-sized"
          + " setting is proposed and the worst-case memory is not checked");
    }
    Double cpus = null;
    if (settings.get(CPUS) != null) {
      try {
        cpus = Sizes.parseCpus(settings.get(CPUS));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cpus: " + e.getMessage());
      }
    } else {
      assumed.add("CPUs unknown (give --cpus or a pod CPU limit): parallelism is left alone");
    }
    Storage storage = null;
    if (settings.get(STORAGE) != null) {
      storage = Storage.parse(settings.get(STORAGE));
    } else {
      assumed.add("storage unknown (give --storage ssd|hdd|network): random_page_cost and"
          + " effective_io_concurrency are left alone");
    }
    long huge = 0;
    if (settings.get(HUGE_PAGES) != null) {
      huge = Sizes.parse(settings.get(HUGE_PAGES));
    }
    int instances = 1;
    if (settings.get(INSTANCES) != null) {
      instances = Math.max(1, Integer.parseInt(settings.get(INSTANCES).strip()));
    }
    return new Resources(memory, source, cpus, storage, huge, instances, assumed);
  }
}
