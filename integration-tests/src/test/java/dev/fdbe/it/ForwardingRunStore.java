package dev.fdbe.it;

import dev.fdbe.AttemptId;
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
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Forwards every call to another run store; tests override the calls they interfere with. */
class ForwardingRunStore implements RunStore {
  private final RunStore delegate;

  ForwardingRunStore(RunStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void insert(RunRecord run, int maxActivePerTeam) {
    delegate.insert(run, maxActivePerTeam);
  }

  @Override
  public void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam) {
    delegate.insertSliced(run, slices, maxActivePerTeam);
  }

  @Override
  public List<RunRecord> slices(RunId parent) {
    return delegate.slices(parent);
  }

  @Override
  public Optional<RunRecord> find(RunId id) {
    return delegate.find(id);
  }

  @Override
  public List<RunRecord> findAll(Collection<RunId> ids) {
    return delegate.findAll(ids);
  }

  @Override
  public Page<RunRecord> list(TeamId team, int limit, long offset) {
    return delegate.list(team, limit, offset);
  }

  @Override
  public boolean stop(RunId id, RunStatus to, @Nullable String error, Instant now) {
    return delegate.stop(id, to, error, now);
  }

  @Override
  public List<RunRecord> claimable(Instant now, int limit) {
    return delegate.claimable(now, limit);
  }

  @Override
  public Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    return delegate.claim(id, expectedEpoch, attemptId, owner, now, leaseUntil);
  }

  @Override
  public Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil) {
    return delegate.reattempt(current, attemptId, now, leaseUntil);
  }

  @Override
  public boolean renew(Lease lease, Instant until) {
    return delegate.renew(lease, until);
  }

  @Override
  public boolean release(Lease lease, Instant now) {
    return delegate.release(lease, now);
  }

  @Override
  public boolean registerPart(Lease lease, PartRecord part) {
    return delegate.registerPart(lease, part);
  }

  @Override
  public boolean reportProgress(Lease lease, long records, long bytes, Long recordsTotal) {
    return delegate.reportProgress(lease, records, bytes, recordsTotal);
  }

  @Override
  public List<PartRecord> parts(RunId id, long epoch) {
    return delegate.parts(id, epoch);
  }

  @Override
  public boolean complete(Lease lease, List<FileRecord> files, Instant now) {
    return delegate.complete(lease, files, now);
  }

  @Override
  public boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    return delegate.fail(lease, status, error, now);
  }

  @Override
  public UploadJournal uploadJournal(RunId runId, long epoch, InstantSource clock) {
    return delegate.uploadJournal(runId, epoch, clock);
  }

  @Override
  public List<UploadRecord> uploads(int limit) {
    return delegate.uploads(limit);
  }

  @Override
  public List<FileRecord> files(RunId id) {
    return delegate.files(id);
  }

  @Override
  public List<FileRecord> expiredFiles(Instant now, int limit) {
    return delegate.expiredFiles(now, limit);
  }

  @Override
  public void markFileDeleted(FileId id, Instant now) {
    delegate.markFileDeleted(id, now);
  }

  @Override
  public List<RunRecord> uncleaned(int limit) {
    return delegate.uncleaned(limit);
  }

  @Override
  public void markCleaned(RunId id) {
    delegate.markCleaned(id);
  }

  @Override
  public RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now) {
    return delegate.appendLog(runId, attemptId, level, message, now);
  }

  @Override
  public Page<RunLogEntry> logs(RunId runId, LogQuery query) {
    return delegate.logs(runId, query);
  }
}
