package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pgdba.log.LogEvent.ExecutedStatement;
import io.pgdba.log.LogEvent.ExplainedStatement;
import io.pgdba.log.LogEvent.LogError;
import io.pgdba.log.LogEvent.Phase;
import io.pgdba.log.LogEvent.ServerEvent;
import io.pgdba.log.LogEvent.ServerEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogEventAssemblerTest {

  @Test
  void statementsOfEveryPhase() {
    var c = LogCollector.fixture("stderr-default.log");
    assertThat(c.events(ExecutedStatement.class))
        .extracting(
            ExecutedStatement::phase,
            ExecutedStatement::preparedName,
            ExecutedStatement::durationMs,
            ExecutedStatement::parameters)
        .containsExactly(
            tuple(Phase.SIMPLE, null, 1.5, List.of()),
            tuple(Phase.SIMPLE, null, 12.25, List.of()),
            tuple(Phase.PARSE, "S_1", 0.05, List.of()),
            tuple(Phase.BIND, "S_1/C_2", 0.02, List.of("'it''s, ok'", "NULL")),
            tuple(Phase.EXECUTE, "S_1/C_2", 3.0, List.of("'it''s, ok'", "NULL")),
            tuple(Phase.EXECUTE, "<unnamed>", 0.8, List.of("'a'', ''b'", "'{1,2}'")),
            tuple(Phase.EXECUTE, "S_3/C_4", 0.4, List.of()));
    var execute = c.events(ExecutedStatement.class).get(4);
    assertThat(execute.text()).isEqualTo("select * from t where a = $1 and b = $2");
    assertThat(execute.origin().pid()).isEqualTo(102);
    assertThat(execute.origin().source()).isEqualTo("stderr-default.log");
    assertThat(execute.origin().line()).isEqualTo(10);
  }

  @Test
  void errorsAndServerEvents() {
    var c = LogCollector.fixture("stderr-default.log");
    assertThat(c.events(LogError.class))
        .extracting(LogError::severity, LogError::message, LogError::statement)
        .containsExactly(
            tuple("ERROR", "relation \"missing\" does not exist", "select * from missing"),
            tuple("ERROR", "deadlock detected", "update a set x = 1 where id = 2"));
    assertThat(c.events(ServerEvent.class))
        .extracting(ServerEvent::kind, ServerEvent::value)
        .containsExactly(
            tuple(Kind.CONNECTION, 0.0),
            tuple(Kind.DEADLOCK, 0.0),
            tuple(Kind.LOCK_WAIT, 1000.072),
            tuple(Kind.TEMP_FILE, 1048576.0),
            tuple(Kind.CHECKPOINT, 29901.0),
            tuple(Kind.AUTOVACUUM, 0.25),
            tuple(Kind.AUTOANALYZE, 0.12),
            tuple(Kind.DISCONNECTION, 3723.5));
  }

  @Test
  void logStatementIsPairedWithTheDurationOfItsSession() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    var c = LogCollector.fixture("stderr-log-statement.log");
    c.records.forEach(assembler);
    assembler.finish();
    var statements = events.stream().map(ExecutedStatement.class::cast).toList();
    assertThat(statements)
        .extracting(
            ExecutedStatement::phase,
            ExecutedStatement::text,
            ExecutedStatement::durationMs,
            ExecutedStatement::parameters)
        .containsExactly(
            tuple(Phase.SIMPLE, "select now()", 0.1, List.of()),
            tuple(Phase.EXECUTE, "update t set a = $1", 0.3, List.of("'x'")),
            tuple(Phase.SIMPLE, "select pg_sleep(1)", 1001.0, List.of()));
    assertThat(statements.get(2).origin().line()).isEqualTo(2); // where the text was logged
    // the parse and bind durations of pid 603 had no statement before them
    assertThat(assembler.unpairedDurations()).isEqualTo(2);
  }

  @Test
  void pendingStatementsAreBounded() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    int sessions = LogEventAssembler.MAX_PENDING + 10;
    for (int pid = 0; pid < sessions; pid++) {
      assembler.accept(record(pid, "statement: select " + pid));
    }
    for (int pid = 0; pid < sessions; pid++) {
      assembler.accept(record(pid, "duration: 1.000 ms"));
    }
    // the ten sessions heard from first were dropped, the others paired
    assertThat(events).hasSize(LogEventAssembler.MAX_PENDING);
    assertThat(assembler.unpairedDurations()).isEqualTo(10);
    assertThat(((ExecutedStatement) events.get(0)).text()).isEqualTo("select 10");
  }

  private static LogRecord record(int pid, String message) {
    return new LogRecord(
        null, "LOG", pid, null, null, null, null, null, null, null, message, null, null, null, null,
        "test", pid, null);
  }

  @Test
  void autoExplainPlansTextAndJson() {
    var c = LogCollector.fixture("stderr-auto-explain.log");
    var plans = c.events(ExplainedStatement.class);
    assertThat(plans).hasSize(2);
    assertThat(plans.get(0).jsonPlan()).isFalse();
    assertThat(plans.get(0).durationMs()).isEqualTo(15.0);
    assertThat(plans.get(0).queryText()).isEqualTo("select *\n  from orders\n  where id = 1");
    assertThat(plans.get(0).plan())
        .startsWith("Index Scan using orders_pkey")
        .contains("Index Cond");
    assertThat(plans.get(1).jsonPlan()).isTrue();
    assertThat(plans.get(1).queryText()).isEqualTo("select count(*) from orders");
    assertThat(plans.get(1).plan()).contains("\"Node Type\": \"Aggregate\"");
  }

  @Test
  void parametersFollowTheQuotingNotTheCommas() {
    assertThat(Parameters.parse("Parameters: $1 = 'a, $2 = b', $2 = NULL, $3 = ''''"))
        .containsExactly("'a, $2 = b'", "NULL", "''''");
    assertThat(Parameters.parse("parameters: $1 = '1'")).containsExactly("'1'");
    assertThat(Parameters.parse("Process holding the lock: 1")).isEmpty();
    assertThat(Parameters.parse(null)).isEmpty();
    // cut by the record cap: what there is is kept
    assertThat(Parameters.parse("Parameters: $1 = 'x', $2 = 'unterminated"))
        .containsExactly("'x'", "'unterminated");
  }

  @Test
  void messagesThatAreNotStatementsGiveNoStatement() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    for (String m :
        List.of(
            "duration: abc ms  statement: x",
            "duration: 1.0",
            "duration: 1.0 ms  fastpath function call: x",
            "execute",
            "checkpoint starting: time",
            "connection received: host=[local]")) {
      assembler.accept(record(1, m));
    }
    assembler.finish();
    assertThat(events).isEmpty();
  }
}
