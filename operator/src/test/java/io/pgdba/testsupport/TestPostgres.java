package io.pgdba.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

/**
 * A real PostgreSQL server for a test class (embedded binaries from Maven Central, started as any
 * user). Start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 */
public final class TestPostgres implements AutoCloseable {

  private final EmbeddedPostgres pg;
  private final Path dataDir;

  private TestPostgres(EmbeddedPostgres pg, Path dataDir) {
    this.pg = pg;
    this.dataDir = dataDir;
  }

  /** Starts a server with the given extra {@code postgresql.conf} settings. */
  public static TestPostgres start(Map<String, String> serverConfig) {
    try {
      Path dataDir = Files.createTempDirectory("pgdba-test-pg");
      var builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true);
      serverConfig.forEach(builder::setServerConfig);
      return new TestPostgres(builder.start(), dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TestPostgres start() {
    return start(Map.of());
  }

  public int port() {
    return pg.getPort();
  }

  /** The data directory, where {@code log/} is when the logging collector is on. */
  public Path dataDirectory() {
    return dataDir;
  }

  public String jdbcUrl(String database) {
    return pg.getJdbcUrl("postgres", database);
  }

  /** A new connection as superuser {@code postgres} to {@code database}. */
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), "postgres", "postgres");
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
