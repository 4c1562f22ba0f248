package dev.fdbe.internal.store;

import dev.fdbe.FileId;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.FileRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How a sliced run follows its slices, inside the transaction that changes a slice. Lock order: a
 * transaction that touches both a slice and its sliced run locks the sliced run's row first
 * ({@link #lockParent}), so two such transactions cannot deadlock.
 */
final class JdbcSlices {
  private JdbcSlices() {}

  /** Locks the sliced run the run belongs to, before the run's own row; returns it, or null. */
  static @Nullable UUID lockParent(Connection connection, RunId id) throws SQLException {
    List<UUID> parents = Database.query(connection, StoreSql.SELECT_PARENT, rs -> rs.getObject(1, UUID.class),
        id.value());
    UUID parent = parents.isEmpty() ? null : parents.get(0);
    if (parent != null) {
      Database.query(connection, StoreSql.LOCK_RUN, rs -> rs.getObject(1), parent);
    }
    return parent;
  }

  /** A slice was claimed: its sliced run starts running, if it had not started yet. */
  static void startParent(Connection connection, UUID parent, Instant now) throws SQLException {
    Database.update(connection, StoreSql.START_UNSTARTED_RUN, Transitions.LEASED.wireName(), Micros.of(now), parent);
  }

  /**
   * Stops the active slices of a sliced run that ends otherwise than completed, except
   * {@code except}, and hands its completed slices back to the cleanup sweep: their files will never
   * be listed. The sliced run's row is locked already.
   */
  static void stopSlices(Connection connection, RunId parent, @Nullable RunId except, RunStatus to,
      @Nullable String error, Instant now) throws SQLException {
    Database.update(connection, StoreSql.STOP_ACTIVE_SLICES, to.wireName(), Database.text(error), Micros.of(now),
        parent.value(), except == null ? new UUID(0, 0) : except.value());
    Database.update(connection, StoreSql.UNCLEAN_SLICES_IN_STATUS, parent.value(), RunStatus.COMPLETED.wireName());
  }

  /**
   * When every slice of the sliced run has completed, completes the run with their files in slice
   * order (indexed anew) and their totals; the slices' own file rows move to the run.
   */
  static void completeParentIfLast(Connection connection, UUID parent, Instant now) throws SQLException {
    if (Database.count(connection, StoreSql.COUNT_SLICES_NOT_IN_STATUS, parent,
        RunStatus.COMPLETED.wireName()) > 0) {
      return;
    }
    List<FileRecord> merged = new ArrayList<>();
    for (FileRecord file : Database.query(connection, StoreSql.SELECT_FILES_OF_SLICES, JdbcParts::file, parent)) {
      merged.add(new FileRecord(FileId.random(), new RunId(parent), merged.size(), file.key(), file.fileName(),
          file.sizeBytes(), file.records(), file.sha256(), file.expiresAt(), file.deletedAt()));
    }
    Database.update(connection, StoreSql.DELETE_FILES_OF_SLICES, parent);
    JdbcParts.insertFiles(connection, merged);
    Database.update(connection, StoreSql.COMPLETE_ACTIVE_RUN, RunStatus.COMPLETED.wireName(), Micros.of(now),
        merged.stream().mapToLong(FileRecord::records).sum(), merged.stream().mapToLong(FileRecord::sizeBytes).sum(),
        merged.size(), parent);
  }

  /** A slice failed: its sliced run fails with the same status, and the other slices stop. */
  static void failParent(Connection connection, UUID parent, RunId slice, RunStatus status, String error,
      Instant now) throws SQLException {
    String describe = Database.query(connection, StoreSql.DESCRIBE_SLICE, rs -> "slice " + (rs.getInt(1) + 1)
        + " of " + rs.getInt(2) + " (" + Micros.toInstant(rs.getLong(3)) + " to " + Micros.toInstant(rs.getLong(4))
        + "): ", slice.value()).get(0);
    Database.update(connection, StoreSql.STOP_ACTIVE_RUN, status.wireName(), describe + error, Micros.of(now), parent);
    stopSlices(connection, new RunId(parent), slice, RunStatus.TERMINATED, Transitions.SIBLING_FAILED, now);
  }
}
