package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Model;
import dev.fdbe.Page;
import dev.fdbe.PageRequest;
import dev.fdbe.Progress;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.TooManyRunsException;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.Transitions;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.UploadRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunStore} on H2 or PostgreSQL.
 *
 * <p>Every change is one short transaction of conditional updates; no connection is held between
 * calls. Fencing: each write an attempt makes names its lease epoch in the {@code WHERE} clause and
 * is refused when another claim advanced the epoch. The per-team limit locks the team's row in
 * {@code fdbe_teams} while counting and inserting, which serializes creates of one team across
 * processes. The schema is created or upgraded when the store is opened.
 */
public final class JdbcRunStore implements RunStore {
  private static final String RUN_COLUMNS = "id, team_id, model, file_format, compression, max_size_mb, "
      + "interval_start_us, interval_end_us, status, error, records_completed, bytes_exported, parts_completed, "
      + "created_at_us, started_at_us, finished_at_us, lease_epoch, attempt_id, lease_owner, lease_expires_at_us, "
      + "attempts, storage_cleaned, parent_id, slice_index, slice_count";
  private static final String FILE_COLUMNS =
      "id, run_id, part_index, storage_key, file_name, size_bytes, records, sha256, expires_at_us, deleted_at_us";
  /*
   * Status lists, rendered once from the lifecycle table in Transitions: the wire names are enum
   * constants, never input. Single statuses are bound as parameters instead.
   */
  /** The active statuses (Starting, Running): runs that may still change and count against the limit. */
  private static final String ACTIVE = sqlList(Transitions.active());
  /** The unstarted statuses (Starting): runs a claim starts. */
  private static final String UNSTARTED = sqlList(Transitions.unstartedStatuses());
  /** Which runs a claim may take; one parameter, the current time. */
  private static final String CLAIMABLE = "(status IN " + UNSTARTED + " OR (status IN "
      + sqlList(Set.of(Transitions.LEASED)) + " AND lease_expires_at_us < ?))";
  private static final int RUN_COLUMN_COUNT = 25;

  private final DataSource dataSource;
  private final Dialect dialect;

