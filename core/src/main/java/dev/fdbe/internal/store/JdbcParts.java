package dev.fdbe.internal.store;

import dev.fdbe.FileId;
import dev.fdbe.RunId;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The parts an attempt stores under its lease with the progress it reports while writing them, and
 * the file downloads a completed run lists.
 */
final class JdbcParts {
  private final Database db;

  JdbcParts(Database db) {
    this.db = db;
  }

  boolean registerPart(Lease lease, PartRecord part) {
    if (part.epoch() != lease.epoch()) {
      return false;
    }
    return db.transaction("register part " + part.key(), connection -> {
      if (Database.update(connection, StoreSql.ADD_PART_TO_PROGRESS, part.records(), part.sizeBytes(),
          lease.runId().value(), lease.epoch(), Transitions.LEASED.wireName()) != 1) {
        return false;
      }
      Database.update(connection, StoreSql.INSERT_PART, part.runId().value(), part.epoch(), part.index(), part.key(),
          part.fileName(), part.sizeBytes(), part.records(), part.sha256(), Database.micros(part.storeExpiresAt()));
      return true;
    });
  }

  boolean reportProgress(Lease lease, long records, long bytes, @Nullable Long recordsTotal) {
    return db.call("report the progress of run " + lease.runId(), connection -> Database.update(connection,
        StoreSql.REPORT_PROGRESS, records, bytes, Database.number(recordsTotal), lease.runId().value(), lease.epoch(),
        Transitions.LEASED.wireName()) == 1);
  }

  List<PartRecord> parts(RunId id, long epoch) {
    return db.call("read parts of run " + id, connection -> Database.query(connection, StoreSql.SELECT_PARTS,
        rs -> new PartRecord(id, epoch, rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
            rs.getString(6), RunRows.instant(rs.getObject(7))),
        id.value(), epoch));
  }

  List<FileRecord> files(RunId id) {
    return db.call("read files of run " + id,
        connection -> Database.query(connection, StoreSql.SELECT_FILES_OF_RUN, JdbcParts::file, id.value()));
  }

  List<FileRecord> expiredFiles(Instant now, int limit) {
    return db.call("find expired files", connection -> Database.query(connection, StoreSql.SELECT_EXPIRED_FILES,
        JdbcParts::file, Micros.of(now), limit));
  }

  void markFileDeleted(FileId id, Instant now) {
    db.call("mark file " + id + " deleted",
        connection -> Database.update(connection, StoreSql.MARK_FILE_DELETED, Micros.of(now), id.value()));
  }

  /** Inserts file downloads, in one batch. */
  static void insertFiles(Connection connection, List<FileRecord> files) throws SQLException {
    if (files.isEmpty()) {
      return;
    }
    Database.batch(connection, StoreSql.INSERT_FILE, files.stream().map(file -> new Object[] {file.id().value(),
        file.runId().value(), file.index(), file.key(), file.fileName(), file.sizeBytes(), file.records(),
        file.sha256(), Micros.of(file.expiresAt()), Database.micros(file.deletedAt())}).toList());
  }

  /** A file download from a row of {@link StoreSql#FILE_COLUMNS}. */
  static FileRecord file(ResultSet rs) throws SQLException {
    long deleted = rs.getLong(10);
    Instant deletedAt = rs.wasNull() ? null : Micros.toInstant(deleted);
    return new FileRecord(new FileId(rs.getObject(1, UUID.class)), new RunId(rs.getObject(2, UUID.class)),
        rs.getInt(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getString(8),
        Micros.toInstant(rs.getLong(9)), deletedAt);
  }
}
