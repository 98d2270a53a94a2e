package io.pgdba.cli;

import static io.pgdba.cli.AnalyzeCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log of which no line could be read fails the run with one line saying what the file looks
 * like; partial damage still gives a result, exit 0, with the count.
 */
class UnreadableLogExitTest {

  @Test
  void pgBouncersLogIsReadAsPgBouncersNotAsAnUnreadableServerLog(@TempDir Path dir)
      throws IOException {
    var log = write(dir, "bouncer.log",
        "2018-09-12 16:08:54.775 3392 LOG file descriptor limit: 1024 (H:4096)\n"
            + "2018-09-12 16:08:54.776 3394 LOG listening on 127.0.0.1:6432\n");
    var r = run("analyze", "--log", log.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("pgBouncer: 2 lines");
    // given as a server log, it still says what it is
    var forced = run("analyze", "--log", log.toString(), "--log-format", "stderr");
    assertThat(forced.exit()).isEqualTo(1);
    assertThat(forced.err().strip())
        .isEqualTo("pgdba: " + log + ": none of its 2 lines could be read: this looks like"
            + " pgBouncer's log, not PostgreSQL's")
        .doesNotContain("\n");
    assertThat(forced.out()).isEmpty();
  }

  @Test
  void binaryDataIsNamed(@TempDir Path dir) throws IOException {
    var log = dir.resolve("data.bin");
    byte[] bytes = new byte[4096];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    Files.write(log, bytes);
    var r = run("analyze", "--log", log.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("none of its", "this looks like binary data");
  }

  @Test
  void aTimeWithoutASeverityAsksForThePrefix(@TempDir Path dir) throws IOException {
    var log = write(dir, "odd.log", "2024-05-01 10:00:00 UTC something else\n");
    var r = run("analyze", "--log", log.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("no LOG:, ERROR:... follows; give the prefix");
  }

  @Test
  void partialDamageStillGivesAResult(@TempDir Path dir) throws IOException {
    var log = write(dir, "damaged.log",
        "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 1.000 ms  statement: select 1\n"
            + "\u0001\u0002garbage\n"
            + "2024-05-01 10:00:01.000 UTC [7] LOG:  duration: 2.000 ms  statement: select 2\n");
    var r = run("analyze", "--log", log.toString(), "--output", "json");
    assertThat(r.exit()).isEqualTo(0);
    assertThat(r.out()).contains("\"unparsedLines\" : 1").contains("\"statements\" : 2");
  }

  @Test
  void oneReadableSourceAmongUnreadableOnesIsAResult(@TempDir Path dir) throws IOException {
    var good = write(dir, "good.log",
        "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 1.000 ms  statement: select 1\n");
    var bad = write(dir, "bad.log", "2018-09-12 16:08:54.776 3394 LOG listening on x\n");
    var r = run("analyze", "--log", good.toString(), "--log", bad.toString());
    assertThat(r.exit()).isEqualTo(0);
  }

  @Test
  void durationsWithoutAStatementAreCountedNotDropped(@TempDir Path dir) throws IOException {
    var log = write(dir, "durations.log",
        "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 1_000 ms\n"
            + "2024-05-01 10:00:00.000 UTC [7] LOG:  duration: 12.500 ms\n"
            + "2024-05-01 10:00:01.000 UTC [8] LOG:  duration: 1_000.5 ms  statement: select 1\n");
    var r = run("analyze", "--log", log.toString(), "--output", "json");
    assertThat(r.exit()).isEqualTo(0);
    assertThat(r.out()).contains("\"statements\" : 1").contains("\"totalTimeMs\" : 1000.5")
        .contains("2 duration lines had no statement to belong to");
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }
}
