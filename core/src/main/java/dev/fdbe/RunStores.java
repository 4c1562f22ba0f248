package dev.fdbe;

import dev.fdbe.internal.store.InMemoryRunStore;
import dev.fdbe.internal.store.JdbcRunStore;
import dev.fdbe.spi.RunStore;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;

/** The run stores that ship with fdbe. */
public final class RunStores {
  /** A store in this process's memory, for tests and offline use; everything is lost on exit. */
  public static RunStore inMemory() {
    return new InMemoryRunStore();
  }

  /**
   * A store on an H2 or PostgreSQL database; its tables are created or upgraded now. For
   * PostgreSQL pass a pooled data source (e.g. HikariCP); engines in several processes may share it.
   *
   * @throws IllegalArgumentException when the database is neither H2 nor PostgreSQL
   * @throws ExportException when the database cannot be reached or migrated
   */
  public static RunStore jdbc(DataSource dataSource) {
    return JdbcRunStore.open(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * A store in an embedded H2 database file {@code <directory>/fdbe.mv.db}, the default for a
   * single process. Needs {@code com.h2database:h2} on the class path.
   *
   * @throws IllegalStateException when H2 is not on the class path
   */
  public static RunStore h2(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return jdbc(h2DataSource("jdbc:h2:" + directory.toAbsolutePath().resolve("fdbe")));
  }

  /**
   * A pooled data source for an embedded H2 database URL, e.g. {@code jdbc:h2:./data/fdbe} or
   * {@code jdbc:h2:mem:test}. Unless the URL says otherwise: the database stays open while the
   * process lives ({@code DB_CLOSE_DELAY=-1}), H2's own shutdown hook does not close it under an
   * engine that is still shutting down gracefully ({@code DB_CLOSE_ON_EXIT=FALSE}, except with
   * {@code AUTO_SERVER=TRUE}, which H2 does not allow with it; run {@code SHUTDOWN} to close it),
   * and a file database writes every commit at once
   * ({@code WRITE_DELAY=0}), so that a run acknowledged as created survives the process dying right
   * after.
   *
   * @throws IllegalStateException when H2 is not on the class path
   */
  public static DataSource h2DataSource(String url) {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:h2:")) {
      throw new IllegalArgumentException("not an H2 URL: '" + url + "'");
    }
    try {
      Class.forName("org.h2.jdbcx.JdbcConnectionPool", false, RunStores.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("H2 is not on the class path: add com.h2database:h2 to use an embedded run store",
          e);
    }
    boolean autoServer = url.toUpperCase(java.util.Locale.ROOT).contains(";AUTO_SERVER=TRUE");
    return H2.pool(withDefault(withDefault(withDefault(url, "DB_CLOSE_DELAY", "-1"),
        "DB_CLOSE_ON_EXIT", autoServer ? null : "FALSE"),
        "WRITE_DELAY", url.startsWith("jdbc:h2:mem:") ? null : "0"));
  }

  private static String withDefault(String url, String setting, String value) {
    if (value == null || url.toUpperCase(java.util.Locale.ROOT).contains(";" + setting + "=")) {
      return url;
    }
    return url + ";" + setting + "=" + value;
  }

  /** Keeps the H2 classes out of reach until H2 is known to be present. */
  private static final class H2 {
    static DataSource pool(String url) {
      org.h2.jdbcx.JdbcConnectionPool pool = org.h2.jdbcx.JdbcConnectionPool.create(url, "sa", "");
      pool.setMaxConnections(64);
      return pool;
    }
  }

  private RunStores() {}
}