  private JdbcRunStore(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /**
   * Opens the store on the data source, creating or upgrading its tables.
   *
   * @throws IllegalArgumentException when the database is neither H2 nor PostgreSQL
   * @throws ExportException when the database cannot be reached or migrated
   */
  public static JdbcRunStore open(DataSource dataSource) {
    try {
      Dialect dialect;
      try (Connection connection = dataSource.getConnection()) {
        dialect = Dialect.of(connection);
      }
      Migrations.apply(dataSource, dialect);
      return new JdbcRunStore(dataSource, dialect);
    } catch (SQLException e) {
      throw new ExportException("cannot open the run store: " + e.getMessage(), e);
    }
  }

  /** The database dialect. */
  public Dialect dialect() {
    return dialect;
  }

  private <T> T withConnection(String what, Transactions.Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> T inTransaction(String what, Transactions.Work<T> work) {
    try {
      return Transactions.inTransaction(dataSource, work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** The message may reach a run's log (a failed attempt), so it describes the SQL error for users. */
  private static ExportException failure(String what, SQLException e) {
    return new ExportException("run store failed to " + what + ": " + SqlFailures.describe(e), e);
  }

  // ---------------------------------------------------------------- runs

  @Override
  public void insert(RunRecord run, int maxActivePerTeam) {
    ensureTeamRow(run.team());
    inTransaction("create run " + run.id(), connection -> {
      dialect.prepareLockingTransaction(connection);
      lockTeamAndCheckLimit(connection, run, maxActivePerTeam);
      insertRun(connection, run);
      return null;
    });
  }

  @Override
  public void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam) {
    if (!run.isSliced() || slices.size() != run.sliceCount()) {
      throw new IllegalArgumentException("run " + run.id() + " has " + run.sliceCount() + " slices but "
          + slices.size() + " were given");
    }
    ensureTeamRow(run.team());
    inTransaction("create sliced run " + run.id(), connection -> {
      dialect.prepareLockingTransaction(connection);
      lockTeamAndCheckLimit(connection, run, maxActivePerTeam);
      insertRun(connection, run);
      for (RunRecord slice : slices) {
        insertRun(connection, slice);
      }
      return null;
    });
  }

  private static void lockTeamAndCheckLimit(Connection connection, RunRecord run, int maxActivePerTeam)
      throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement(
        "SELECT team_id FROM fdbe_teams WHERE team_id = ? FOR UPDATE")) {
      lock.setLong(1, run.team().value());
      try (ResultSet rs = lock.executeQuery()) {
        rs.next();
      }
    }
    try (PreparedStatement count = connection.prepareStatement(
        "SELECT COUNT(*) FROM fdbe_runs WHERE team_id = ? AND parent_id IS NULL AND status IN " + ACTIVE)) {
      count.setLong(1, run.team().value());
      try (ResultSet rs = count.executeQuery()) {
        rs.next();
        if (rs.getLong(1) >= maxActivePerTeam) {
          throw new TooManyRunsException(run.team(), maxActivePerTeam);
        }
      }
    }
  }

  @Override
  public List<RunRecord> slices(RunId parent) {
    return withConnection("read slices of run " + parent, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + RUN_COLUMNS + " FROM fdbe_runs WHERE parent_id = ? ORDER BY slice_index")) {
        select.setObject(1, parent.value());
        return readRuns(connection, select);
      }
    });
  }

  private void ensureTeamRow(TeamId team) {
    withConnection("register team " + team, connection -> {
      try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM fdbe_teams WHERE team_id = ?")) {
        exists.setLong(1, team.value());
        try (ResultSet rs = exists.executeQuery()) {
          if (rs.next()) {
            return null;
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_teams (team_id) VALUES (?)")) {
        insert.setLong(1, team.value());
        insert.executeUpdate();
      } catch (SQLException e) {
        if (!Dialect.isUniqueViolation(e)) {
          throw e;
        }
      }
      return null;
    });
  }

  private static void insertRun(Connection connection, RunRecord run) throws SQLException {
    ExportRequest request = run.request();
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_runs (" + RUN_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int i = 0;
      insert.setObject(++i, run.id().value());
      insert.setLong(++i, run.team().value());
      insert.setString(++i, request.model().wireName());
      insert.setString(++i, request.file().format().wireName());
      insert.setString(++i, request.file().compression().wireName());
      insert.setLong(++i, request.file().maxSizeMb());
      insert.setLong(++i, Micros.of(request.dataIntervalStart()));
      insert.setLong(++i, Micros.of(request.dataIntervalEnd()));
      insert.setString(++i, run.status().wireName());
      insert.setString(++i, run.error());
      insert.setLong(++i, run.progress().recordsCompleted());
      insert.setLong(++i, run.progress().bytesExported());
      insert.setInt(++i, run.progress().partsCompleted());
      insert.setLong(++i, Micros.of(run.createdAt()));
      setMicros(insert, ++i, run.startedAt());
      setMicros(insert, ++i, run.finishedAt());
      insert.setLong(++i, run.leaseEpoch());
      insert.setObject(++i, run.attemptId() == null ? null : run.attemptId().value());
      insert.setString(++i, run.leaseOwner());
      setMicros(insert, ++i, run.leaseExpiresAt());
      insert.setInt(++i, run.attempts());
      insert.setBoolean(++i, run.storageCleaned());
      insert.setObject(++i, run.parentId() == null ? null : run.parentId().value());
      insert.setInt(++i, run.sliceIndex());
      insert.setInt(++i, run.sliceCount());
      insert.executeUpdate();
    }
    if (request.include().isEmpty() && request.exclude().isEmpty()) {
      return;
    }
    try (PreparedStatement filters = connection.prepareStatement(
        "INSERT INTO fdbe_run_event_filters (run_id, kind, seq, event_name) VALUES (?, ?, ?, ?)")) {
      addFilters(filters, run.id(), "include", request.include());
      addFilters(filters, run.id(), "exclude", request.exclude());
      filters.executeBatch();
    }
  }

  private static void addFilters(PreparedStatement filters, RunId id, String kind, List<String> names)
      throws SQLException {
    for (int i = 0; i < names.size(); i++) {
      filters.setObject(1, id.value());
      filters.setString(2, kind);
      filters.setInt(3, i);
      filters.setString(4, names.get(i));
      filters.addBatch();
    }
  }

  @Override
  public Optional<RunRecord> find(RunId id) {
    List<RunRecord> found = findAll(List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public List<RunRecord> findAll(Collection<RunId> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    List<RunId> list = List.copyOf(ids);
    return withConnection("read runs", connection -> {
      List<RunRecord> runs = new ArrayList<>();
      for (int from = 0; from < list.size(); from += 500) {
        List<RunId> chunk = list.subList(from, Math.min(list.size(), from + 500));
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT " + RUN_COLUMNS + " FROM fdbe_runs WHERE id IN (" + placeholders(chunk.size()) + ")")) {
          for (int i = 0; i < chunk.size(); i++) {
            select.setObject(i + 1, chunk.get(i).value());
          }
          runs.addAll(readRuns(connection, select));
        }
      }
      return runs;
    });
  }

  @Override
  public Page<RunRecord> list(TeamId team, PageRequest page) {
    return withConnection("list runs of team " + team, connection -> {
      long count;
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT COUNT(*) FROM fdbe_runs WHERE team_id = ? AND parent_id IS NULL")) {
        select.setLong(1, team.value());
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      List<RunRecord> runs;
      try (PreparedStatement select = connection.prepareStatement("SELECT " + RUN_COLUMNS
          + " FROM fdbe_runs WHERE team_id = ? AND parent_id IS NULL ORDER BY created_at_us DESC, id DESC "
          + "LIMIT ? OFFSET ?")) {
        select.setLong(1, team.value());
        select.setInt(2, page.limit());
        select.setLong(3, page.offset());
        runs = readRuns(connection, select);
      }
      return new Page<>(count, page.offset(), page.limit(), runs);
    });
  }

  @Override
  public boolean stop(RunId id, RunStatus to, String error, Instant now) {
    return inTransaction("stop run " + id, connection -> {
      int updated;
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, error = ?, "
          + "finished_at_us = ? WHERE id = ? AND status IN " + ACTIVE)) {
        update.setString(1, to.wireName());
        update.setString(2, error);
        update.setLong(3, Micros.of(now));
        update.setObject(4, id.value());
        updated = update.executeUpdate();
      }
      if (updated == 1) {
        stopSlices(connection, id, null, to, error, now);
      }
      return updated == 1;
    });
  }

  /**
   * Stops the active slices of a sliced run that ends otherwise than completed, except
   * {@code except}, and hands its completed slices back to the cleanup sweep: their files will never
   * be listed. The run's row is locked already.
   */
  private static void stopSlices(Connection connection, RunId parent, @Nullable RunId except, RunStatus to,
      String error, Instant now) throws SQLException {
    try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, error = ?, "
        + "finished_at_us = ? WHERE parent_id = ? AND id <> ? AND status IN " + ACTIVE)) {
      update.setString(1, to.wireName());
      update.setString(2, error);
      update.setLong(3, Micros.of(now));
      update.setObject(4, parent.value());
      update.setObject(5, except == null ? new UUID(0, 0) : except.value());
      update.executeUpdate();
    }
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE fdbe_runs SET storage_cleaned = FALSE WHERE parent_id = ? AND status = ?")) {
      update.setObject(1, parent.value());
      update.setString(2, RunStatus.COMPLETED.wireName());
      update.executeUpdate();
    }
  }

  /**
   * Locks the sliced run a slice belongs to, before the slice's own row: every transaction that
   * touches both takes them in this order, so they cannot deadlock. Returns the parent, or null.
   */
  private static @Nullable UUID lockParent(Connection connection, RunId id) throws SQLException {
    UUID parent = null;
    try (PreparedStatement select = connection.prepareStatement("SELECT parent_id FROM fdbe_runs WHERE id = ?")) {
      select.setObject(1, id.value());
      try (ResultSet rs = select.executeQuery()) {
        if (rs.next()) {
          parent = rs.getObject(1, UUID.class);
        }
      }
    }
    if (parent != null) {
      try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM fdbe_runs WHERE id = ? FOR UPDATE")) {
        lock.setObject(1, parent);
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
        }
      }
    }
    return parent;
  }

  @Override
  public List<RunRecord> claimable(Instant now, int limit) {
    return withConnection("find runs to claim", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM fdbe_runs "
          + "WHERE slice_count = 0 AND " + CLAIMABLE + " ORDER BY created_at_us, slice_index LIMIT ?")) {
        select.setLong(1, Micros.of(now));
        select.setInt(2, limit);
        return readRuns(connection, select);
      }
    });
  }

  @Override
  public Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    return inTransaction("claim run " + id, connection -> {
      UUID parent = lockParent(connection, id);
      int updated;
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, "
          + "lease_epoch = lease_epoch + 1, attempt_id = ?, lease_owner = ?, lease_expires_at_us = ?, "
          + "attempts = attempts + 1, started_at_us = COALESCE(started_at_us, ?), records_completed = 0, "
          + "bytes_exported = 0, parts_completed = 0 WHERE id = ? AND lease_epoch = ? "
          + "AND slice_count = 0 AND " + CLAIMABLE)) {
        update.setString(1, Transitions.LEASED.wireName());
        update.setObject(2, attemptId.value());
        update.setString(3, owner);
        update.setLong(4, Micros.of(leaseUntil));
        update.setLong(5, Micros.of(now));
        update.setObject(6, id.value());
        update.setLong(7, expectedEpoch);
        update.setLong(8, Micros.of(now));
        updated = update.executeUpdate();
      }
      if (updated == 1 && parent != null) {
        try (PreparedStatement start = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, "
            + "started_at_us = COALESCE(started_at_us, ?) WHERE id = ? AND status IN " + UNSTARTED)) {
          start.setString(1, Transitions.LEASED.wireName());
          start.setLong(2, Micros.of(now));
          start.setObject(3, parent);
          start.executeUpdate();
        }
      }
      return updated == 1 ? Optional.of(readLease(connection, id)) : Optional.<Lease>empty();
    });
  }

  @Override
  public Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil) {
    return inTransaction("start a new attempt of run " + current.runId(), connection -> {
      int updated;
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET lease_epoch = lease_epoch + 1, "
          + "attempt_id = ?, lease_expires_at_us = ?, attempts = attempts + 1, records_completed = 0, "
          + "bytes_exported = 0, parts_completed = 0 WHERE id = ? AND lease_epoch = ? AND status = ?")) {
        update.setObject(1, attemptId.value());
        update.setLong(2, Micros.of(leaseUntil));
        update.setObject(3, current.runId().value());
        update.setLong(4, current.epoch());
        update.setString(5, Transitions.LEASED.wireName());
        updated = update.executeUpdate();
      }
      return updated == 1 ? Optional.of(readLease(connection, current.runId())) : Optional.<Lease>empty();
    });
  }

  private static Lease readLease(Connection connection, RunId id) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT lease_epoch, attempt_id, attempts, lease_owner, lease_expires_at_us FROM fdbe_runs WHERE id = ?")) {
      select.setObject(1, id.value());
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("run " + id + " vanished while being claimed");
        }
        return new Lease(id, rs.getLong(1), new AttemptId(rs.getObject(2, UUID.class)), rs.getInt(3),
            rs.getString(4), Micros.toInstant(rs.getLong(5)));
      }
    }
  }

  @Override
  public boolean renew(Lease lease, Instant until) {
    return updateHolding("renew the lease of run " + lease.runId(), lease,
        "UPDATE fdbe_runs SET lease_expires_at_us = ? WHERE id = ? AND lease_epoch = ? AND status = ?",
        Micros.of(until));
  }

  @Override
  public boolean release(Lease lease, Instant now) {
    return updateHolding("release the lease of run " + lease.runId(), lease,
        "UPDATE fdbe_runs SET lease_expires_at_us = ? WHERE id = ? AND lease_epoch = ? AND status = ?",
        Micros.of(now) - 1);
  }

  private boolean updateHolding(String what, Lease lease, String sql, long micros) {
    return withConnection(what, connection -> {
      try (PreparedStatement update = connection.prepareStatement(sql)) {
        update.setLong(1, micros);
        update.setObject(2, lease.runId().value());
        update.setLong(3, lease.epoch());
        update.setString(4, Transitions.LEASED.wireName());
        return update.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean registerPart(Lease lease, PartRecord part) {
    if (part.epoch() != lease.epoch()) {
      return false;
    }
    return inTransaction("register part " + part.key(), connection -> {
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET "
          + "records_completed = records_completed + ?, bytes_exported = bytes_exported + ?, "
          + "parts_completed = parts_completed + 1 WHERE id = ? AND lease_epoch = ? AND status = ?")) {
        update.setLong(1, part.records());
        update.setLong(2, part.sizeBytes());
        update.setObject(3, lease.runId().value());
        update.setLong(4, lease.epoch());
        update.setString(5, Transitions.LEASED.wireName());
        if (update.executeUpdate() != 1) {
          return false;
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_parts (run_id, epoch, "
          + "part_index, storage_key, file_name, size_bytes, records, sha256, store_expires_at_us) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setObject(1, part.runId().value());
        insert.setLong(2, part.epoch());
        insert.setInt(3, part.index());
        insert.setString(4, part.key());
        insert.setString(5, part.fileName());
        insert.setLong(6, part.sizeBytes());
        insert.setLong(7, part.records());
        insert.setString(8, part.sha256());
        setMicros(insert, 9, part.storeExpiresAt());
        insert.executeUpdate();
      }
      return true;
    });
  }

  @Override
  public List<PartRecord> parts(RunId id, long epoch) {
    return withConnection("read parts of run " + id, connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT part_index, storage_key, file_name, "
          + "size_bytes, records, sha256, store_expires_at_us FROM fdbe_parts WHERE run_id = ? AND epoch = ? "
          + "ORDER BY part_index")) {
        select.setObject(1, id.value());
        select.setLong(2, epoch);
        List<PartRecord> parts = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            parts.add(new PartRecord(id, epoch, rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getLong(5), rs.getString(6), instant(rs.getObject(7))));
          }
        }
        return parts;
      }
    });
  }

  @Override
  public boolean complete(Lease lease, List<FileRecord> files, Instant now) {
    long records = files.stream().mapToLong(FileRecord::records).sum();
    long bytes = files.stream().mapToLong(FileRecord::sizeBytes).sum();
    return inTransaction("complete run " + lease.runId(), connection -> {
      UUID parent = lockParent(connection, lease.runId());
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, "
          + "error = NULL, finished_at_us = ?, records_completed = ?, bytes_exported = ?, parts_completed = ? "
          + "WHERE id = ? AND lease_epoch = ? AND status = ?")) {
        update.setString(1, RunStatus.COMPLETED.wireName());
        update.setLong(2, Micros.of(now));
        update.setLong(3, records);
        update.setLong(4, bytes);
        update.setInt(5, files.size());
        update.setObject(6, lease.runId().value());
        update.setLong(7, lease.epoch());
        update.setString(8, Transitions.LEASED.wireName());
        if (update.executeUpdate() != 1) {
          return false;
        }
      }
      insertFiles(connection, files);
      if (parent != null) {
        completeParentIfLast(connection, parent, now);
      }
      return true;
    });
  }

  private static void insertFiles(Connection connection, List<FileRecord> files) throws SQLException {
    if (files.isEmpty()) {
      return;
    }
    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_files (" + FILE_COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      for (FileRecord file : files) {
        insert.setObject(1, file.id().value());
        insert.setObject(2, file.runId().value());
        insert.setInt(3, file.index());
        insert.setString(4, file.key());
        insert.setString(5, file.fileName());
        insert.setLong(6, file.sizeBytes());
        insert.setLong(7, file.records());
        insert.setString(8, file.sha256());
        insert.setLong(9, Micros.of(file.expiresAt()));
        setMicros(insert, 10, file.deletedAt());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  /**
   * When every slice of the sliced run has completed, completes the run with their files in slice
   * order (indexed anew) and their totals; the slices' own file rows move to the run.
   */
  private static void completeParentIfLast(Connection connection, UUID parent, Instant now) throws SQLException {
    try (PreparedStatement pending = connection.prepareStatement(
        "SELECT COUNT(*) FROM fdbe_runs WHERE parent_id = ? AND status <> ?")) {
      pending.setObject(1, parent);
      pending.setString(2, RunStatus.COMPLETED.wireName());
      try (ResultSet rs = pending.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
    }
    List<FileRecord> merged = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT " + qualified("f", FILE_COLUMNS)
        + " FROM fdbe_files f JOIN fdbe_runs s ON s.id = f.run_id WHERE s.parent_id = ? "
        + "ORDER BY s.slice_index, f.part_index")) {
      select.setObject(1, parent);
      int index = 0;
      for (FileRecord file : readFiles(select)) {
        merged.add(new FileRecord(FileId.random(), new RunId(parent), index++, file.key(), file.fileName(),
            file.sizeBytes(), file.records(), file.sha256(), file.expiresAt(), file.deletedAt()));
      }
    }
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM fdbe_files WHERE run_id IN (SELECT id FROM fdbe_runs WHERE parent_id = ?)")) {
      delete.setObject(1, parent);
      delete.executeUpdate();
    }
    insertFiles(connection, merged);
    try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, "
        + "error = NULL, finished_at_us = ?, records_completed = ?, bytes_exported = ?, parts_completed = ? "
        + "WHERE id = ? AND status IN " + ACTIVE)) {
      update.setString(1, RunStatus.COMPLETED.wireName());
      update.setLong(2, Micros.of(now));
      update.setLong(3, merged.stream().mapToLong(FileRecord::records).sum());
      update.setLong(4, merged.stream().mapToLong(FileRecord::sizeBytes).sum());
      update.setInt(5, merged.size());
      update.setObject(6, parent);
      update.executeUpdate();
    }
  }

  private static String qualified(String alias, String columns) {
    StringBuilder out = new StringBuilder();
    for (String column : columns.split(",\\s*")) {
      out.append(out.length() == 0 ? "" : ", ").append(alias).append('.').append(column);
    }
    return out.toString();
  }

  @Override
  public boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    return inTransaction("end run " + lease.runId() + " as " + status, connection -> {
      UUID parent = lockParent(connection, lease.runId());
      try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, error = ?, "
          + "finished_at_us = ? WHERE id = ? AND lease_epoch = ? AND status = ?")) {
        update.setString(1, status.wireName());
        update.setString(2, error);
        update.setLong(3, Micros.of(now));
        update.setObject(4, lease.runId().value());
        update.setLong(5, lease.epoch());
        update.setString(6, Transitions.LEASED.wireName());
        if (update.executeUpdate() != 1) {
          return false;
        }
      }
      if (parent != null) {
        failParent(connection, parent, lease.runId(), status, error, now);
      }
      return true;
    });
  }

  /** A slice failed: its sliced run fails with the same status, and the other slices stop. */
  private static void failParent(Connection connection, UUID parent, RunId slice, RunStatus status, String error,
      Instant now) throws SQLException {
    String describe;
    try (PreparedStatement select = connection.prepareStatement("SELECT s.slice_index, p.slice_count, "
        + "s.interval_start_us, s.interval_end_us FROM fdbe_runs s JOIN fdbe_runs p ON p.id = s.parent_id "
        + "WHERE s.id = ?")) {
      select.setObject(1, slice.value());
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        describe = "slice " + (rs.getInt(1) + 1) + " of " + rs.getInt(2) + " (" + Micros.toInstant(rs.getLong(3))
            + " to " + Micros.toInstant(rs.getLong(4)) + "): ";
      }
    }
    try (PreparedStatement update = connection.prepareStatement("UPDATE fdbe_runs SET status = ?, error = ?, "
        + "finished_at_us = ? WHERE id = ? AND status IN " + ACTIVE)) {
      update.setString(1, status.wireName());
      update.setString(2, describe + error);
      update.setLong(3, Micros.of(now));
      update.setObject(4, parent);
      update.executeUpdate();
    }
    stopSlices(connection, new RunId(parent), slice, RunStatus.TERMINATED, "another slice of the export failed",
        now);
  }

  // ---------------------------------------------------------------- open uploads

  @Override
  public UploadJournal uploadJournal(RunId runId, long epoch, InstantSource clock) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(clock, "clock");
    return new UploadJournal() {
      @Override
      public void opened(String key, String uploadId) {
        Instant now = clock.instant();
        boolean recorded = inTransaction("record upload " + uploadId + " of " + key, connection -> {
          // Locking the run's row orders this insert against claims: it holds only under the lease.
          try (PreparedStatement lock = connection.prepareStatement("UPDATE fdbe_runs SET lease_epoch = lease_epoch "
              + "WHERE id = ? AND lease_epoch = ? AND status = ?")) {
            lock.setObject(1, runId.value());
            lock.setLong(2, epoch);
            lock.setString(3, Transitions.LEASED.wireName());
            if (lock.executeUpdate() != 1) {
              return false;
            }
          }
          try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_uploads (run_id, epoch, "
              + "storage_key, upload_id, recorded_at_us) VALUES (?, ?, ?, ?, ?)")) {
            insert.setObject(1, runId.value());
            insert.setLong(2, epoch);
            insert.setString(3, key);
            insert.setString(4, uploadId);
            insert.setLong(5, Micros.of(now));
            insert.executeUpdate();
          }
          return true;
        });
        if (!recorded) {
          throw new IllegalStateException("upload " + uploadId + " of " + key + " is not recorded: run " + runId
                + " is no longer running under lease epoch " + epoch);
        }
      }

      @Override
      public void closed(String key, String uploadId) {
        withConnection("forget upload " + uploadId, connection -> {
          try (PreparedStatement delete = connection.prepareStatement(
              "DELETE FROM fdbe_uploads WHERE run_id = ? AND upload_id = ?")) {
            delete.setObject(1, runId.value());
            delete.setString(2, uploadId);
            delete.executeUpdate();
          }
          return null;
        });
      }
    };
  }

  @Override
  public List<UploadRecord> uploads(int limit) {
    return withConnection("read open uploads", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT run_id, epoch, storage_key, upload_id, "
          + "recorded_at_us FROM fdbe_uploads ORDER BY recorded_at_us LIMIT ?")) {
        select.setInt(1, limit);
        List<UploadRecord> uploads = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            uploads.add(new UploadRecord(new RunId(rs.getObject(1, UUID.class)), rs.getLong(2), rs.getString(3),
                rs.getString(4), Micros.toInstant(rs.getLong(5))));
          }
        }
        return uploads;
      }
    });
  }

  // ---------------------------------------------------------------- files and cleanup

  @Override
  public List<FileRecord> files(RunId id) {
    return withConnection("read files of run " + id, connection -> {
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT " + FILE_COLUMNS + " FROM fdbe_files WHERE run_id = ? ORDER BY part_index")) {
        select.setObject(1, id.value());
        return readFiles(select);
      }
    });
  }

  @Override
  public List<FileRecord> expiredFiles(Instant now, int limit) {
    return withConnection("find expired files", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + FILE_COLUMNS + " FROM fdbe_files "
          + "WHERE expires_at_us < ? AND deleted_at_us IS NULL ORDER BY expires_at_us LIMIT ?")) {
        select.setLong(1, Micros.of(now));
        select.setInt(2, limit);
        return readFiles(select);
      }
    });
  }

  @Override
  public void markFileDeleted(FileId id, Instant now) {
    withConnection("mark file " + id + " deleted", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE fdbe_files SET deleted_at_us = ? WHERE id = ? AND deleted_at_us IS NULL")) {
        update.setLong(1, Micros.of(now));
        update.setObject(2, id.value());
        update.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<RunRecord> uncleaned(int limit) {
    return withConnection("find runs to clean up", connection -> {
      try (PreparedStatement select = connection.prepareStatement("SELECT " + RUN_COLUMNS + " FROM fdbe_runs "
          + "WHERE storage_cleaned = FALSE AND status NOT IN " + ACTIVE + " ORDER BY created_at_us LIMIT ?")) {
        select.setInt(1, limit);
        return readRuns(connection, select);
      }
    });
  }

  @Override
  public void markCleaned(RunId id) {
    withConnection("mark run " + id + " cleaned", connection -> {
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE fdbe_runs SET storage_cleaned = TRUE WHERE id = ? AND status NOT IN " + ACTIVE)) {
        update.setObject(1, id.value());
        update.executeUpdate();
      }
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM fdbe_parts WHERE run_id = ?")) {
        delete.setObject(1, id.value());
        delete.executeUpdate();
      }
      return null;
    });
  }

  // ---------------------------------------------------------------- logs

  @Override
  public RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now) {
    return withConnection("write a log line of run " + runId, connection -> {
      long micros = Micros.of(now);
      try (PreparedStatement latest = connection.prepareStatement(
          "SELECT MAX(ts_us) FROM fdbe_run_logs WHERE run_id = ?")) {
        latest.setObject(1, runId.value());
        try (ResultSet rs = latest.executeQuery()) {
          if (rs.next()) {
            long max = rs.getLong(1);
            if (!rs.wasNull()) {
              micros = Math.max(micros, max + 1);
            }
          }
        }
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO fdbe_run_logs "
          + "(run_id, ts_us, attempt_id, log_level, message) VALUES (?, ?, ?, ?, ?)")) {
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
            if (!Dialect.isUniqueViolation(e) || tries >= 1000) {
              throw e;
            }
            micros++;
          }
        }
      }
    });
  }

  @Override
  public Page<RunLogEntry> logs(RunId runId, LogQuery query) {
    StringBuilder where = new StringBuilder(" WHERE run_id = ?");
    List<Object> params = new ArrayList<>();
    params.add(runId.value());
    if (query.after() != null) {
      where.append(" AND ts_us > ?");
      params.add(Micros.bound(query.after()));
    }
    if (query.before() != null) {
      where.append(" AND ts_us < ?");
      params.add(Micros.bound(query.before()));
    }
    if (!query.levels().isEmpty()) {
      where.append(" AND log_level IN (").append(placeholders(query.levels().size())).append(')');
      query.levels().stream().map(LogLevel::name).sorted().forEach(params::add);
    }
    if (query.instanceId() != null) {
      where.append(" AND attempt_id = ?");
      params.add(query.instanceId().value());
    }
    if (query.search() != null) {
      where.append(" AND LOWER(message) LIKE ? ESCAPE '\\'");
      params.add("%" + escapeLike(query.search().toLowerCase(Locale.ROOT)) + "%");
    }
    return withConnection("read the log of run " + runId, connection -> {
      long count;
      try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM fdbe_run_logs" + where)) {
        bind(select, params);
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      List<RunLogEntry> entries = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement("SELECT ts_us, attempt_id, log_level, message "
          + "FROM fdbe_run_logs" + where + " ORDER BY ts_us DESC LIMIT ?")) {
        bind(select, params);
        select.setInt(params.size() + 1, query.limit());
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            entries.add(new RunLogEntry(runId, new AttemptId(rs.getObject(2, UUID.class)),
                Micros.toInstant(rs.getLong(1)), LogLevel.valueOf(rs.getString(3)), rs.getString(4)));
          }
        }
      }
      return new Page<>(count, 0, query.limit(), entries);
    });
  }

  private static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  // ---------------------------------------------------------------- row mapping

  private static List<RunRecord> readRuns(Connection connection, PreparedStatement select) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        Object[] row = new Object[RUN_COLUMN_COUNT];
        for (int i = 0; i < row.length; i++) {
          row[i] = i == 0 || i == 17 || i == 22 ? rs.getObject(i + 1, UUID.class) : rs.getObject(i + 1);
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<String>> includes = new HashMap<>();
    Map<UUID, List<String>> excludes = new HashMap<>();
    try (PreparedStatement filters = connection.prepareStatement("SELECT run_id, kind, event_name "
        + "FROM fdbe_run_event_filters WHERE run_id IN (" + placeholders(rows.size()) + ") ORDER BY run_id, kind, seq")) {
      for (int i = 0; i < rows.size(); i++) {
        filters.setObject(i + 1, rows.get(i)[0]);
      }
      try (ResultSet rs = filters.executeQuery()) {
        while (rs.next()) {
          UUID run = rs.getObject(1, UUID.class);
          Map<UUID, List<String>> target = "include".equals(rs.getString(2)) ? includes : excludes;
          target.computeIfAbsent(run, k -> new ArrayList<>()).add(rs.getString(3));
        }
      }
    }
    List<RunRecord> runs = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      UUID id = (UUID) row[0];
      Model model = Model.fromWireName((String) row[2])
          .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown model " + row[2]));
      FileFormat format = FileFormat.fromWireName((String) row[3])
          .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown format " + row[3]));
      Compression compression = Compression.fromWireName((String) row[4])
          .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown compression " + row[4]));
      ExportRequest request = new ExportRequest(model, new FileConfig(format, compression, number(row[5])),
          includes.getOrDefault(id, List.of()), excludes.getOrDefault(id, List.of()),
          Micros.toInstant(number(row[6])), Micros.toInstant(number(row[7])));
      RunStatus status = RunStatus.fromWireName((String) row[8])
          .orElseThrow(() -> new IllegalStateException("run " + id + " has unknown status " + row[8]));
      runs.add(new RunRecord(new RunId(id), new TeamId(number(row[1])), request, status, (String) row[9],
          new Progress(number(row[10]), number(row[11]), (int) number(row[12])),
          Micros.toInstant(number(row[13])), instant(row[14]), instant(row[15]), number(row[16]),
          row[17] == null ? null : new AttemptId((UUID) row[17]), (String) row[18], instant(row[19]),
          (int) number(row[20]), (Boolean) row[21], row[22] == null ? null : new RunId((UUID) row[22]),
          (int) number(row[23]), (int) number(row[24])));
    }
    return runs;
  }

  private static List<FileRecord> readFiles(PreparedStatement select) throws SQLException {
    List<FileRecord> files = new ArrayList<>();
    try (ResultSet rs = select.executeQuery()) {
      while (rs.next()) {
        long deleted = rs.getLong(10);
        Instant deletedAt = rs.wasNull() ? null : Micros.toInstant(deleted);
        files.add(new FileRecord(new FileId(rs.getObject(1, UUID.class)), new RunId(rs.getObject(2, UUID.class)),
            rs.getInt(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getString(8),
            Micros.toInstant(rs.getLong(9)), deletedAt));
      }
    }
    return files;
  }

  private static long number(Object value) {
    return ((Number) value).longValue();
  }

  private static Instant instant(Object micros) {
    return micros == null ? null : Micros.toInstant(number(micros));
  }

  private static void setMicros(PreparedStatement statement, int index, Instant instant) throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.BIGINT);
    } else {
      statement.setLong(index, Micros.of(instant));
    }
  }

  private static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object value = params.get(i);
      if (value instanceof Long l) {
        statement.setLong(i + 1, l);
      } else if (value instanceof String s) {
        statement.setString(i + 1, s);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }

  /**
   * Renders statuses as a parenthesized SQL list of quoted wire names in declaration order, such as
   * the active ones as {@code (<Starting>, <Running>)} with each name in single quotes. Only for the
   * fixed sets of the lifecycle: wire names are enum constants, not input.
   */
  static String sqlList(Set<RunStatus> statuses) {
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("an SQL status list needs at least one status");
    }
    StringBuilder out = new StringBuilder("(");
    for (RunStatus status : RunStatus.values()) {
      if (statuses.contains(status)) {
        String name = status.wireName();
        if (!name.matches("[A-Za-z]+")) {
          throw new IllegalStateException("wire name " + name + " cannot be rendered into SQL");
        }
        out.append(out.length() == 1 ? "" : ", ").append('\'').append(name).append('\'');
      }
    }
    return out.append(')').toString();
  }

  private static String placeholders(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }
}
