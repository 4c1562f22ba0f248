package dev.fdbe;

import dev.fdbe.internal.store.InMemoryRunStore;
import dev.fdbe.internal.store.JdbcRunStore;
import dev.fdbe.spi.RunStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/** The run stores that ship with fdbe. */
public final class RunStores {
  /** The values H2 reads as true for a boolean URL setting, upper-cased. */
  private static final Set<String> H2_TRUE = Set.of("TRUE", "YES", "T", "Y", "1");

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
   * {@code AUTO_SERVER} on, in any spelling H2 takes for true, as H2 does not allow the two
   * together; run {@code SHUTDOWN} to close it), and a file database writes every commit at once
   * ({@code WRITE_DELAY=0}), so that a run acknowledged as created survives the process dying
   * right after.
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
    return H2.pool(h2Url(url));
  }

  /**
   * The URL with the settings {@link #h2DataSource} adds where the URL does not name them (H2
   * reads names in any case). H2 takes {@code TRUE}, {@code YES}, {@code T} and {@code Y} in any
   * case, or {@code 1}, for true: {@code AUTO_SERVER} in any of those spellings keeps
   * {@code DB_CLOSE_ON_EXIT} out, which H2 refuses beside it.
   */
  static String h2Url(String url) {
    Map<String, String> settings = new HashMap<>();
    String[] parts = url.split(";");
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].indexOf('=');
      if (equals > 0) {
        settings.put(parts[i].substring(0, equals).toUpperCase(Locale.ROOT), parts[i].substring(equals + 1));
      }
    }
    boolean autoServer = H2_TRUE.contains(settings.getOrDefault("AUTO_SERVER", "").toUpperCase(Locale.ROOT));
    StringBuilder withDefaults = new StringBuilder(url);
    addUnlessSet(withDefaults, settings, "DB_CLOSE_DELAY", "-1");
    if (!autoServer) {
      addUnlessSet(withDefaults, settings, "DB_CLOSE_ON_EXIT", "FALSE");
    }
    if (!url.startsWith("jdbc:h2:mem:")) {
      addUnlessSet(withDefaults, settings, "WRITE_DELAY", "0");
    }
    return withDefaults.toString();
  }

  private static void addUnlessSet(StringBuilder url, Map<String, String> settings, String setting, String value) {
    if (!settings.containsKey(setting)) {
      url.append(';').append(setting).append('=').append(value);
    }
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
