package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReadOnlySessionTest {

  private static final String PASSWORD = "Zq9-distinctive-S3cret";

  @Test
  void passwordTravelsInPropertiesNeverInTheUrl() {
    var target =
        new ConnectionSettings(
            "::1", 6432, "my db/x", "app", PASSWORD, "verify-full", Path.of("/ca.pem"), 0);
    String url = ReadOnlySession.url(target);
    assertThat(url).isEqualTo("jdbc:postgresql://[::1]:6432/my+db%2Fx").doesNotContain(PASSWORD);
    var p =
        ReadOnlySession.properties(
            target, SessionOptions.defaults().withStatementTimeout(Duration.ofSeconds(5)));
    assertThat(p.getProperty("password")).isEqualTo(PASSWORD);
    assertThat(p.getProperty("user")).isEqualTo("app");
    assertThat(p.getProperty("sslmode")).isEqualTo("verify-full");
    assertThat(p.getProperty("sslrootcert")).isEqualTo("/ca.pem");
    assertThat(p.getProperty("options"))
        .isEqualTo(
            "-c default_transaction_read_only=on -c statement_timeout=5000 -c lock_timeout=2000");
    assertThat(p.getProperty("readOnly")).isEqualTo("true");
    assertThat(p.getProperty("readOnlyMode")).isEqualTo("always");
    assertThat(p.getProperty("ApplicationName")).isEqualTo("pgdba");
    // No connect_timeout in the settings: the session default (10 s) applies.
    assertThat(p.getProperty("connectTimeout")).isEqualTo("10");
    // SafeExplain relies on one command per Parse message: never the simple protocol.
    assertThat(p.getProperty("preferQueryMode")).isEqualTo("extended");
  }

  @Test
  void scrubsThePasswordFromAnyMessage() {
    assertThat(TargetConnectionException.scrub("x " + PASSWORD + " y", PASSWORD))
        .isEqualTo("x ******** y");
    assertThat(TargetConnectionException.scrub("nothing", null)).isEqualTo("nothing");
  }
}
