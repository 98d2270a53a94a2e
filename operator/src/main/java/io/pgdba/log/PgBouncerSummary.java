package io.pgdba.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What pgBouncer's own log says, read as a second source beside the server's: client logins by
 * database, user and host, why connections were closed, its warnings and errors, session lengths
 * and its periodic {@code stats:} lines (throughput, bytes, mean transaction and query times, wait
 * time). Values are sums, counts and maxima so that the summaries of several files (a rotated
 * log) merge exactly.
 *
 * @param lines pgBouncer lines read
 * @param loginAttempts client {@code login attempt} lines
 * @param serverConnections {@code new connection to server} lines
 * @param sessions client connections closed with their age ({@code (age=12s)})
 * @param sessionSeconds the sum of those ages
 * @param maxSessionSeconds the longest
 * @param peakClients the most clients logged in at once, counted from logins and closes in this
 *     file (clients connected before the file started are not seen)
 * @param byDatabase login attempts per database (at most {@link #MAX_KEYS} names, then "(other)")
 * @param closings why connections were closed, most frequent first
 * @param errors WARNING, ERROR and FATAL lines by message pattern, most frequent first
 * @param stats the {@code stats:} lines, null when there were none
 */
public record PgBouncerSummary(
    Instant firstSeen,
    Instant lastSeen,
    long lines,
    long loginAttempts,
    long serverConnections,
    long sessions,
    long sessionSeconds,
    long maxSessionSeconds,
    long peakClients,
    Instant peakClientsAt,
    Map<String, Long> byDatabase,
    Map<String, Long> byUser,
    Map<String, Long> byHost,
    List<Closing> closings,
    List<Event> errors,
    Stats stats) {

  /** Distinct names kept per map and patterns per list: the names are client-controlled. */
  public static final int MAX_KEYS = 500;

  /** The key the names beyond {@link #MAX_KEYS} are counted under. */
  public static final String OTHER = "(other)";

  /** Connections closed for one reason; {@code side} is "client" or "server". */
  public record Closing(String side, String reason, long count) {}

  /** Lines of one severity and message pattern (numbers and connection ids replaced). */
  public record Event(
      String severity,
      String pattern,
      long count,
      Instant firstSeen,
      Instant lastSeen,
      String example) {}

  /** One figure of the stats lines over the samples: sum (for the mean), maximum and when. */
  public record Figure(long samples, double sum, long max, Instant maxAt) {

    public double mean() {
      return samples == 0 ? 0 : sum / samples;
    }

    Figure plus(Figure o) {
      if (o == null) {
        return this;
      }
      boolean other = o.max > max || (o.max == max && maxAt == null);
      return new Figure(samples + o.samples, sum + o.sum, other ? o.max : max,
          other ? o.maxAt : maxAt);
    }
  }

  /**
   * The {@code stats:} lines pgBouncer writes every {@code stats_period} (60 s by default): rates
   * per second and mean times in microseconds over the period.
   */
  public record Stats(
      long samples,
      Figure xactsPerSecond,
      Figure queriesPerSecond,
      Figure bytesInPerSecond,
      Figure bytesOutPerSecond,
      Figure xactMicros,
      Figure queryMicros,
      Figure waitMicros) {

    Stats plus(Stats o) {
      if (o == null) {
        return this;
      }
      return new Stats(samples + o.samples, xactsPerSecond.plus(o.xactsPerSecond),
          queriesPerSecond.plus(o.queriesPerSecond), bytesInPerSecond.plus(o.bytesInPerSecond),
          bytesOutPerSecond.plus(o.bytesOutPerSecond), xactMicros.plus(o.xactMicros),
          queryMicros.plus(o.queryMicros), waitMicros.plus(o.waitMicros));
    }
  }

  public double meanSessionSeconds() {
    return sessions == 0 ? 0 : (double) sessionSeconds / sessions;
  }

  /** The summaries of several pgBouncer files as one; null when there is none. */
  public static PgBouncerSummary merge(List<PgBouncerSummary> all) {
    PgBouncerSummary m = null;
    for (var s : all) {
      m = m == null ? s : m.plus(s);
    }
    return m;
  }

  private PgBouncerSummary plus(PgBouncerSummary o) {
    var closing = new TreeMap<String, Closing>();
    for (var c : concat(closings, o.closings)) {
      closing.merge(c.side() + "\u0000" + c.reason(), c,
          (a, b) -> new Closing(a.side(), a.reason(), a.count() + b.count()));
    }
    var event = new TreeMap<String, Event>();
    for (var e : concat(errors, o.errors)) {
      event.merge(e.severity() + "\u0000" + e.pattern(), e,
          (a, b) -> new Event(a.severity(), a.pattern(), a.count() + b.count(),
              min(a.firstSeen(), b.firstSeen()), max(a.lastSeen(), b.lastSeen()), a.example()));
    }
    boolean otherPeak = o.peakClients > peakClients;
    return new PgBouncerSummary(
        min(firstSeen, o.firstSeen),
        max(lastSeen, o.lastSeen),
        lines + o.lines,
        loginAttempts + o.loginAttempts,
        serverConnections + o.serverConnections,
        sessions + o.sessions,
        sessionSeconds + o.sessionSeconds,
        Math.max(maxSessionSeconds, o.maxSessionSeconds),
        otherPeak ? o.peakClients : peakClients,
        otherPeak ? o.peakClientsAt : peakClientsAt,
        sum(byDatabase, o.byDatabase),
        sum(byUser, o.byUser),
        sum(byHost, o.byHost),
        closingsByCount(closing.values()),
        eventsByCount(event.values()),
        stats == null ? o.stats : stats.plus(o.stats));
  }

  static List<Closing> closingsByCount(java.util.Collection<Closing> all) {
    var list = new ArrayList<>(all);
    list.sort(Comparator.comparingLong(Closing::count).reversed()
        .thenComparing(Closing::side).thenComparing(Closing::reason));
    return List.copyOf(list);
  }

  static List<Event> eventsByCount(java.util.Collection<Event> all) {
    var list = new ArrayList<>(all);
    list.sort(Comparator.comparingLong(Event::count).reversed()
        .thenComparing(Event::severity).thenComparing(Event::pattern));
    return List.copyOf(list);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    var l = new ArrayList<T>(a);
    l.addAll(b);
    return l;
  }

  private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
    var m = new TreeMap<>(a);
    b.forEach((k, v) -> m.merge(k, v, Long::sum));
    return java.util.Collections.unmodifiableMap(m);
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
