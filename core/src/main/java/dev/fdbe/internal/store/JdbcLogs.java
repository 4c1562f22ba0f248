package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.internal.Micros;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Run logs: entries keyed by run and a microsecond timestamp that is unique within the run. */
final class JdbcLogs {
  /** How many taken microseconds an append steps over before it gives up. */
  private static final int MAX_STEPS = 1000;

  private final Database db;

  JdbcLogs(Database db) {
    this.db = db;
  }

  RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now) {
    return db.call("write a log line of run " + runId, connection -> {
      long micros = Micros.of(now);
      List<Long> latest = Database.query(connection, StoreSql.LATEST_LOG_TIME, rs -> {
        long max = rs.getLong(1);
        return rs.wasNull() ? null : max;
      }, runId.value());
      if (!latest.isEmpty() && latest.get(0) != null) {
        micros = Math.max(micros, latest.get(0) + 1);
      }
      try (PreparedStatement insert = connection.prepareStatement(StoreSql.INSERT_LOG)) {
        insert.setObject(1, runId.value());
        insert.setObject(3, attemptId.value());
        insert.setString(4, level.name());
        insert.setString(5, message);
        // Another writer may take the same microsecond: move on until a free one is found.
        for (int tries = 0; ; tries++) {
          insert.setLong(2, micros);
          try {
            insert.executeUpdate();
            return new RunLogEntry(runId, attemptId, Micros.toInstant(micros), level, message);
          } catch (SQLException e) {
            if (!Dialect.isUniqueViolation(e) || tries >= MAX_STEPS) {
              throw e;
            }
            micros++;
          }
        }
      }
    });
  }

  Page<RunLogEntry> logs(RunId runId, LogQuery query) {
    StoreSql.LogSelection selection = StoreSql.selectLogs(runId, query);
    List<Object> pageParams = new ArrayList<>(selection.params());
    pageParams.add(query.limit());
    return db.call("read the log of run " + runId, connection -> {
      long count = Database.count(connection, selection.count(), selection.params().toArray());
      List<RunLogEntry> entries = Database.query(connection, selection.page(), rs -> new RunLogEntry(runId,
          new AttemptId(rs.getObject(2, UUID.class)), Micros.toInstant(rs.getLong(1)),
          LogLevel.valueOf(rs.getString(3)), rs.getString(4)), pageParams.toArray());
      return new Page<>(count, 0, query.limit(), entries);
    });
  }
}
