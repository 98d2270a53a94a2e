package io.pgdba.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.Origin;
import io.pgdba.log.LogEvent.Phase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTrackerTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private final SessionTracker tracker = new SessionTracker();
  private long line;

  private void run(String session, long atMs, String sql, String... params) {
    run(session, atMs, Phase.EXECUTE, params.length > 0 ? "S_1" : "<unnamed>", sql, params);
  }

  private void run(String session, long atMs, Phase phase, String name, String sql,
      String... params) {
    var origin = new Origin(T0.plusMillis(atMs), "db", "app", "a", 1, "test.log", ++line,
        session);
    tracker.statement(new ExecutedStatement(origin, phase, name, 0.1, sql, List.of(params)),
        new Fingerprinter().fingerprint(sql));
  }

  @Test
  void aLoopInATransactionIsAnNPlusOneAfterItsListQuery() {
    run("s1", 0, "BEGIN");
    run("s1", 1, "select id from posts limit 50");
    for (int i = 0; i < 12; i++) {
      run("s1", 2 + i, "select * from comments where post_id = $1", String.valueOf(i));
    }
    run("s1", 20, "COMMIT");
    var p = tracker.summary();
    assertThat(p.sessionsKnown()).isTrue();
    assertThat(p.transactions()).isEqualTo(1);
    assertThat(p.loops()).singleElement().satisfies(l -> {
      assertThat(l.maxPerLoop()).isEqualTo(12);
      assertThat(l.inTransactions()).isEqualTo(1);
      assertThat(l.precededBy()).isEqualTo(
          Fingerprinter.hex(new Fingerprinter().fingerprint("select id from posts limit 50")));
    });
    assertThat(p.chatty()).isEmpty();
  }

  @Test
  void nineExecutionsOrTheSameValueEachTimeAreNoLoop() {
    for (int i = 0; i < 9; i++) {
      run("s1", i, "select * from comments where post_id = $1", String.valueOf(i));
    }
    for (int i = 0; i < 12; i++) {
      run("s2", i, "select * from users where id = $1", "7");
    }
    var p = tracker.summary();
    assertThat(p.loops()).isEmpty();
    assertThat(p.repeats()).singleElement().satisfies(r -> {
      assertThat(r.repeats()).isEqualTo(11);
      assertThat(r.maxBurst()).isEqualTo(12);
    });
  }

  @Test
  void autocommitStatementsSecondsApartAreSeparateBursts() {
    for (int i = 0; i < 12; i++) {
      run("s1", i * 1_500L, "select * from comments where post_id = $1", String.valueOf(i));
    }
    assertThat(tracker.summary().loops()).isEmpty();
  }

  @Test
  void identicalQueriesFarApartAreNoRepeats() {
    for (int i = 0; i < 20; i++) {
      run("s" + i, i * (SessionTracker.REPEAT_WINDOW_MS + 1), "select 1 from t where k = 'a'");
    }
    assertThat(tracker.summary().repeats()).isEmpty();
  }

  @Test
  void volatileAndLockingQueriesAreNeverCacheable() {
    for (int i = 0; i < 12; i++) {
      run("s1", i, "select now(), id from t where k = 'a'");
      run("s2", i, "select id from t where k = 'a' for update");
    }
    assertThat(tracker.summary().repeats()).isEmpty();
  }

  @Test
  void aLongTransactionIsChattyButRollbackToSavepointDoesNotEndIt() {
    run("s1", 0, "BEGIN");
    for (int i = 0; i < 25; i++) {
      run("s1", 1 + i * 10L, "update t" + (i % 5) + " set x = x + 1 where id = $1",
          String.valueOf(i));
      if (i == 10) {
        run("s1", 105, "ROLLBACK TO SAVEPOINT a");
      }
    }
    run("s1", 400, "COMMIT");
    var p = tracker.summary();
    assertThat(p.chatty()).singleElement().satisfies(c -> {
      assertThat(c.maxStatements()).isEqualTo(26);
      assertThat(c.fingerprints()).hasSize(6); // five updates and the ROLLBACK TO
      assertThat(c.spanMs()).isEqualTo(400);
    });
  }

  @Test
  void aDisconnectionEndsTheSessionSoAReusedPidStartsAfresh() {
    run("pid:7", 0, "BEGIN");
    for (int i = 0; i < 6; i++) {
      run("pid:7", 1 + i, "select * from c where id = $1", String.valueOf(i));
    }
    tracker.sessionEnded(new Origin(T0, null, null, null, 7, "x", 1, "pid:7"));
    for (int i = 0; i < 6; i++) {
      run("pid:7", 10 + i, "select * from c where id = $1", String.valueOf(i + 10));
    }
    var p = tracker.summary();
    assertThat(p.loops()).isEmpty();
    assertThat(p.sessions()).isEqualTo(2);
  }

  @Test
  void withoutSessionsNothingIsTracked() {
    var origin = new Origin(T0, "db", "u", "a", null, "x", 1);
    tracker.statement(new ExecutedStatement(origin, Phase.SIMPLE, null, 1, "select 1",
        List.of()), 1);
    assertThat(tracker.summary().sessionsKnown()).isFalse();
  }

  @Test
  void preparedStatementsKeepABoundedOrderIndependentSampleOfParameterSets() {
    var forward = new SessionTracker();
    var backward = new SessionTracker();
    String sql = "select * from tasks where status = $1";
    long fp = new Fingerprinter().fingerprint(sql);
    for (int i = 0; i < 100; i++) {
      forward.statement(prepared(sql, "'v" + i + "'"), fp);
      backward.statement(prepared(sql, "'v" + (99 - i) + "'"), fp);
    }
    var a = forward.summary().prepared();
    var b = backward.summary().prepared();
    assertThat(a).singleElement().satisfies(p -> {
      assertThat(p.executions()).isEqualTo(100);
      assertThat(p.named()).isEqualTo(100);
      assertThat(p.parameterSets()).hasSize(SessionTracker.PARAMETER_SETS);
    });
    assertThat(new java.util.HashSet<>(a.get(0).parameterSets()))
        .isEqualTo(new java.util.HashSet<>(b.get(0).parameterSets()));
  }

  @Test
  void manySessionsStayBounded() {
    for (int s = 0; s < SessionTracker.MAX_SESSIONS * 3; s++) {
      run("s" + s, s, "BEGIN");
      run("s" + s, s, "select 1 from t where id = $1", String.valueOf(s));
    }
    var p = tracker.summary();
    assertThat(p.sessions()).isEqualTo(SessionTracker.MAX_SESSIONS * 3L);
    // the evicted sessions' open transactions were closed, not lost
    assertThat(p.transactions()).isEqualTo(SessionTracker.MAX_SESSIONS * 3L);
  }

  @Test
  void theFirstWordIsTheLowerCasedKeywordWhateverItsCaseAndOnlyAsciiLettersMakeAVerb() {
    assertThat(SessionTracker.firstWord("  /* c */ (SeLeCt 1)")).isEqualTo("select");
    assertThat(SessionTracker.firstWord("-- x\nROLLBACK TO s")).isEqualTo("rollback");
    assertThat(SessionTracker.firstWord("VACUUM t")).isEqualTo("vacuum");
    assertThat(SessionTracker.firstWord("selects")).isEqualTo("selects");
    // U+017F (long s) upper-cases to S but is no ASCII letter: not the verb select
    assertThat(SessionTracker.firstWord("\u017Felect 1")).isEqualTo("\u017Felect");
    assertThat(SessionTracker.firstWord("")).isEmpty();
  }

  @Test
  void aStatementTextKeptForItsFingerprintAnswersAsTheTextItself() {
    var text = new StatementText("select * from t where now() > $1", 42);
    var params = List.of("a", "b");
    assertThat(text.identity(params)).isEqualTo(SessionTracker.identity(text.text, params))
        .isNotEqualTo(SessionTracker.identity(text.text, List.of("a", "c")));
    assertThat(text.identity(List.of())).isEqualTo(SessionTracker.identity(text.text, List.of()));
    assertThat(text.verb()).isEqualTo("select");
    assertThat(text.isVolatile()).isTrue();
    assertThat(new StatementText("select 1", 1).isVolatile()).isFalse();
  }

  private ExecutedStatement prepared(String sql, String value) {
    var origin = new Origin(T0.plusSeconds(++line * 10), "db", "u", "a", 1, "x", line, "s");
    return new ExecutedStatement(origin, Phase.EXECUTE, "S_1", 0.1, sql, List.of(value));
  }
}
