package io.pgdba.advisor.query;

import io.pgdba.finding.Category;
import io.pgdba.finding.Finding;
import io.pgdba.finding.Severity;
import io.pgdba.workload.QueryStats;
import io.pgdba.workload.SessionPatterns;
import io.pgdba.workload.SessionTracker;
import io.pgdba.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The query findings only a log's order of statements shows: N+1 loops, chatty transactions and
 * identical queries repeated within seconds. The figures come from {@link SessionPatterns}; this
 * class words them and, for a loop over one {@code column = $1}, writes the set-based form.
 */
final class SessionFindings {

  /** A loop of at least this many executions in one transaction is a warning, not a note. */
  static final int LOOP_WARNING = 20;
  static final int CHATTY_WARNING = 50;
  static final int REPEAT_WARNING = 100;
  private static final int MAX_QUERY_CHARS = 200;
  /** One {@code column = $1} and no other placeholder: the loop's variable is that column. */
  private static final Pattern ONE_EQUALITY = Pattern.compile(
      "((?:\\w+\\.)?\"?\\w+\"?) = \\$1(?![0-9])");

  private final Workload workload;

  SessionFindings(Workload workload) {
    this.workload = workload;
  }

  List<Finding> findings() {
    var patterns = workload.sessions();
    var out = new ArrayList<Finding>();
    for (var loop : patterns.loops()) {
      out.add(loop(loop));
    }
    for (var chatty : patterns.chatty()) {
      out.add(chatty(chatty));
    }
    for (var repeat : patterns.repeats()) {
      out.add(repeat(repeat));
    }
    return out;
  }

  private Finding loop(SessionPatterns.Loop loop) {
    String query = query(loop.fingerprint());
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("query", abbreviate(query));
    evidence.put("loops", loop.loops());
    evidence.put("executionsInLoops", loop.executions());
    evidence.put("maxPerLoop", loop.maxPerLoop());
    evidence.put("loopsInTransactions", loop.inTransactions());
    evidence.put("timeInLoopsMs", round(loop.timeMs()));
    if (loop.precededBy() != null) {
      evidence.put("precededBy", loop.precededBy());
      evidence.put("precededByQuery", abbreviate(query(loop.precededBy())));
    }
    String verb = query == null ? "" : firstWord(query);
    String where = loop.inTransactions() == loop.loops()
        ? "one transaction" : "one session's burst of statements";
    String title = "N+1: the same query runs up to " + loop.maxPerLoop() + " times in " + where
        + " with a different value each time";
    String rewritten = null;
    String advice;
    var m = query == null ? null : ONE_EQUALITY.matcher(query);
    boolean oneParameter = m != null && m.find() && query.indexOf("$2") < 0
        && query.indexOf("$1", m.end()) < 0;
    if (verb.equals("insert")) {
      advice = "Each row is its own round trip and statement: insert the rows together, in one"
          + " INSERT ... VALUES (...), (...) or INSERT ... SELECT FROM unnest($1, $2, ...) with"
          + " arrays, or COPY; a JDBC batch (addBatch with reWriteBatchedInserts=true) does it"
          + " without changing the SQL.";
    } else {
      advice = "The application runs this once per row"
          + (loop.precededBy() != null ? " of the query before it (" + loop.precededBy() + ")"
              : "")
          + ": " + loop.executions() + " round trips, each paying network latency, parse and"
          + " executor start-up, where one statement would do. "
          + (oneParameter
              ? "Pass all the values at once as an array: " + m.group(1) + " = ANY($1)"
              : "Pass all the values at once with = ANY($1) on the looped column")
          + (verb.equals("select")
              ? ", or join this table to the query that returned the list (an ORM's eager"
                  + " loading: includes/preload, JOIN FETCH, select_related)."
              : ".")
          + " Caveats: the rows of all values come back together, in no particular order,"
          + " so the application must group them by " + (oneParameter ? m.group(1) : "that column")
          + "; a value given twice in the array returns its rows once.";
      if (oneParameter) {
        rewritten = query.substring(0, m.start()) + m.group(1) + " = ANY($1)"
            + query.substring(m.end());
      }
    }
    Severity severity = loop.maxPerLoop() >= LOOP_WARNING ? Severity.WARNING : Severity.INFO;
    return new Finding(Category.QUERY, "query.n-plus-one", severity, loop.fingerprint(), title,
        evidence, advice, rewritten, null);
  }

