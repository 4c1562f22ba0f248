package dev.fdbe.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.fdbe.RunStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The server's database, holding the run store, the API keys and the reference tables: the embedded
 * H2 file {@code <data-dir>/fdbe.mv.db}, or the database a JDBC URL names (PostgreSQL for several
 * instances) through a bounded HikariCP pool.
 */
final class ServerDatabase implements AutoCloseable {
  /** Serialises first-start set-up (tables, demo data, first key) across instances on PostgreSQL. */
  private static final long SETUP_LOCK_KEY = 0x6664626573L; // "fdbes"
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

  final DataSource dataSource;
  /** Where the database is, for messages (a password in the URL is masked). */
  final String description;
  private final boolean embedded;

  private ServerDatabase(DataSource dataSource, String description, boolean embedded) {
    this.dataSource = dataSource;
    this.description = description;
    this.embedded = embedded;
  }

  /**
   * The database for these settings: the JDBC URL when given, else the embedded H2 file.
   *
   * @param url a JDBC URL such as {@code jdbc:postgresql://db:5432/fdbe}, or null for the embedded file
   * @param maxConnections the pool's bound (only with a URL)
   * @param env {@code FDBE_DATABASE_USER} and {@code FDBE_DATABASE_PASSWORD}, when not in the URL
   */
  static ServerDatabase open(Path dataDir, @Nullable String url, int maxConnections, Map<String, String> env) {
    return url == null ? embedded(dataDir) : pooled(url, maxConnections, env);
  }

  /**
   * The H2 file under the data directory, opened in this process only: H2 listens on no port, and
   * its file lock keeps any other process out (fdbe's own processes first claim the directory, see
   * {@link DataDirectory}). The file is made private ({@code 0600}): it holds the API keys' hashes.
   */
  static ServerDatabase embedded(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve("fdbe");
    DataSource dataSource = RunStores.h2DataSource("jdbc:h2:" + file);
    try (Connection connection = dataSource.getConnection()) {
      DataDirectory.makeFilePrivate(file.resolveSibling("fdbe.mv.db"));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the embedded H2 database " + file + ".mv.db: " + e.getMessage(), e);
    }
    return new ServerDatabase(dataSource, "the embedded H2 database " + file + ".mv.db", true);
  }

  /**
   * A HikariCP pool of at most {@code maxConnections} on the URL. Connects once before returning, so
   * a wrong URL or password is reported at start, not at the first request.
   *
   * @throws IllegalArgumentException naming the URL when it is not a JDBC URL
   * @throws IllegalStateException naming the URL and the driver's reason when it cannot connect
   */
  static ServerDatabase pooled(String url, int maxConnections, Map<String, String> env) {
    String masked = mask(url);
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("the database URL must be a JDBC URL such as "
          + "jdbc:postgresql://host:5432/fdbe, got '" + masked + "'");
    }
    if (maxConnections < 2) {
      throw new IllegalArgumentException("the database pool needs at least 2 connections, got " + maxConnections);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("fdbe");
    config.setMaximumPoolSize(maxConnections);
    config.setMinimumIdle(Math.min(2, maxConnections));
    config.setConnectionTimeout(30_000);
    String user = env.get("FDBE_DATABASE_USER");
    if (user != null && !user.isBlank()) {
      config.setUsername(user);
    }
    String password = env.get("FDBE_DATABASE_PASSWORD");
    if (password != null && !password.isEmpty()) {
      config.setPassword(password);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot connect to the database at " + masked + ": " + cause.getMessage(), e);
    }
    return new ServerDatabase(pool, masked, false);
  }

  /** The URL with any {@code password=} value replaced by {@code ***}. */
  static String mask(String url) {
    return PASSWORD.matcher(url).replaceAll("$1***");
  }

  /** Whether this is PostgreSQL, where several instances may share the database. */
  private boolean isPostgres(Connection connection) throws SQLException {
    return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
  }

  /** Work done once on first start, under a lock other instances wait for on PostgreSQL. */
  interface SetUp<T> {
    T run() throws SQLException;
  }

  /**
   * Runs first-start set-up so that instances starting together on one PostgreSQL database do it
   * one after another: the second sees the tables, demo data and keys the first made.
   */
  <T> T setUp(SetUp<T> work) throws SQLException {
    try (Connection lock = dataSource.getConnection()) {
      boolean shared = isPostgres(lock);
      if (shared) {
        try (Statement statement = lock.createStatement()) {
          statement.execute("SELECT pg_advisory_lock(" + SETUP_LOCK_KEY + ")");
        }
      }
      try {
        return work.run();
      } finally {
        if (shared) {
          try (Statement statement = lock.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + SETUP_LOCK_KEY + ")");
          }
        }
      }
    }
  }

  /** Closes the H2 file cleanly, or the pool. */
  @Override
  public void close() {
    if (dataSource instanceof HikariDataSource pool) {
      pool.close();
      return;
    }
    if (embedded) {
      try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("SHUTDOWN");
      } catch (SQLException e) {
        // Already closed: nothing is left to flush.
      }
    }
  }
}
