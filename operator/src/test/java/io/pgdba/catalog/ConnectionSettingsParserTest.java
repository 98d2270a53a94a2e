package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSettingsParserTest {

  @TempDir Path home;
  private final List<String> warnings = new ArrayList<>();

  private ConnectionSettingsParser parser(Map<String, String> env) {
    return new ConnectionSettingsParser(env, "osuser", home, warnings::add);
  }

  private ConnectionSettings parse(String spec) {
    return parser(Map.of()).parse(spec);
  }

  @Test
  void fullUriWithPercentDecodingAndParameters() {
    var s =
        parse(
            "postgresql://app%40corp:p%3As%2Fw%20rd+x@db.example:6432/my%20db"
                + "?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&connect_timeout=7"
                + "&application_name=psql");
    assertThat(s.user()).isEqualTo("app@corp");
    assertThat(s.password()).isEqualTo("p:s/w rd+x");
    assertThat(s.host()).isEqualTo("db.example");
    assertThat(s.port()).isEqualTo(6432);
    assertThat(s.database()).isEqualTo("my db");
    assertThat(s.sslMode()).isEqualTo("verify-full");
    assertThat(s.sslRootCert()).isEqualTo(Path.of("/etc/ca.pem"));
    assertThat(s.connectTimeoutSeconds()).isEqualTo(7);
  }

  @Test
  void postgresSchemeIpv6AndDefaults() {
    var s = parse("postgres://[::1]:5433");
    assertThat(s.host()).isEqualTo("::1");
    assertThat(s.port()).isEqualTo(5433);
    assertThat(s.user()).isEqualTo("osuser");
    assertThat(s.database()).isEqualTo("osuser");
    assertThat(s.sslMode()).isEqualTo("prefer");
    assertThat(parse("postgresql://[2001:db8::7]/x").host()).isEqualTo("2001:db8::7");
    var bare = parse("postgresql://");
    assertThat(bare.host()).isEqualTo("localhost");
    assertThat(bare.port()).isEqualTo(5432);
  }

  @Test
  void uriParametersOverrideTheAuthorityLikeLibpq() {
    var s = parse("postgresql:///shop?host=h2&port=7000&user=u2");
    assertThat(s.host()).isEqualTo("h2");
    assertThat(s.port()).isEqualTo(7000);
    assertThat(s.user()).isEqualTo("u2");
    assertThat(s.database()).isEqualTo("shop");
  }

  @Test
  void malformedUrisGiveOneLineMessagesWithoutThePassword() {
    assertThatThrownBy(() -> parse("postgresql://u:Secr3t-Xyz@host:abc/db"))
        .isInstanceOf(ConnectionStringException.class)
        .hasMessage("invalid connection URI: the port is not a number");
    assertThatThrownBy(() -> parse("postgresql://u:Secr3t-Xyz@[::1/db"))
        .hasMessageContaining("missing \"]\"")
        .hasMessageNotContaining("Secr3t");
    assertThatThrownBy(() -> parse("postgresql://u:Secr3t%zz@h/db"))
        .hasMessage("invalid connection URI: bad percent-encoding in the password");
    assertThatThrownBy(() -> parse("postgresql://h/db?bogus=1"))
        .hasMessage("invalid connection option \"bogus\" (URI parameter)");
    assertThatThrownBy(() -> parse("postgresql://h/db?sslcert=x"))
        .hasMessage("connection option \"sslcert\" (URI parameter) is not supported by pgdba");
    assertThatThrownBy(() -> parse("postgresql://h/db?sslmode=maybe"))
        .hasMessageStartingWith("invalid sslmode: expected disable");
    assertThatThrownBy(() -> parse("postgresql://h1,h2/db")).hasMessageContaining("several hosts");
    assertThatThrownBy(() -> parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db"))
        .hasMessageContaining("Unix-domain socket");
    assertThatThrownBy(() -> parse("postgresql://h:70000/db"))
        .hasMessage("invalid port: expected a number from 1 to 65535");
  }

  @Test
  void conninfoWithQuotesEscapesAndSpaces() {
    var s =
        parse(
            "host=db.example port = 6000 dbname='my shop' user=o\\'brien"
                + " password='it\\'s a \\\\ secret' sslmode=require");
    assertThat(s.host()).isEqualTo("db.example");
    assertThat(s.port()).isEqualTo(6000);
    assertThat(s.database()).isEqualTo("my shop");
    assertThat(s.user()).isEqualTo("o'brien");
    assertThat(s.password()).isEqualTo("it's a \\ secret");
    assertThat(s.sslMode()).isEqualTo("require");
  }

  @Test
  void malformedConninfo() {
    assertThatThrownBy(() -> parse("host=h dbname"))
        .isInstanceOf(ConnectionStringException.class)
        .hasMessage("invalid connection string: missing \"=\" after \"dbname\"");
    assertThatThrownBy(() -> parse("host=h password='Secr3t-Xyz"))
        .hasMessage("invalid connection string: unterminated quoted value of \"password\"");
    assertThatThrownBy(() -> parse("hots=h"))
        .hasMessage("invalid connection option \"hots\" (connection string)");
  }

  @Test
  void environmentFillsWhatTheSpecLeavesOut() {
    var env = new HashMap<String, String>();
    env.put("PGHOST", "envhost");
    env.put("PGPORT", "5555");
    env.put("PGUSER", "envuser");
    env.put("PGPASSWORD", "envpw");
    env.put("PGDATABASE", "envdb");
    env.put("PGSSLMODE", "verify-ca");
    env.put("PGSSLROOTCERT", "/ca.crt");
    env.put("PGCONNECT_TIMEOUT", "3");
    var fromEnv = parser(env).parse(null);
    assertThat(fromEnv)
        .isEqualTo(
            new ConnectionSettings(
                "envhost", 5555, "envdb", "envuser", "envpw", "verify-ca", Path.of("/ca.crt"), 3));
    var mixed = parser(env).parse("postgresql://other/db2");
    assertThat(mixed.host()).isEqualTo("other");
    assertThat(mixed.database()).isEqualTo("db2");
    assertThat(mixed.port()).isEqualTo(5555);
    assertThat(mixed.user()).isEqualTo("envuser");
    assertThatThrownBy(() -> parser(Map.of("PGPORT", "x")).parse(""))
        .hasMessage("invalid port: expected a number from 1 to 65535");
  }

  @Test
  void pgpassWithWildcardsAndEscapes() throws Exception {
    Path pgpass = home.resolve(".pgpass");
    Files.writeString(
        pgpass,
        String.join(
            "\n",
            "# comment",
            "other:*:*:*:nope",
            "db\\:x:5432:shop:app:colon\\:pass\\\\word",
            "db.example:*:*:app:wild",
            "*:*:*:*:fallback",
            ""));
    Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
    var p = parser(Map.of());
    assertThat(p.parse("host=db:x dbname=shop user=app").password()).isEqualTo("colon:pass\\word");
    assertThat(p.parse("postgresql://app@db.example:7777/any").password()).isEqualTo("wild");
    assertThat(p.parse("postgresql://bob@elsewhere/any").password()).isEqualTo("fallback");
    // An explicit password wins over the file.
    assertThat(p.parse("postgresql://app:given@db.example/any").password()).isEqualTo("given");
    assertThat(warnings).isEmpty();
  }

  @Test
  void pgpassfileVariableAndLoosePermissionsLikeLibpq() throws Exception {
    Path other = home.resolve("custom-pass");
    Files.writeString(other, "*:*:*:*:from-custom\n");
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(home.resolve(".pgpass"), "*:*:*:*:from-home\n");
    Files.setPosixFilePermissions(
        home.resolve(".pgpass"), PosixFilePermissions.fromString("rw-------"));
    var env = Map.of("PGPASSFILE", other.toString());
    assertThat(parser(env).parse("host=h").password()).isEqualTo("from-custom");
    // PGPASSWORD beats the file.
    assertThat(parser(Map.of("PGPASSWORD", "env")).parse("host=h").password()).isEqualTo("env");

    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(parser(env).parse("host=h").password()).isNull();
    assertThat(warnings)
        .singleElement()
        .satisfies(w -> assertThat(w).contains("group or world access").contains("ignored"));
  }

  @Test
  void toStringHidesThePassword() {
    var s = parse("postgresql://u:Secr3t-Xyz@h/db");
    assertThat(s.toString()).doesNotContain("Secr3t").contains("password=********");
  }

  @Test
  void mistypedSchemesNeverEchoThePassword() {
    for (String spec : new String[] {
        "postgresql:/user:Secr3t-Xyz@host/db", "POSTGRESQL://user:Secr3t-Xyz@host/db",
        "postgres:user:Secr3t-Xyz@host/db", "Postgres://user:Secr3t-Xyz@host/db",
        "postgresq://user:Secr3t-Xyz@host/db",
        "jdbc:postgresql://host/db?user=u&password=Secr3t-Xyz"}) {
      assertThatThrownBy(() -> parse(spec)).as(spec)
          .isInstanceOf(ConnectionStringException.class)
          .hasMessageNotContaining("Secr3t")
          .hasMessageContaining("postgresql://");
    }
  }

  @Test
  void aPasswordInAnyPositionOfAMalformedSpecIsNeverEchoed() {
    for (String spec : new String[] {
        "postgresql://u:Secr3t-Xyz/db@host", "postgresql:///u:Secr3t-Xyz@h/db",
        "postgresql://u:Secr3t-Xyz@h:Secr3t-Xyz/db",
        "postgresql://u:Secr3t-Xyz@[::1]Secr3t-Xyz/db", "postgresql://u:Secr3t-Xyz@h1,h2/db",
        "postgresql://h/db?Secr3t-Xyz", "postgresql://h/db?Secr3t-Xyz=1",
        "host=h password=Secr3t Xyz", "host=h password=Secr3t-Xyz port=Secr3t-Xyz",
        "password='Secr3t-Xyz", "host=h Secr3t-Xyz", "host=h,Secr3t-Xyz password=Secr3t-Xyz"}) {
      assertThatThrownBy(() -> parse(spec)).as(spec)
          .isInstanceOf(ConnectionStringException.class)
          .hasMessageNotContaining("Secr3t").hasMessageNotContaining("Xyz");
    }
    var env = Map.of("PGPASSWORD", "Secr3t-Env", "PGPORT", "Secr3t-Env");
    assertThatThrownBy(() -> parser(env).parse("host=h"))
        .hasMessageNotContaining("Secr3t");
  }
}