  private Finding chatty(SessionPatterns.Chatty chatty) {
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("firstQuery", abbreviate(query(chatty.fingerprint())));
    evidence.put("transactions", chatty.transactions());
    evidence.put("statements", chatty.statements());
    evidence.put("maxStatements", chatty.maxStatements());
    evidence.put("statementTimeMs", round(chatty.statementTimeMs()));
    evidence.put("transactionTimeMs", round(chatty.spanMs()));
    var queries = new ArrayList<String>();
    for (String fp : chatty.fingerprints()) {
      queries.add(fp + ": " + abbreviate(query(fp)));
    }
    evidence.put("queries", queries);
    double outside = chatty.spanMs() - chatty.statementTimeMs();
    String title = "Chatty transaction: up to " + chatty.maxStatements()
        + " statements, each a round trip";
    String advice = "Each statement waits for the application's next one while the transaction"
        + " holds its snapshot and locks"
        + (outside > 0
            ? ": of " + round(chatty.spanMs()) + " ms inside these transactions the server"
                + " worked " + round(chatty.statementTimeMs()) + " ms, the rest went to round"
                + " trips and the application"
            : "")
        + ". Send the work together: one set-based statement (INSERT ... SELECT, UPDATE ..."
        + " FROM (VALUES ...), a data-modifying CTE), a batch or pipeline (JDBC addBatch, libpq"
        + " pipeline mode), or a function called once. Caveats: a batch still runs the"
        + " statements one by one in the server, and a function moves logic into the database.";
    Severity severity = chatty.maxStatements() >= CHATTY_WARNING
        ? Severity.WARNING : Severity.INFO;
    return Finding.of(Category.QUERY, "query.chatty-transaction", severity, chatty.fingerprint(),
        title, evidence, advice);
  }

  private Finding repeat(SessionPatterns.Repeat repeat) {
    var stats = workload.byFingerprint(repeat.fingerprint());
    var evidence = new LinkedHashMap<String, Object>();
    evidence.put("query", abbreviate(query(repeat.fingerprint())));
    evidence.put("repeats", repeat.repeats());
    stats.ifPresent(s -> evidence.put("calls", s.calls()));
    evidence.put("longestChain", repeat.maxBurst());
    evidence.put("windowSeconds", SessionTracker.REPEAT_WINDOW_MS / 1000.0);
    evidence.put("repeatedTimeMs", round(repeat.timeMs()));
    String title = "Same query with the same parameters repeated " + repeat.repeats()
        + " times within " + SessionTracker.REPEAT_WINDOW_MS / 1000 + " s of itself";
    String advice = "These executions asked again, within seconds, what the one before had just"
        + " answered: keep the answer in the application (a request-scoped memo, or a cache"
        + " with a short expiry) and skip " + repeat.repeats() + " round trips and "
        + round(repeat.timeMs()) + " ms of server time. Caveats: a cached answer is as old as"
        + " the cache's expiry; keep the query when the application must see other sessions'"
        + " commits at once.";
    Severity severity = repeat.repeats() >= REPEAT_WARNING ? Severity.WARNING : Severity.INFO;
    return Finding.of(Category.QUERY, "query.repeated-identical", severity,
        repeat.fingerprint(), title, evidence, advice);
  }

  private String query(String fingerprint) {
    return workload.byFingerprint(fingerprint).map(QueryStats::query).orElse(null);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "(not kept: a rare query folded into other)";
    }
    return s.length() > MAX_QUERY_CHARS ? s.substring(0, MAX_QUERY_CHARS - 4) + " ..." : s;
  }

  private static String firstWord(String sql) {
    String t = sql.stripLeading();
    int end = 0;
    while (end < t.length() && Character.isLetter(t.charAt(end))) {
      end++;
    }
    return t.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
