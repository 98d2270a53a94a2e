package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The session tracker (fingerprints of the open unit in reused arrays, maps keyed by primitive
 * fingerprints, a volatility memo by exact text or by copies of one reading of the text, a sample
 * of parameter sets that remembers its largest hash) finds the very patterns of its reference, the
 * tracker as it was before ({@link ReferenceSessionTracker}), on generated logs: transactions,
 * savepoints, bursts and gaps, clocks that go back, missing timestamps and sessions, reused
 * fingerprints for different texts, disconnections, more sessions and fingerprints than the
 * bounds keep.
 */
class SessionTrackerDifferentialTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private static final String[] FIXED = {
    "BEGIN", "begin", "START TRANSACTION", "COMMIT", "end", "abort", "ROLLBACK",
    "ROLLBACK TO SAVEPOINT a", "rollback to a", "PREPARE TRANSACTION 'x'", "PREPARE p AS select 1",
    "select now()", "select * from t for update", "SELECT * FROM t FOR SHARE",
    "insert into t values ($1)", "update t set a = $1", "delete from t where id = $1",
    "with x as (select 1) select * from x", "values (1)", "table t", "select 1", "SELECT 1",
    "select * from t where a = 'pg_x'", "select * from t where id = $1",
    "select * from t where id = $1 and b = $2", "/* c */ select nextval('s')",
    "select 'é' from t", "SELECT 'İ' FROM t where x = $1", "select updated from t",
    "  (select 1)", "savepoint a", "select random()", ""
  };

  private static final Map<String, Long> FINGERPRINTS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static long fingerprint(String text) {
    return FINGERPRINTS.computeIfAbsent(text, t -> new Fingerprinter().fingerprint(t));
  }

  private static final String[] PARAMETERS = {"1", "2", "'a'", "NULL", "'it''s'", "42", "'é'"};

  /** One generated log, fed to both trackers; the patterns must be equal. */
  private static void compare(long seed, int events, int sessions, int texts, boolean cached) {
    var random = new Random(seed);
    var tracker = new SessionTracker();
    var reference = new ReferenceSessionTracker();
    var known = new HashMap<String, StatementText>();
    long[] clock = new long[sessions];
    for (int i = 0; i < events; i++) {
      int session = random.nextInt(sessions);
      String id = random.nextInt(50) == 0 ? null : "s" + session;
      clock[session] += switch (random.nextInt(10)) {
        case 0 -> 1_500;
        case 1 -> 3_000;
        case 2 -> -700;
        default -> random.nextInt(40);
      };
      Instant ts = random.nextInt(40) == 0 ? null : T0.plusMillis(clock[session]);
      var origin = new Origin(ts, "db", "u", "app", session, "gen.log", i, id);
      if (random.nextInt(60) == 0) {
        tracker.sessionEnded(origin);
        reference.sessionEnded(origin);
        continue;
      }
      String text = random.nextInt(3) == 0
          ? FIXED[random.nextInt(FIXED.length)]
          : "select c" + random.nextInt(texts) + " from t where id = $1";
      // mostly the fingerprint of the text; at times one shared by unrelated texts
      long fingerprint = random.nextInt(20) == 0
          ? random.nextInt(4)
          : fingerprint(text);
      int n = random.nextInt(4);
      var parameters = new ArrayList<String>();
      for (int k = 0; k < n; k++) {
        parameters.add(random.nextInt(5) == 0
            ? "'" + "x".repeat(random.nextInt(300)) + "'"
            : PARAMETERS[random.nextInt(PARAMETERS.length)]);
      }
      Phase phase = random.nextBoolean() ? Phase.EXECUTE : Phase.SIMPLE;
      String name = switch (random.nextInt(4)) {
        case 0 -> null;
        case 1 -> "";
        case 2 -> "<unnamed>";
        default -> "S_" + random.nextInt(3);
      };
      var s = new ExecutedStatement(origin, phase, name, random.nextDouble() * 10, text,
          List.copyOf(parameters));
      reference.statement(s, fingerprint);
      if (cached) {
        // as the builder does: one copy per exact text, which remembers what it worked out; or
        // as the reading threads do: a copy of theirs per execution, for the event's own String
        var shared = known.computeIfAbsent(text + "\u0000" + fingerprint,
            k -> new StatementText(text, fingerprint));
        var t = random.nextBoolean() ? shared : shared.forEqualText(new String(text));
        tracker.statement(s, t);
      } else {
        tracker.statement(s, fingerprint);
      }
    }
    assertThat(tracker.summary()).isEqualTo(reference.summary());
  }

  @Property(tries = 200)
  void smallLogsFindThePatternsOfTheReference(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 3000) int events,
      @ForAll @IntRange(min = 1, max = 8) int sessions,
      @ForAll @IntRange(min = 1, max = 40) int texts, @ForAll boolean cached) {
    compare(seed, events, sessions, texts, cached);
  }

  @Test
  void unitsOfManyFingerprintsFindThePatternsOfTheReference() {
    // a few sessions, a thousand texts: units past the 256 counted fingerprints, and summaries
    // past their bound of 1,000
    compare(1, 100_000, 3, 1_000, false);
    compare(2, 100_000, 2, 3_000, true);
  }

  @Test
  void moreSessionsThanKeptFindThePatternsOfTheReference() {
    compare(3, 100_000, 12_000, 50, false);
  }

  @Test
  void summariesPastTheirBoundFindThePatternsOfTheReference() {
    // thousands of fingerprints that loop, repeat, open chatty transactions and run prepared:
    // every summary map reaches its bound, where the smallest gives way, whichever order the map
    // keeps its entries in
    var tracker = new SessionTracker();
    var reference = new ReferenceSessionTracker();
    var random = new Random(4);
    long[] clock = new long[20];
    int line = 0;
    for (int unit = 0; unit < 3_500; unit++) {
      int session = random.nextInt(clock.length);
      boolean transaction = random.nextBoolean();
      var texts = new ArrayList<String>();
      var parameters = new ArrayList<List<String>>();
      if (transaction) {
        texts.add("BEGIN");
        parameters.add(List.of());
      }
      texts.add("select * from lists" + random.nextInt(3_000) + " limit 50");
      parameters.add(List.of());
      String loop = "select * from items" + random.nextInt(3_000) + " where list = $1";
      int times = 8 + random.nextInt(8);
      for (int k = 0; k < times; k++) {
        texts.add(loop);
        parameters.add(List.of(String.valueOf(random.nextInt(random.nextBoolean() ? 2 : 100))));
      }
      for (int k = random.nextInt(transaction ? 30 : 3); k > 0; k--) {
        texts.add("update t" + random.nextInt(40) + " set a = $1");
        parameters.add(List.of(String.valueOf(k)));
      }
      if (transaction) {
        texts.add(random.nextBoolean() ? "COMMIT" : "ROLLBACK");
        parameters.add(List.of());
      }
      for (int k = 0; k < texts.size(); k++) {
        clock[session] += random.nextInt(3);
        var origin = new Origin(T0.plusMillis(clock[session]), "db", "u", "app", session,
            "gen.log", ++line, "s" + session);
        var s = new ExecutedStatement(origin, Phase.EXECUTE, "S_1", 1, texts.get(k),
            parameters.get(k));
        long fingerprint = fingerprint(texts.get(k));
        tracker.statement(s, fingerprint);
        reference.statement(s, fingerprint);
      }
      clock[session] += random.nextInt(3) == 0 ? 1_500 : 0;
    }
    var patterns = tracker.summary();
    assertThat(patterns).isEqualTo(reference.summary());
    assertThat(patterns.loops()).hasSize(SessionTracker.MAX_SUMMARIES);
    assertThat(patterns.chatty()).isNotEmpty();
    assertThat(patterns.repeats()).isNotEmpty();
    assertThat(patterns.prepared()).hasSize(SessionTracker.MAX_SUMMARIES);
  }
}
