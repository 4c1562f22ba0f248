package dev.fdbe.internal.store;

import dev.fdbe.RunId;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.UploadRecord;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * The uploads attempts leave open in a blob store, in {@code fdbe_uploads}: each attempt's journal,
 * and the janitor's list. An upload is recorded only while the attempt's lease holds: the insert
 * first locks the run's row under the lease's epoch, which orders it against claims.
 */
final class JdbcUploads {
  private final Database db;

  JdbcUploads(Database db) {
    this.db = db;
  }

  UploadJournal journal(RunId runId, long epoch, InstantSource clock) {
    return new UploadJournal() {
      @Override
      public void opened(String key, String uploadId) {
        Instant now = clock.instant();
        boolean recorded = db.transaction("record upload " + uploadId + " of " + key, connection -> {
          if (Database.update(connection, StoreSql.LOCK_LEASED_RUN, runId.value(), epoch,
              Transitions.LEASED.wireName()) != 1) {
            return false;
          }
          Database.update(connection, StoreSql.INSERT_UPLOAD, runId.value(), epoch, key, uploadId, Micros.of(now));
          return true;
        });
        if (!recorded) {
          throw new IllegalStateException("upload " + uploadId + " of " + key + " is not recorded: run " + runId
              + " is no longer running under lease epoch " + epoch);
        }
      }

      @Override
      public void closed(String key, String uploadId) {
        db.call("forget upload " + uploadId,
            connection -> Database.update(connection, StoreSql.DELETE_UPLOAD, runId.value(), uploadId));
      }
    };
  }

  /** The recorded uploads of every run, oldest first. */
  List<UploadRecord> recorded(int limit) {
    return db.call("read open uploads", connection -> Database.query(connection, StoreSql.SELECT_UPLOADS,
        rs -> new UploadRecord(new RunId(rs.getObject(1, UUID.class)), rs.getLong(2), rs.getString(3),
            rs.getString(4), Micros.toInstant(rs.getLong(5))),
        limit));
  }
}
