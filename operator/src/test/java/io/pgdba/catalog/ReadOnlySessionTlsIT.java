package io.pgdba.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgdba.catalog.TargetConnectionException.Reason;
import io.pgdba.testsupport.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sslmode=verify-full with a CA file against a server with a certificate made by the test (with
 * the openssl command; skipped where it is missing). TLS does not differ between majors: 17 only.
 */
class ReadOnlySessionTlsIT {

  @TempDir static Path dir;
  private static TestPostgres pg;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(run(List.of("openssl", "version")), "openssl is not installed");
    for (String ca : List.of("ca", "other-ca")) {
      assertThat(
              run(
                  List.of(
                      "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                      "-keyout", ca + ".key", "-out", ca + ".crt", "-subj", "/CN=pgdba " + ca)))
          .isTrue();
    }
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost\n");
    assertThat(
            run(
                List.of(
                    "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
                    "-out", "server.csr", "-subj", "/CN=localhost")))
        .isTrue();
    assertThat(
            run(
                List.of(
                    "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey",
                    "ca.key", "-CAcreateserial", "-days", "2", "-out", "server.crt", "-extfile",
                    "san.ext")))
        .isTrue();
    Files.setPosixFilePermissions(
        dir.resolve("server.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    pg =
        TestPostgres.start(
            Map.of(
                "ssl", "on",
                "ssl_cert_file", dir.resolve("server.crt").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private static boolean run(List<String> command) throws Exception {
    try {
      var p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("openssl.out").toFile())
              .start();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static ConnectionSettings target(String host, String ca) {
    return new ConnectionSettings(
        host, pg.port(), "postgres", "postgres", "postgres", "verify-full", dir.resolve(ca), 5);
  }

  @Test
  void verifyFullWithTheRightCaConnectsOverTls() throws Exception {
    try (Connection c = ReadOnlySession.open(target("localhost", "ca.crt"));
        var rs =
            c.createStatement()
                .executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isTrue();
    }
  }

  @Test
  void anotherCaOrAnotherHostNameIsAnSslError() {
    assertThatThrownBy(() -> ReadOnlySession.open(target("localhost", "other-ca.crt")))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.SSL);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "cannot connect to localhost:"
                          + pg.port()
                          + " with sslmode=verify-full: the server certificate is not signed by"
                          + " the given CA (sslrootcert)");
            });
    // The certificate names localhost only: 127.0.0.1 fails the host name check of verify-full.
    assertThatThrownBy(() -> ReadOnlySession.open(target("127.0.0.1", "ca.crt")))
        .isInstanceOfSatisfying(
            TargetConnectionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.SSL);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "cannot connect to 127.0.0.1:"
                          + pg.port()
                          + " with sslmode=verify-full: the server certificate does not name"
                          + " host 127.0.0.1");
            });
  }
}
