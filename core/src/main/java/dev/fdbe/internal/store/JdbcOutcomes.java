package dev.fdbe.internal.store;

import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How runs end: stopped by anyone while active, or completed or failed by the attempt holding the
 * lease. Each is one transaction, which a slice's sliced run follows ({@link JdbcSlices}).
 */
final class JdbcOutcomes {
  private final Database db;

  JdbcOutcomes(Database db) {
    this.db = db;
  }

  boolean stop(RunId id, RunStatus to, @Nullable String error, Instant now) {
    return db.transaction("stop run " + id, connection -> {
      int updated = Database.update(connection, StoreSql.STOP_ACTIVE_RUN, to.wireName(), Database.text(error),
          Micros.of(now), id.value());
      if (updated == 1) {
        JdbcSlices.stopSlices(connection, id, null, to, error, now);
      }
      return updated == 1;
    });
  }

  boolean complete(Lease lease, List<FileRecord> files, Instant now) {
    long records = files.stream().mapToLong(FileRecord::records).sum();
    long bytes = files.stream().mapToLong(FileRecord::sizeBytes).sum();
    return db.transaction("complete run " + lease.runId(), connection -> {
      UUID parent = JdbcSlices.lockParent(connection, lease.runId());
      if (Database.update(connection, StoreSql.COMPLETE_LEASED_RUN, RunStatus.COMPLETED.wireName(), Micros.of(now),
          records, bytes, files.size(), lease.runId().value(), lease.epoch(), Transitions.LEASED.wireName()) != 1) {
        return false;
      }
      JdbcParts.insertFiles(connection, files);
      if (parent != null) {
        JdbcSlices.completeParentIfLast(connection, parent, now);
      }
      return true;
    });
  }

  boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    return db.transaction("end run " + lease.runId() + " as " + status, connection -> {
      UUID parent = JdbcSlices.lockParent(connection, lease.runId());
      if (Database.update(connection, StoreSql.FAIL_LEASED_RUN, status.wireName(), Database.text(error), Micros.of(now),
          lease.runId().value(), lease.epoch(), Transitions.LEASED.wireName()) != 1) {
        return false;
      }
      if (parent != null) {
        JdbcSlices.failParent(connection, parent, lease.runId(), status, error, now);
      }
      return true;
    });
  }
}
