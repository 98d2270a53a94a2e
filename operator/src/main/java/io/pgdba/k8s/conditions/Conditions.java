package io.pgdba.k8s.conditions;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a fresh condition list for one reconcile from the previous one: a condition keeps its
 * {@code lastTransitionTime} unless its status flips, so "since when" stays truthful across
 * periodic runs.
 */
public final class Conditions {

  /** Messages end up in {@code kubectl describe}; a driver error can be long. */
  static final int MAX_MESSAGE = 1024;

  private final Map<String, Condition> previous = new LinkedHashMap<>();
  private final Map<String, Condition> next = new LinkedHashMap<>();
  private final long generation;
  private final Clock clock;

  public Conditions(List<Condition> previous, Long generation, Clock clock) {
    if (previous != null) {
      previous.forEach(c -> this.previous.put(c.type(), c));
    }
    this.generation = generation == null ? 0 : generation;
    this.clock = clock;
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    return set(type, status ? Condition.TRUE : Condition.FALSE, reason, message);
  }

  public Conditions set(String type, String status, String reason, String message) {
    var old = previous.get(type);
    String since =
        old != null && status.equals(old.status()) && old.lastTransitionTime() != null
            ? old.lastTransitionTime()
            : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    next.put(type, new Condition(type, status, generation, since, reason, truncate(message)));
    return this;
  }

  /** Carries a condition this reconcile did not evaluate over unchanged (but re-stamped). */
  public Conditions keep(String type) {
    var old = previous.get(type);
    if (old != null && !next.containsKey(type)) {
      next.put(
          type,
          new Condition(
              type, old.status(), old.observedGeneration(), old.lastTransitionTime(),
              old.reason(), old.message()));
    }
    return this;
  }

  /** Drops a condition that no longer applies (kept or set before in this reconcile). */
  public Conditions remove(String type) {
    next.remove(type);
    return this;
  }

  public Optional<Condition> get(String type) {
    return Optional.ofNullable(next.get(type));
  }

  public List<Condition> toList() {
    return new ArrayList<>(next.values());
  }

  /** The condition of that type in a status list, if any. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  private static String truncate(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE - 3) + "...";
  }
}
