package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import java.util.ArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The assembler's fast path against its reference on logged (attacker-controlled) text: the
 * duration read without a substring ({@code plainDecimal}) against {@link Double#parseDouble}.
 */
class LogEventAssemblerProperties {

  @Provide
  Arbitrary<String> decimals() {
    Arbitrary<String> digits = Arbitraries.strings().withChars("0123456789").ofMinLength(1)
        .ofMaxLength(25);
    Arbitrary<String> piece = Arbitraries.of(".", "_", "-", "+", "e", "E", "1e3", "NaN",
        "Infinity", "0x1p3", "\u0661", "\u0000", " ", "d", "f");
    return Arbitraries.oneOf(digits, digits, piece, Arbitraries.strings().ofMaxLength(4))
        .list()
        .ofMaxSize(5)
        .map(parts -> String.join("", parts));
  }

  /** NaN means "the slow path decides"; any other value is exactly parseDouble's. */
  @Property(tries = 3000)
  void plainDecimalIsParseDoubleOrNothing(@ForAll("decimals") String value) {
    String message = "duration: " + value + " ms";
    double fast = LogEventAssembler.plainDecimal(message, 10, 10 + value.length());
    if (!Double.isNaN(fast)) {
      assertThat(fast).as(value).isEqualTo(Double.parseDouble(value));
    }
  }

  /** A duration forged inside a statement is text, never a second event or another duration. */
  @Example
  void forgedDurationsInsideAStatementAreText() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    String forged = "select 'x\nduration: 99999 ms  statement: drop table t' -- duration: 5 ms";
    assembler.accept(record("duration: 1.25 ms  statement: " + forged));
    assembler.accept(record("duration: 99999999999999999999.5 ms  execute S_1: " + forged));
    assembler.accept(record("duration: \u0661 ms  execute S_1: select 1"));
    assertThat(events).hasSize(2);
    var first = (ExecutedStatement) events.get(0);
    assertThat(first.durationMs()).isEqualTo(1.25);
    assertThat(first.text()).isEqualTo(forged);
    var second = (ExecutedStatement) events.get(1);
    assertThat(second.durationMs()).isEqualTo(Double.parseDouble("99999999999999999999.5"));
    assertThat(second.preparedName()).isEqualTo("S_1");
    assertThat(second.text()).isEqualTo(forged);
  }

  @Example
  void aMegabyteStatementWithNulsAndForgedDurations() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    String text = ("select '\u0000 duration: 1 ms  statement: x' \u00E9 ").repeat(1 << 15);
    assembler.accept(record("duration: 0.5 ms  execute <unnamed>: " + text));
    assembler.accept(record("duration: " + "9".repeat(1 << 20) + " ms  statement: select 1"));
    assertThat(events).hasSize(2);
    assertThat(((ExecutedStatement) events.get(0)).text()).isEqualTo(text);
    assertThat(((ExecutedStatement) events.get(1)).durationMs())
        .isEqualTo(Double.parseDouble("9".repeat(1 << 20)));
  }

  private static LogRecord record(String message) {
    return new LogRecord(
        null, "LOG", 1, null, null, null, null, null, null, null, message, null, null, null, null,
        "test", 1, null);
  }
}
