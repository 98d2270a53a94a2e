package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

  @Test
  void onATerminalOneLineRewrittenInPlaceThenCleared() {
    var err = new StringWriter();
    var p = new ProgressPrinter(new PrintWriter(err), true, Map.of("a.log", 100_000_000L), 0);
    p.bytesRead("a.log", 25_000_000);
    p.bytesRead("a.log", 50_000_000);
    p.done();
    assertThat(err.toString())
        .startsWith("\r\033[Kpgdba: reading a.log: 25 MB of 100 MB (25%)")
        .contains("\r\033[Kpgdba: reading a.log: 50 MB of 100 MB (50%)")
        .endsWith("\r\033[K")
        .doesNotContain("\n");
  }

  @Test
  void offATerminalPlainLinesAndStdinWithoutATotal() {
    var err = new StringWriter();
    var p = new ProgressPrinter(new PrintWriter(err), false, Map.of(), 0);
    p.bytesRead("stdin", 70_000_000);
    p.done();
    assertThat(err.toString()).matches("pgdba: reading stdin: 70 MB, \\d+ s\\R");
  }

  @Test
  void smallInputsOffATerminalStaySilent() {
    var err = new StringWriter();
    var p = ProgressPrinter.forSources(new PrintWriter(err), List.of("pom.xml"));
    p.bytesRead("pom.xml", 1000);
    p.done();
    // the test's stderr is not a terminal under Maven, and pom.xml is far below the threshold
    assertThat(ProgressPrinter.stderrIsTerminal()).isFalse();
    assertThat(err.toString()).isEmpty();
  }
}
