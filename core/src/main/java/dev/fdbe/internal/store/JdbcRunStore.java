package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.ExportException;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.UploadRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunStore} on H2 or PostgreSQL.
 *
 * <p>Every change is one short transaction of conditional updates; no connection is held between
 * calls ({@link Database}). Fencing: each write an attempt makes names its lease epoch in the
 * {@code WHERE} clause and is refused when another claim advanced the epoch. The per-team limit
 * locks the team's row in {@code fdbe_teams} while counting and inserting, which serializes creates
 * of one team across processes. The schema is created or upgraded when the store is opened
 * ({@link Migrations}).
 *
 * <p>This class only routes each call to the part of the store it concerns: runs and the team
 * limit ({@link JdbcRuns}), claims and leases ({@link JdbcLeases}), how runs end
 * ({@link JdbcOutcomes}, with {@link JdbcSlices} for sliced runs), parts and file downloads
 * ({@link JdbcParts}), run logs ({@link JdbcLogs}) and open uploads ({@link JdbcUploads}).
 * Their SQL, for both dialects, is in {@link StoreSql}.
 */
public final class JdbcRunStore implements RunStore {
  private final Database db;
  private final JdbcRuns runs;
  private final JdbcLeases leases;
  private final JdbcOutcomes outcomes;
  private final JdbcParts parts;
  private final JdbcLogs logs;
  private final JdbcUploads uploads;

  private JdbcRunStore(Database db) {
    this.db = db;
    this.runs = new JdbcRuns(db);
    this.leases = new JdbcLeases(db);
    this.outcomes = new JdbcOutcomes(db);
    this.parts = new JdbcParts(db);
    this.logs = new JdbcLogs(db);
    this.uploads = new JdbcUploads(db);
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
      return new JdbcRunStore(new Database(dataSource, dialect));
    } catch (SQLException e) {
      throw new ExportException("cannot open the run store: " + e.getMessage(), e, true);
    }
  }

  /** The database dialect. */
  public Dialect dialect() {
    return db.dialect();
  }

  @Override
  public void insert(RunRecord run, int maxActivePerTeam) {
    runs.insert(run, maxActivePerTeam);
  }

  @Override
  public void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam) {
    runs.insertSliced(run, slices, maxActivePerTeam);
  }

  @Override
  public List<RunRecord> slices(RunId parent) {
    return runs.slices(parent);
  }

  @Override
  public Optional<RunRecord> find(RunId id) {
    return runs.find(id);
  }

  @Override
  public List<RunRecord> findAll(Collection<RunId> ids) {
    return runs.findAll(ids);
  }

  @Override
  public Page<RunRecord> list(TeamId team, int limit, long offset) {
    return runs.list(team, limit, offset);
  }

  @Override
  public boolean stop(RunId id, RunStatus to, @Nullable String error, Instant now) {
    return outcomes.stop(id, to, error, now);
  }

  @Override
  public List<RunRecord> claimable(Instant now, int limit) {
    return leases.claimable(now, limit);
  }

  @Override
  public Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    return leases.claim(id, expectedEpoch, attemptId, owner, now, leaseUntil);
  }

  @Override
  public Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil) {
    return leases.reattempt(current, attemptId, now, leaseUntil);
  }

  @Override
  public boolean renew(Lease lease, Instant until) {
    return leases.renew(lease, until);
  }

  @Override
  public boolean release(Lease lease, Instant now) {
    return leases.release(lease, now);
  }

  @Override
  public boolean registerPart(Lease lease, PartRecord part) {
    return parts.registerPart(lease, part);
  }

  @Override
  public boolean reportProgress(Lease lease, long records, long bytes, @Nullable Long recordsTotal) {
    ProgressCounts.check(records, bytes, recordsTotal);
    return parts.reportProgress(lease, records, bytes, recordsTotal);
  }

  @Override
  public List<PartRecord> parts(RunId id, long epoch) {
    return parts.parts(id, epoch);
  }

  @Override
  public boolean complete(Lease lease, List<FileRecord> files, Instant now) {
    return outcomes.complete(lease, files, now);
  }

  @Override
  public boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    return outcomes.fail(lease, status, error, now);
  }

  @Override
  public UploadJournal uploadJournal(RunId runId, long epoch, InstantSource clock) {
    return uploads.journal(Objects.requireNonNull(runId, "runId"), epoch, Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public List<UploadRecord> uploads(int limit) {
    return uploads.recorded(limit);
  }

  @Override
  public List<FileRecord> files(RunId id) {
    return parts.files(id);
  }

  @Override
  public List<FileRecord> expiredFiles(Instant now, int limit) {
    return parts.expiredFiles(now, limit);
  }

  @Override
  public void markFileDeleted(FileId id, Instant now) {
    parts.markFileDeleted(id, now);
  }

  @Override
  public List<RunRecord> uncleaned(int limit) {
    return runs.uncleaned(limit);
  }

  @Override
  public void markCleaned(RunId id) {
    runs.markCleaned(id);
  }

  @Override
  public RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now) {
    return logs.appendLog(runId, attemptId, level, message, now);
  }

  @Override
  public Page<RunLogEntry> logs(RunId runId, LogQuery query) {
    return logs.logs(runId, query);
  }
}
