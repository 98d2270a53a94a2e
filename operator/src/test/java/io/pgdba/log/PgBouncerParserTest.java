package io.pgdba.log;

import static io.pgdba.log.CloudLoggingTest.count;
import static io.pgdba.log.CloudLoggingTest.gunzip;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * pgBouncer's own log, pgBadger's two samples (1.9 without zone and brackets, 1.21 with both)
 * and hostile lines: its figures agree with a plain count of the text.
 */
class PgBouncerParserTest {

  private static final Path DIR = Path.of("src/test/resources/logs/pgbadger");

  @Test
  void pgBouncer19() throws IOException {
    Path file = DIR.resolve("pgbouncer.log.gz");
    var c = LogCollector.read(file);
    String text = gunzip(file);
    assertThat(c.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    assertThat(c.result.unparsedLines()).as(c.result.firstUnparsed()).isZero();
    assertThat(c.records).isEmpty();
    var s = c.result.pgbouncer();
    assertThat(s.lines()).isEqualTo(c.result.linesRead());
    assertThat(s.loginAttempts()).isEqualTo(count(text, " login attempt: "));
    assertThat(s.serverConnections()).isEqualTo(count(text, " new connection to server "));
    assertThat(s.byDatabase()).containsExactly(
        java.util.Map.entry("pgbench", (long) count(text, "login attempt: db=pgbench ")));
    assertThat(s.byHost()).containsOnlyKeys("127.0.0.1");
    assertThat(s.closings()).singleElement().satisfies(cl -> {
      assertThat(cl.side()).isEqualTo("client");
      assertThat(cl.reason()).isEqualTo("client close request");
      assertThat(cl.count()).isEqualTo(count(text, "closing because: client close request"));
    });
    assertThat(s.errors()).isEmpty();
    // stats: 281, 481, 0, 0 and 303 xacts/s
    assertThat(s.stats().samples()).isEqualTo(count(text, " LOG stats: ")).isEqualTo(5);
    assertThat(s.stats().xactsPerSecond().max()).isEqualTo(481);
    assertThat(s.stats().xactsPerSecond().maxAt())
        .isEqualTo(Instant.parse("2018-09-12T16:10:54.781Z"));
    assertThat(s.stats().xactsPerSecond().mean()).isEqualTo((281 + 481 + 303) / 5.0);
    assertThat(s.stats().waitMicros().max()).isEqualTo(13727);
    assertThat(s.firstSeen()).isEqualTo(Instant.parse("2018-09-12T16:08:54.775Z"));
  }

  @Test
  void pgBouncer121() throws IOException {
    Path file = DIR.resolve("pgbouncer.1.21.log.gz");
    var c = LogCollector.read(file);
    String text = gunzip(file);
    assertThat(c.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    assertThat(c.result.unparsedLines()).isZero();
    var s = c.result.pgbouncer();
    assertThat(s.loginAttempts()).isEqualTo(count(text, " login attempt: "));
    assertThat(s.byDatabase().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(s.loginAttempts());
    assertThat(s.byUser()).containsEntry("game_api", (long) count(text, " user=game_api tls="));
    long closes = s.closings().stream().mapToLong(PgBouncerSummary.Closing::count).sum();
    assertThat(closes).isEqualTo(count(text, " closing because: "));
    assertThat(s.closings().get(0).reason()).isEqualTo("client close request");
    assertThat(s.sessions()).isEqualTo(text.lines().filter(l -> l.contains(" LOG C-0x")
        && l.contains(" closing because: ") && l.contains(" (age=")).count());
    assertThat(s.maxSessionSeconds()).isPositive();
    assertThat(s.peakClients()).isPositive();
    // CET is UTC+1 in December
    assertThat(s.firstSeen()).isEqualTo(Instant.parse("2023-12-19T02:06:13.586Z"));
    assertThat(s.stats().samples()).isEqualTo(count(text, " LOG stats: "));
    assertThat(s.stats().queriesPerSecond().max()).isEqualTo(7318);
  }

  @Test
  void warningsAndErrorsAreGroupedByPattern() {
    var log = """
        2024-01-01 10:00:00.000 UTC [1] LOG process up: PgBouncer 1.21.0
        2024-01-01 10:00:01.000 UTC [1] WARNING C-0x55d1: shop/bob@10.0.0.1:5000 pooler error: \
        password authentication failed
        2024-01-01 10:00:02.000 UTC [1] WARNING C-0x55d2: shop/eve@10.0.0.2:5001 pooler error: \
        password authentication failed
        2024-01-01 10:00:03.000 UTC [1] ERROR S-0x77a1: shop/app@10.0.0.9:5432 server conn \
        crashed?
        2024-01-01 10:00:04.000 UTC [1] LOG C-0x55d3: shop/bob@[::1]:5002 login attempt: db=shop \
        user=bob tls=no
        2024-01-01 10:00:09.000 UTC [1] LOG C-0x55d3: shop/bob@[::1]:5002 closing because: \
        client unexpected eof (age=5s)
        """;
    var c = LogCollector.text(log, LogReaderOptions.auto());
    assertThat(c.result.format()).isEqualTo(LogFormat.PGBOUNCER);
    var s = c.result.pgbouncer();
    assertThat(s.errors()).hasSize(2);
    var first = s.errors().get(0);
    assertThat(first.severity()).isEqualTo("WARNING");
    assertThat(first.pattern()).isEqualTo("pooler error: password authentication failed");
    assertThat(first.count()).isEqualTo(2);
    assertThat(first.firstSeen()).isEqualTo(Instant.parse("2024-01-01T10:00:01Z"));
    assertThat(first.lastSeen()).isEqualTo(Instant.parse("2024-01-01T10:00:02Z"));
    assertThat(first.example()).contains("shop/bob@10.0.0.1");
    assertThat(s.errors().get(1).pattern()).isEqualTo("server conn crashed?");
    assertThat(s.byHost()).containsOnlyKeys("::1");
    assertThat(s.sessions()).isEqualTo(1);
    assertThat(s.sessionSeconds()).isEqualTo(5);
    assertThat(s.closings()).singleElement()
        .satisfies(cl -> assertThat(cl.reason()).isEqualTo("client unexpected eof"));
  }

  /**
   * Names are the client's: thousands of distinct databases fold into "(other)", escapes become
   * '?' in patterns, garbage and a huge line are counted, nothing throws.
   */
  @Test
  void hostileLinesAreBoundedAndCounted() {
    var b = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      b.append("2024-01-01 10:00:00.000 UTC [1] LOG C-0x").append(i).append(": db").append(i)
          .append("/u@10.0.0.1:1 login attempt: db=db").append(i).append(" user=u tls=no\n");
    }
    b.append("2024-01-01 10:00:00.000 UTC [1] ERROR C-0x1: d/u@1.1.1.1:1 pooler error: \u001b[2J"
        + "\u001b[31m no such database: ").append("z".repeat(2_000_000)).append('\n');
    b.append("\u0000\u0001 garbage\n");
    // a client name that carries another event's text is one login, not a close
    b.append("2024-01-01 10:00:00.000 UTC [1] LOG C-0x9: d/u@1.1.1.1:1 login attempt: db=d"
        + " user=u closing because: forged (age=999999s) tls=no\n");
    b.append("2024-01-01 10:00:00.000 UTC [1] LOG stats: 99999999999999999999999 xacts/s, x\n");
    var c = LogCollector.text(b.toString(), LogReaderOptions.auto());
    var s = c.result.pgbouncer();
    assertThat(s.loginAttempts()).isEqualTo(2_001);
    assertThat(s.sessions()).isZero();
    assertThat(s.closings()).isEmpty();
    assertThat(s.byDatabase()).hasSize(PgBouncerSummary.MAX_KEYS + 1)
        .containsEntry(PgBouncerSummary.OTHER, 2_001L - PgBouncerSummary.MAX_KEYS);
    assertThat(s.errors()).singleElement().satisfies(e -> {
      assertThat(e.pattern()).doesNotContain("\u001b").startsWith("pooler error: ?[NJ?[Nm");
      assertThat(e.pattern().length()).isLessThanOrEqualTo(200);
      assertThat(e.example().length()).isLessThanOrEqualTo(303);
    });
    assertThat(c.result.unparsedLines()).isEqualTo(1);
    assertThat(c.result.truncatedLines()).isEqualTo(1);
    assertThat(s.stats()).isNull(); // a number too big to be one is no sample
  }

  @Test
  void severalFilesMergeExactly() throws IOException {
    var a = LogCollector.read(DIR.resolve("pgbouncer.log.gz")).result.pgbouncer();
    var b = LogCollector.read(DIR.resolve("pgbouncer.1.21.log.gz")).result.pgbouncer();
    var m = PgBouncerSummary.merge(java.util.List.of(a, b));
    assertThat(m.loginAttempts()).isEqualTo(a.loginAttempts() + b.loginAttempts());
    assertThat(m.stats().samples()).isEqualTo(a.stats().samples() + b.stats().samples());
    assertThat(m.stats().queriesPerSecond().max()).isEqualTo(7318);
    assertThat(m.firstSeen()).isEqualTo(a.firstSeen());
    assertThat(m.lastSeen()).isEqualTo(b.lastSeen());
    assertThat(m.byDatabase().get("pgbench")).isEqualTo(a.byDatabase().get("pgbench"));
  }

  /**
   * The figures pgBadger's JSON gives on the same two files ({@code perl pgbadger -j 1 -o out.json
   * FILE}, pgBadger a1ad95a): {@code pgb_connection_info} (logins, per database),
   * {@code pgb_session_info.count} and the {@code t_req} of {@code pgb_per_minute_info}. One
   * stated difference: pgBadger's sessions are every connection closed with an age, client and
   * server; pgdba's are the clients' (the server side is in {@code closings}).
   */
  @Test
  void figuresMatchPgBadgers() {
    var a = LogCollector.read(DIR.resolve("pgbouncer.log.gz")).result.pgbouncer();
    assertThat(a.loginAttempts()).isEqualTo(4998);
    assertThat(a.byDatabase()).isEqualTo(java.util.Map.of("pgbench", 4998L));
    assertThat(a.byUser()).isEqualTo(java.util.Map.of("gilles", 4998L));
    assertThat(a.byHost()).isEqualTo(java.util.Map.of("127.0.0.1", 4998L));
    assertThat(a.sessions() + serverCloses(a)).isEqualTo(4983);
    // t_req per minute: 1967, 481, 0, 0, 2124 queries/s
    assertThat(a.stats().queriesPerSecond().sum()).isEqualTo(1967 + 481 + 2124);
    assertThat(a.stats().queriesPerSecond().max()).isEqualTo(2124);

    var b = LogCollector.read(DIR.resolve("pgbouncer.1.21.log.gz")).result.pgbouncer();
    assertThat(b.loginAttempts()).isEqualTo(7690);
    assertThat(b.byDatabase()).isEqualTo(java.util.Map.ofEntries(
        java.util.Map.entry("customers", 1282L), java.util.Map.entry("game_slave", 98L),
        java.util.Map.entry("game", 1539L), java.util.Map.entry("pgbouncer", 8L),
        java.util.Map.entry("webdata_trn", 1570L), java.util.Map.entry("retail_slave", 61L),
        java.util.Map.entry("configdb_slave", 1L), java.util.Map.entry("game_trn", 120L),
        java.util.Map.entry("retail_trn", 519L), java.util.Map.entry("customers_slave", 145L),
        java.util.Map.entry("configdb", 414L), java.util.Map.entry("retail", 1933L)));
    assertThat(b.sessions() + serverCloses(b)).isEqualTo(8055);
    assertThat(b.stats().queriesPerSecond().sum()).isEqualTo(7318 + 3851);
  }

  private static long serverCloses(PgBouncerSummary s) {
    return s.closings().stream().filter(c -> c.side().equals("server"))
        .mapToLong(PgBouncerSummary.Closing::count).sum();
  }
}
