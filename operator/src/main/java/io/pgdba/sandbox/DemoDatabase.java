package io.pgdba.sandbox;

import io.pgdba.ddl.Identifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Random;
import javax.sql.DataSource;

/**
 * The sandbox's PostgreSQL: an embedded server that logs every statement to a file, with a small
 * shop schema that lacks the indexes its workload needs.
 */
public final class DemoDatabase implements AutoCloseable {

  public static final String DATABASE = "shop";
  public static final String APP_USER = "shop_app";
  public static final String READER_USER = "pgdba_reader";
  public static final String DDL_USER = "pgdba_ddl";

  private final EmbeddedPostgres pg;
  private final Path logFile;
  private final String readerPassword;
  private final String ddlPassword;

  private DemoDatabase(EmbeddedPostgres pg, Path logFile, String readerPw, String ddlPw) {
    this.pg = pg;
    this.logFile = logFile;
    this.readerPassword = readerPw;
    this.ddlPassword = ddlPw;
  }

  /**
   * Starts the server in a fresh data directory ({@code port} 0: any free one) and creates the
   * schema, data and roles.
   */
  public static DemoDatabase start(Path dataDir, int port, String readerPassword,
      String ddlPassword) throws IOException, SQLException {
    Files.createDirectories(dataDir);
    var builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(true);
    if (port != 0) {
      builder.setPort(port);
    }
    var pg =
        builder
            .setServerConfig("logging_collector", "on")
            .setServerConfig("log_directory", "log")
            .setServerConfig("log_filename", "postgresql.log")
            // quoted: the embedded server's options pass through a shell
            .setServerConfig("log_line_prefix", "'%m [%p] %q%u@%d/%a '")
            .setServerConfig("log_checkpoints", "on")
            .setServerConfig("log_connections", "on")
            .setServerConfig("log_disconnections", "on")
            .setServerConfig("log_temp_files", "0")
            .start();
    var db =
        new DemoDatabase(
            pg, dataDir.resolve("log").resolve("postgresql.log"), readerPassword, ddlPassword);
    db.createSchema();
    return db;
  }

  /**
   * A database of this server for pgdba's history, the sandbox's default store (in a cluster it
   * is a database the user names, never the analyzed one).
   */
  public DataSource historyDataSource() throws SQLException {
    try (var c = connectAsSuperuser("postgres"); var s = c.createStatement()) {
      s.execute("CREATE DATABASE pgdba_history");
    }
    return pg.getDatabase("postgres", "pgdba_history");
  }

  public int port() {
    return pg.getPort();
  }

  /** The file PostgreSQL logs into; served as the pod's container log. */
  public Path logFile() {
    return logFile;
  }

  public String readerPassword() {
    return readerPassword;
  }

  public String ddlPassword() {
    return ddlPassword;
  }

  /** A superuser connection, for the sandbox's own setup and for showing query plans. */
  public Connection connectAsSuperuser(String database) throws SQLException {
    return DriverManager.getConnection(pg.getJdbcUrl("postgres", database), "postgres", "postgres");
  }

  private void createSchema() throws SQLException {
    try (var c = connectAsSuperuser("postgres"); var s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
      s.execute("CREATE ROLE " + APP_USER + " LOGIN PASSWORD 'shop'");
      s.execute("CREATE ROLE " + READER_USER + " LOGIN PASSWORD " + Identifiers.literal(readerPassword));
      s.execute("GRANT pg_read_all_stats, pg_read_all_data TO " + READER_USER);
      s.execute("CREATE ROLE " + DDL_USER + " LOGIN PASSWORD " + Identifiers.literal(ddlPassword));
    }
    try (var c = connectAsSuperuser(DATABASE); var s = c.createStatement()) {
      s.execute(
          """
          CREATE TABLE customers (
            id bigint PRIMARY KEY,
            email text NOT NULL,
            name text NOT NULL,
            country text NOT NULL,
            created_at timestamptz NOT NULL
          );
          CREATE TABLE orders (
            id bigint PRIMARY KEY,
            customer_id bigint NOT NULL,
            status text NOT NULL,
            total_cents integer NOT NULL,
            created_at timestamptz NOT NULL
          );
          INSERT INTO customers
            SELECT g, 'user' || g || '@example.com', 'Customer ' || g,
                   (ARRAY['DE','FR','US','JP','BR'])[1 + g % 5],
                   now() - (g % 1000) * interval '1 day'
            FROM generate_series(1, 50000) g;
          INSERT INTO orders
            SELECT g, 1 + (g::bigint * 7919) % 50000,
                   CASE WHEN g % 500 = 0 THEN 'pending' WHEN g % 10 = 0 THEN 'cancelled'
                        ELSE 'shipped' END,
                   (g * 31) % 20000,
                   now() - (g % 720) * interval '1 hour'
            FROM generate_series(1, 300000) g;
          -- after the load: one check of all the rows, not a trigger call per inserted row
          ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers(id);
          ANALYZE customers;
          ANALYZE orders;
          """);
      s.execute("GRANT USAGE ON SCHEMA public TO " + APP_USER + ", " + DDL_USER);
      s.execute("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO " + APP_USER);
      // building an index needs ownership: the DDL role owns the tables it may index
      s.execute("ALTER TABLE customers OWNER TO " + DDL_USER);
      s.execute("ALTER TABLE orders OWNER TO " + DDL_USER);
      s.execute("GRANT CREATE ON SCHEMA public TO " + DDL_USER);
    }
    // Statements are logged from here on, and only the application's: the log is the shop's
    // workload, not the sandbox's own setup (CREATE DATABASE, the generate_series inserts).
    try (var c = connectAsSuperuser("postgres"); var s = c.createStatement()) {
      s.execute("ALTER ROLE " + APP_USER + " SET log_min_duration_statement = 0");
    }
  }

  /**
   * Runs the application's workload: lookups of a customer's orders by customer id, pending
   * orders, and customers by email, each with varying literals, as the app user.
   */
  public void runWorkload(int rounds) throws SQLException {
    var random = new Random(42);
    try (Connection c =
            DriverManager.getConnection(
                pg.getJdbcUrl(APP_USER, DATABASE) + "&ApplicationName=shop-web", APP_USER, "shop");
        var byCustomer =
            c.prepareStatement(
                "SELECT id, status, total_cents FROM orders WHERE customer_id = ?"
                    + " ORDER BY created_at DESC LIMIT 20");
        var byEmail = c.prepareStatement("SELECT id, name FROM customers WHERE email = ?");
        var s = c.createStatement()) {
      for (int i = 0; i < rounds; i++) {
        byCustomer.setLong(1, 1 + random.nextInt(50_000));
        byCustomer.executeQuery().close();
        byEmail.setString(1, "user" + (1 + random.nextInt(50_000)) + "@example.com");
        byEmail.executeQuery().close();
        if (i % 5 == 0) {
          s.executeQuery(
                  "SELECT id, customer_id, created_at FROM orders WHERE status = 'pending'"
                      + " ORDER BY created_at LIMIT 50")
              .close();
        }
        if (i % 10 == 0) {
          s.executeQuery("SELECT country, count(*) FROM customers GROUP BY country").close();
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    pg.close();
  }
}
