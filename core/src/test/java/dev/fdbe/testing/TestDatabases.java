package dev.fdbe.testing;

import dev.fdbe.RunStores;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Databases for tests: a fresh in-memory H2 database, or a fresh schema in the PostgreSQL server
 * named by {@code FDBE_TEST_POSTGRES_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}).
 * PostgreSQL tests are tagged {@code postgres} and run only when that variable is set; a server
 * that is then unreachable fails them.
 */
public final class TestDatabases {
  /** The environment variable naming the PostgreSQL test server. */
  public static final String POSTGRES_URL_VARIABLE = "FDBE_TEST_POSTGRES_URL";

  /** A new, empty in-memory H2 database that lives as long as the JVM. */
  public static DataSource h2() {
    return RunStores.h2DataSource("jdbc:h2:mem:fdbe-" + UUID.randomUUID());
  }

  /** The PostgreSQL URL from the environment. */
  public static String postgresUrl() {
    String url = System.getenv(POSTGRES_URL_VARIABLE);
    if (url == null || url.isBlank()) {
      throw new IllegalStateException(POSTGRES_URL_VARIABLE + " is not set; the postgres-tagged tests need it, e.g. "
          + "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }
    return url;
  }

  /**
   * A new, empty schema in the PostgreSQL test database, and a data source whose connections use
   * it. Drop it with {@link #dropPostgresSchema}.
   */
  public static PostgresSchema postgres() {
    String url = postgresUrl();
    String schema = "fdbe_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    DataSource admin = new UrlDataSource(url);
    try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reach PostgreSQL at " + url + ": " + e.getMessage(), e);
    }
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new PostgresSchema(schema, schemaUrl, new UrlDataSource(schemaUrl), admin);
  }

  /** A schema made for one test class; {@code url} is a JDBC URL whose connections use it. */
  public record PostgresSchema(String name, String url, DataSource dataSource, DataSource admin) {
    /** Drops the schema and everything in it. */
    public void drop() {
      try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop test schema " + name, e);
      }
    }
  }

  private TestDatabases() {}
}
