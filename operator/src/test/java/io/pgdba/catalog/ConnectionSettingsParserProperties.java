package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a user types into {@code --db} (mistyped schemes, misplaced slashes, stray words,
 * quotes), a password in it never comes back in an error message, nor in the settings' text.
 */
class ConnectionSettingsParserProperties {

  private static final String MARKER = "Mk7Zq";

  @Provide
  Arbitrary<String> passwords() {
    return Arbitraries.strings().withChars("abcXYZ019@:/?#=%' \\,&+[]").ofMaxLength(6)
        .map(tail -> MARKER + tail);
  }

  @Provide
  Arbitrary<String> specs() {
    var scheme = Arbitraries.of("postgresql://", "postgres://", "postgresql:/", "POSTGRESQL://",
        "postgres:", "Postgres://", "postgresql:///", "postgresq://", "jdbc:postgresql://", "");
    var host = Arbitraries.of("h", "h:5432", "h:abc", "[::1]", "[::1", "[::1]x", "h1,h2", "",
        "%2Ftmp");
    var rest = Arbitraries.of("/db", "", "/db?sslmode=x", "/db?bogus=1", "/db?x", "/a/b", "#f",
        "/db?port=0");
    var uri = Combinators.combine(scheme, passwords(), host, rest)
        .as((s, pw, h, r) -> s + "u:" + pw + "@" + h + r);
    var key = Arbitraries.of("password", "passwd", "port", "sslmode", "options", "connect_timeout");
    var conninfo = Combinators.combine(key, passwords(), Arbitraries.of("", "'", " ", " x"),
        Arbitraries.of("host=h ", "", "port=1 ", "dbname "))
        .as((k, pw, q, pre) -> pre + "password=" + q + pw + (q.equals("'") ? "" : " ") + k
            + "=" + pw);
    return Arbitraries.oneOf(uri, conninfo);
  }

  @Property(tries = 2000)
  void aPasswordIsNeverInAMessage(@ForAll("specs") String spec,
      @ForAll("passwords") String envPassword) {
    var parser = new ConnectionSettingsParser(Map.of("PGPASSWORD", envPassword), "me", null,
        w -> assertThat(w).doesNotContain(MARKER));
    try {
      var settings = parser.parse(spec);
      assertThat(settings.toString()).doesNotContain(MARKER);
    } catch (ConnectionStringException e) {
      assertThat(e.getMessage()).as(spec).doesNotContain(MARKER);
      assertThat(e.getMessage()).as(spec).doesNotContain("\n");
    }
  }
}
