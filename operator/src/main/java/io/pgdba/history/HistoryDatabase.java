package io.pgdba.history;

import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.catalog.ConnectionSettingsParser;
import io.pgdba.catalog.ConnectionStringException;
import io.pgdba.catalog.JdbcTarget;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where history lives: a PostgreSQL database the user names (a URI or conninfo, as {@code --db}),
 * or, for a DBA on a laptop, a directory in which pgdba keeps an embedded PostgreSQL of its own
 * (started for the run, stopped after; no server to install).
 */
public final class HistoryDatabase implements AutoCloseable {

  private final DataSource dataSource;
  private final EmbeddedPostgres embedded;
  private final String description;

  private HistoryDatabase(DataSource dataSource, EmbeddedPostgres embedded, String description) {
    this.dataSource = dataSource;
    this.embedded = embedded;
    this.description = description;
  }

  /** True for a URI or a conninfo string, false for a directory. */
  public static boolean isConnectionString(String spec) {
    var lower = spec.strip().toLowerCase(Locale.ROOT);
    return lower.startsWith("postgresql:") || lower.startsWith("postgres:")
        || lower.matches("^[a-z_]+\\s*=.*");
  }

  /** Opens the database named by {@code spec}; {@code parser} reads connection strings. */
  public static HistoryDatabase open(String spec, ConnectionSettingsParser parser)
      throws HistoryException {
    if (isConnectionString(spec)) {
      ConnectionSettings settings;
      try {
        settings = parser.parse(spec);
      } catch (ConnectionStringException e) {
        throw new HistoryException("--history: " + e.getMessage());
      }
      var ds = new PGSimpleDataSource();
      ds.setURL(JdbcTarget.url(settings));
      // a run's thousands of rows go as multi-row INSERTs: a fraction of the round trips to a
      // store across the network (no batch reads its update counts)
      ds.setReWriteBatchedInserts(true);
      try {
        for (var p : JdbcTarget.properties(settings, "pgdba-history", 10).entrySet()) {
          ds.setProperty(p.getKey().toString(), p.getValue().toString());
        }
      } catch (SQLException e) {
        throw new HistoryException("--history: " + Messages.firstLine(e.getMessage()));
      }
      return new HistoryDatabase(ds, null,
          settings.database() + " on " + settings.host() + ":" + settings.port());
    }
    return openDirectory(Path.of(expandHome(spec)));
  }

  private static HistoryDatabase openDirectory(Path dir) throws HistoryException {
    try {
      Files.createDirectories(dir);
      try {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the user's own permissions apply
      }
      var pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir.resolve("pgdata"))
          .setCleanDataDirectory(false)
          // only this machine; the server runs while pgdba does
          .setServerConfig("listen_addresses", "localhost")
          .start();
      return new HistoryDatabase(pg.getPostgresDatabase(), pg, dir.toString());
    } catch (IOException | RuntimeException e) {
      throw new HistoryException("--history " + dir + ": cannot start the embedded history"
          + " database: " + Messages.firstLine(e.getMessage())
          + (String.valueOf(e.getMessage()).contains("lock")
              ? " (another pgdba is using it)" : ""));
    }
  }

  private static String expandHome(String spec) {
    if (spec.equals("~") || spec.startsWith("~/")) {
      return System.getProperty("user.home") + spec.substring(1);
    }
    return spec;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Where it is, for messages: a directory, or database, host and port (never a password). */
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
