package dev.fdbe.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Creates and upgrades the run store's schema on first use. Version {@code n} is the script
 * {@code migrations/V<n>.sql}; {@code fdbe_schema_version} holds the highest applied. On PostgreSQL
 * the upgrade runs in one transaction under an advisory lock, so processes starting together apply
 * it once. The statements around the scripts, the lock among them, are in {@link StoreSql}.
 */
final class Migrations {
  /** The schema version this code expects. */
  static final int LATEST = 4;

  private static final Object H2_LOCK = new Object();

  static void apply(DataSource dataSource, Dialect dialect) throws SQLException {
    if (dialect == Dialect.H2) {
      synchronized (H2_LOCK) {
        applyLocked(dataSource, dialect);
      }
    } else {
      applyLocked(dataSource, dialect);
    }
  }

  private static void applyLocked(DataSource dataSource, Dialect dialect) throws SQLException {
    Optional<String> lock = StoreSql.lockForMigration(dialect);
    Transactions.inTransaction(dataSource, connection -> {
      try (Statement statement = connection.createStatement()) {
        if (lock.isPresent()) {
          statement.execute(lock.get());
        }
        statement.execute(StoreSql.CREATE_SCHEMA_VERSION);
        int current = 0;
        try (ResultSet rs = statement.executeQuery(StoreSql.SELECT_SCHEMA_VERSION)) {
          if (rs.next()) {
            current = rs.getInt(1);
          }
        }
        if (current > LATEST) {
          throw new IllegalStateException("the run store's schema is at version " + current
              + ", newer than this fdbe's " + LATEST + "; upgrade fdbe");
        }
        for (int version = current + 1; version <= LATEST; version++) {
          for (String sql : statements(version)) {
            statement.execute(sql);
          }
          Database.update(connection, StoreSql.INSERT_SCHEMA_VERSION, version);
        }
      }
      return null;
    });
  }

  /** The statements of a migration script: split at semicolons ending a line, comments dropped. */
  static List<String> statements(int version) {
    String name = "migrations/V" + version + ".sql";
    String script;
    try (InputStream in = Migrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("migration script " + name + " is missing from the fdbe-core jar");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration script " + name, e);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        statements.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("migration script " + name + " ends without a semicolon");
    }
    return statements;
  }

  private Migrations() {}
}
