package io.pgdba.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgdba.log.LogEvent.ExecutedStatement;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The assembler's fast paths against their reference on logged (attacker-controlled) text: the
 * duration read without a substring ({@code plainDecimal}) against {@link Double#parseDouble},
 * and the prepared-statement names served from a cache against {@link String#substring}.
 */
class LogEventAssemblerProperties {

  private static final List<String> NAME_PIECES =
      List.of("S_1", "S_2", "S_1/C_2", "<unnamed>", "fetch from ", "C_", "1", "2", "\u0000",
          "\u00E9", "\u212A", "\uD83D\uDE00", "\uFFFD", " ", ":", ": ", "$1", "duration: 1 ms");

  @Provide
  Arbitrary<List<String>> names() {
    Arbitrary<String> piece = Arbitraries.of(NAME_PIECES);
    Arbitrary<String> noise = Arbitraries.strings().ofMaxLength(6);
    return Arbitraries.oneOf(piece, piece, piece, noise)
        .list()
        .ofMaxSize(12)
        .map(parts -> String.join("", parts))
        .list()
        .ofMaxSize(40);
  }

  /** Names that collide in the cache (same length, one character apart) come back as logged. */
  @Property(tries = 300)
  void cachedNamesAreTheSubstring(@ForAll("names") List<String> names) {
    var assembler = new LogEventAssembler(e -> {});
    for (int round = 0; round < 3; round++) {
      for (String name : names) {
        String message = "duration: 1 ms  execute " + name + ": select 1";
        int from = "duration: 1 ms  execute ".length();
        int to = message.indexOf(": ", from);
        if (to < 0) {
          continue;
        }
        assertThat(assembler.name(message, from, to)).isEqualTo(message.substring(from, to));
      }
    }
  }

  @Property(tries = 300)
  void namesOfAnyText(@ForAll List<String> texts) {
    var assembler = new LogEventAssembler(e -> {});
    for (String t : texts) {
      for (int from = 0; from <= t.length(); from += Math.max(1, t.length() / 3)) {
        assertThat(assembler.name(t, from, t.length())).isEqualTo(t.substring(from));
        assertThat(assembler.name(t, 0, from)).isEqualTo(t.substring(0, from));
      }
    }
  }

  @Example
  void sameLengthNamesStayApart() {
    var events = new ArrayList<LogEvent>();
    var assembler = new LogEventAssembler(events::add);
    for (int i = 0; i < 2000; i++) {
      String name = "S_" + (i % 700);
      assembler.accept(record("duration: 1 ms  execute " + name + ": select " + i));
      assertThat(((ExecutedStatement) events.get(i)).preparedName()).isEqualTo(name);
    }
    String big = "S".repeat(1 << 20);
    assembler.accept(record("duration: 1 ms  execute " + big + ": select 1"));
    assertThat(((ExecutedStatement) events.get(2000)).preparedName()).isEqualTo(big);
  }

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

  private static LogRecord record(String message) {
    return new LogRecord(
        null, "LOG", 1, null, null, null, null, null, null, null, message, null, null, null, null,
        "test", 1);
  }
}
