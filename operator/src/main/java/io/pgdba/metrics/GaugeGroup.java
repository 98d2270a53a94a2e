package io.pgdba.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The series of one gauge whose label sets come and go: a run's top queries, a recommendation's
 * phase. Replacing a scope unregisters the series that are no longer reported, so a query id that
 * left the top N disappears from the scrape instead of freezing at its last value.
 */
final class GaugeGroup {

  /** A gauge's current value; Micrometer only keeps a weak reference, the group the strong one. */
  private static final class Value {
    volatile double value;
    Gauge gauge;
  }

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String baseUnit;
  private final Map<Tags, Value> series = new HashMap<>();

  GaugeGroup(MeterRegistry registry, String name, String description, String baseUnit) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.baseUnit = baseUnit;
  }

  synchronized void set(Tags tags, double value) {
    var holder =
        series.computeIfAbsent(
            tags,
            t -> {
              var v = new Value();
              v.gauge =
                  Gauge.builder(name, v, h -> h.value)
                      .description(description)
                      .baseUnit(baseUnit)
                      .tags(t)
                      .strongReference(true)
                      .register(registry);
              return v;
            });
    holder.value = value;
  }

  /** Sets {@code values} and drops every other series within {@code scope}. */
  synchronized void replace(Predicate<Tags> scope, Map<Tags, Double> values) {
    removeIf(scope.and(t -> !values.containsKey(t)));
    values.forEach(this::set);
  }

  synchronized void removeIf(Predicate<Tags> which) {
    var it = series.entrySet().iterator();
    while (it.hasNext()) {
      var entry = it.next();
      if (which.test(entry.getKey())) {
        registry.remove(entry.getValue().gauge);
        it.remove();
      }
    }
  }

  synchronized int size() {
    return series.size();
  }

  /** True when {@code tags} has every given key/value pair. */
  static Predicate<Tags> having(String... keyValues) {
    var wanted = Tags.of(keyValues);
    return tags -> {
      for (Tag w : wanted) {
        boolean found = false;
        for (Tag t : tags) {
          if (t.getKey().equals(w.getKey()) && t.getValue().equals(w.getValue())) {
            found = true;
            break;
          }
        }
        if (!found) {
          return false;
        }
      }
      return true;
    };
  }
}
