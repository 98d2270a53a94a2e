package io.pgdba.workload;

import java.util.List;

/**
 * What the order of statements within sessions and transactions shows, which per-fingerprint
 * statistics cannot: loops that run one query per row (N+1), transactions made of many small
 * round trips, identical queries repeated within seconds, and the parameter sets of prepared
 * statements. Built by {@link SessionTracker}; every list is bounded and sorted by its measure,
 * then by fingerprint, so the output is deterministic.
 *
 * @param sessionsKnown false when the log carried neither a session id ({@code %c}) nor a pid
 *     ({@code %p}): nothing below can then be told apart, and the lists are empty
 * @param sessions sessions seen (a pid reused by a later session counts again after its
 *     disconnection line)
 * @param transactions explicit transactions seen ({@code BEGIN} ... {@code COMMIT/ROLLBACK})
 */
public record SessionPatterns(
    boolean sessionsKnown,
    long sessions,
    long transactions,
    List<Loop> loops,
    List<Chatty> chatty,
    List<Repeat> repeats,
    List<Prepared> prepared) {

  public SessionPatterns {
    loops = List.copyOf(loops);
    chatty = List.copyOf(chatty);
    repeats = List.copyOf(repeats);
    prepared = List.copyOf(prepared);
  }

  /** Nothing known: a workload from pg_stat_statements or a log without sessions. */
  public static SessionPatterns none() {
    return new SessionPatterns(false, 0, 0, List.of(), List.of(), List.of(), List.of());
  }

  /**
   * One fingerprint run many times with changing parameters inside one transaction (or one burst
   * of autocommit statements of a session): the loop of an N+1.
   *
   * @param loops transactions or bursts that held such a loop
   * @param executions executions inside those loops
   * @param maxPerLoop the most executions in one loop
   * @param inTransactions how many of the loops were inside an explicit transaction
   * @param precededBy the fingerprint run just before the loop began most often (the query that
   *     returned the list), or null
   */
  public record Loop(String fingerprint, long loops, long executions, long maxPerLoop,
      long inTransactions, String precededBy, double timeMs) {}

  /**
   * Explicit transactions of many statements, grouped by the fingerprint of their first
   * statement after {@code BEGIN}.
   *
   * @param statements statements inside them in all (BEGIN and COMMIT not counted)
   * @param statementTimeMs the server time of those statements
   * @param spanMs from BEGIN to COMMIT in all, by the log's timestamps: what the transaction held
   *     its snapshot and locks for, mostly spent in round trips when it far exceeds the server
   *     time
   * @param fingerprints the distinct fingerprints of the largest such transaction, in order of
   *     first appearance (at most {@value SessionTracker#CHATTY_FINGERPRINTS})
   */
  public record Chatty(String fingerprint, long transactions, long statements,
      long maxStatements, double statementTimeMs, double spanMs, List<String> fingerprints) {

    public Chatty {
      fingerprints = List.copyOf(fingerprints);
    }
  }

  /**
   * Executions of a read-only query with the very same text and parameters as one run within
   * {@value SessionTracker#REPEAT_WINDOW_MS} ms before (in any session): answers a cache could
   * have given.
   *
   * @param repeats such executions
   * @param maxBurst the longest chain of identical executions, each within the window of the one
   *     before
   * @param timeMs the server time the repeats took
   */
  public record Repeat(String fingerprint, long repeats, long maxBurst, double timeMs) {}

  /**
   * A statement executed through the extended protocol with parameters, and a deterministic
   * sample of its distinct parameter sets (at most {@value SessionTracker#PARAMETER_SETS},
   * chosen by hash, so independent of the log's order).
   *
   * @param text the statement as logged, with its {@code $n} placeholders
   * @param named executions through a named (reused) prepared statement, whose plan the server
   *     may cache as a generic plan after five executions
   */
  public record Prepared(String fingerprint, String text, long executions, long named,
      List<List<String>> parameterSets) {

    public Prepared {
      parameterSets = parameterSets.stream().map(List::copyOf).toList();
    }
  }
}
