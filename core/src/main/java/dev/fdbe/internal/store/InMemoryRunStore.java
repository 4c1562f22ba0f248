package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
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
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunStore} in one process's memory, for tests and offline use. One lock guards all state,
 * so every method is atomic, as the JDBC store's transactions are.
 */
public final class InMemoryRunStore implements RunStore {
  private final Object lock = new Object();
  private final Map<RunId, RunRecord> runs = new LinkedHashMap<>();
  private final Map<RunId, List<PartRecord>> parts = new HashMap<>();
  private final Map<RunId, List<FileRecord>> files = new HashMap<>();
  private final Map<RunId, List<RunLogEntry>> logs = new HashMap<>();
  private final List<UploadRecord> uploads = new ArrayList<>();

  /** How far a run's attempt got: rows, stored bytes, parts, and the rows its source counted. */
  private record Progress(long recordsCompleted, long bytesExported, int partsCompleted, @Nullable Long recordsTotal) {
    static final Progress NONE = new Progress(0, 0, 0, null);

    static Progress of(RunRecord r) {
      return new Progress(r.recordsCompleted(), r.bytesExported(), r.partsCompleted(), r.recordsTotal());
    }

    /** At least the given rows and bytes, with the given total and parts. */
    Progress atLeast(long records, long bytes, int parts, @Nullable Long total) {
      return new Progress(Math.max(recordsCompleted, records), Math.max(bytesExported, bytes), parts, total);
    }
  }

  /** The changeable parts of a run; everything else is copied from the run as it is. */
  private record Change(RunStatus status, @Nullable String error, Progress progress, @Nullable Instant startedAt,
      @Nullable Instant finishedAt, long leaseEpoch, @Nullable AttemptId attemptId, @Nullable String leaseOwner,
      @Nullable Instant leaseExpiresAt, int attempts, boolean storageCleaned) {
    static Change of(RunRecord r) {
      return new Change(r.status(), r.error(), Progress.of(r), r.startedAt(), r.finishedAt(), r.leaseEpoch(),
          r.attemptId(), r.leaseOwner(), r.leaseExpiresAt(), r.attempts(), r.storageCleaned());
    }

    Change status(RunStatus newStatus, @Nullable String newError, Instant now) {
      return new Change(newStatus, newError, progress, startedAt, Micros.truncate(now), leaseEpoch, attemptId,
          leaseOwner, leaseExpiresAt, attempts, false);
    }

    Change progress(Progress newProgress) {
      return new Change(status, error, newProgress, startedAt, finishedAt, leaseEpoch, attemptId, leaseOwner,
          leaseExpiresAt, attempts, storageCleaned);
    }

    Change leaseExpiry(Instant expiry) {
      return new Change(status, error, progress, startedAt, finishedAt, leaseEpoch, attemptId, leaseOwner, expiry,
          attempts, storageCleaned);
    }

    Change cleaned() {
      return new Change(status, error, progress, startedAt, finishedAt, leaseEpoch, attemptId, leaseOwner,
          leaseExpiresAt, attempts, true);
    }

    Change toClean() {
      return new Change(status, error, progress, startedAt, finishedAt, leaseEpoch, attemptId, leaseOwner,
          leaseExpiresAt, attempts, false);
    }

    RunRecord applyTo(RunRecord r) {
      return new RunRecord(r.id(), r.team(), r.request(), status, error, progress.recordsCompleted(),
          progress.bytesExported(), progress.partsCompleted(), progress.recordsTotal(), r.createdAt(), startedAt,
          finishedAt, leaseEpoch, attemptId, leaseOwner, leaseExpiresAt, attempts, storageCleaned, r.parentId(),
          r.sliceIndex(), r.sliceCount());
    }
  }

  private void put(RunRecord run, Change change) {
    runs.put(run.id(), change.applyTo(run));
  }

  @Override
  public void insert(RunRecord run, int maxActivePerTeam) {
    synchronized (lock) {
      checkNew(run);
      checkLimit(run, maxActivePerTeam);
      runs.put(run.id(), run);
    }
  }

  @Override
  public void insertSliced(RunRecord run, List<RunRecord> slices, int maxActivePerTeam) {
    if (!run.isSliced() || slices.size() != run.sliceCount()) {
      throw new IllegalArgumentException("run " + run.id() + " has " + run.sliceCount() + " slices but "
          + slices.size() + " were given");
    }
    synchronized (lock) {
      checkNew(run);
      slices.forEach(this::checkNew);
      checkLimit(run, maxActivePerTeam);
      runs.put(run.id(), run);
      slices.forEach(slice -> runs.put(slice.id(), slice));
    }
  }

  private void checkNew(RunRecord run) {
    if (runs.containsKey(run.id())) {
      throw new IllegalStateException("run " + run.id() + " already exists");
    }
  }

  private void checkLimit(RunRecord run, int maxActivePerTeam) {
    long active = runs.values().stream()
        .filter(r -> r.team().equals(run.team()) && !r.isSlice() && Transitions.isActive(r.status()))
        .count();
    if (active >= maxActivePerTeam) {
      throw new TooManyRunsException(run.team(), maxActivePerTeam);
    }
  }

  @Override
  public List<RunRecord> slices(RunId parent) {
    synchronized (lock) {
      return runs.values().stream()
          .filter(r -> parent.equals(r.parentId()))
          .sorted(Comparator.comparingInt(RunRecord::sliceIndex))
          .toList();
    }
  }

  @Override
  public Optional<RunRecord> find(RunId id) {
    synchronized (lock) {
      return Optional.ofNullable(runs.get(id));
    }
  }

  @Override
  public List<RunRecord> findAll(Collection<RunId> ids) {
    synchronized (lock) {
      List<RunRecord> found = new ArrayList<>();
      for (RunId id : ids) {
        RunRecord run = runs.get(id);
        if (run != null) {
          found.add(run);
        }
      }
      return found;
    }
  }

  @Override
  public Page<RunRecord> list(TeamId team, int limit, long offset) {
    synchronized (lock) {
      List<RunRecord> all = runs.values().stream()
          .filter(r -> r.team().equals(team) && !r.isSlice())
          .sorted(Comparator.comparing(RunRecord::createdAt).reversed()
              .thenComparing(r -> r.id().toString(), Comparator.reverseOrder()))
          .toList();
      int from = (int) Math.min(offset, all.size());
      int to = (int) Math.min((long) from + limit, all.size());
      return new Page<>(all.size(), offset, limit, all.subList(from, to));
    }
  }

  @Override
  public boolean stop(RunId id, RunStatus to, @Nullable String error, Instant now) {
    synchronized (lock) {
      RunRecord run = runs.get(id);
      if (run == null || !Transitions.isActive(run.status())) {
        return false;
      }
      put(run, Change.of(run).status(to, error, now));
      stopSlices(id, null, to, error, now);
      return true;
    }
  }

  /**
   * Stops the active slices of a run that ends otherwise than completed, and hands its completed
   * slices back to the cleanup sweep: their files will never be listed.
   */
  private void stopSlices(RunId parent, @Nullable RunId except, RunStatus to, String error, Instant now) {
    for (RunRecord slice : List.copyOf(runs.values())) {
      if (!parent.equals(slice.parentId()) || slice.id().equals(except)) {
        continue;
      }
      if (Transitions.isActive(slice.status())) {
        put(slice, Change.of(slice).status(to, error, now));
      } else if (slice.status() == RunStatus.COMPLETED) {
        put(slice, Change.of(slice).toClean());
      }
    }
  }

  @Override
  public List<RunRecord> claimable(Instant now, int limit) {
    synchronized (lock) {
      return runs.values().stream()
          .filter(r -> isClaimable(r, now))
          .sorted(Comparator.comparing(RunRecord::createdAt).thenComparingInt(RunRecord::sliceIndex))
          .limit(limit)
          .toList();
    }
  }

  private static boolean isClaimable(RunRecord run, Instant now) {
    return !run.isSliced() && Transitions.isClaimable(run.status(),
        run.leaseExpiresAt() != null && run.leaseExpiresAt().isBefore(now));
  }

  @Override
  public Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    synchronized (lock) {
      RunRecord run = runs.get(id);
      if (run == null || run.leaseEpoch() != expectedEpoch || !isClaimable(run, now)) {
        return Optional.empty();
      }
      Lease lease = startAttempt(run, attemptId, owner, now, leaseUntil);
      RunRecord parent = run.isSlice() ? runs.get(run.parentId()) : null;
      if (parent != null && Transitions.unstartedStatuses().contains(parent.status())) {
        Change change = Change.of(parent);
        put(parent, new Change(Transitions.LEASED, null, change.progress(),
            parent.startedAt() == null ? Micros.truncate(now) : parent.startedAt(), null, change.leaseEpoch(),
            change.attemptId(), change.leaseOwner(), change.leaseExpiresAt(), change.attempts(), false));
      }
      return Optional.of(lease);
    }
  }

  @Override
  public Optional<Lease> reattempt(Lease current, AttemptId attemptId, Instant now, Instant leaseUntil) {
    synchronized (lock) {
      RunRecord run = holding(current);
      if (run == null) {
        return Optional.empty();
      }
      return Optional.of(startAttempt(run, attemptId, current.owner(), now, leaseUntil));
    }
  }

  private Lease startAttempt(RunRecord run, AttemptId attemptId, String owner, Instant now, Instant leaseUntil) {
    long epoch = run.leaseEpoch() + 1;
    Instant started = run.startedAt() == null ? Micros.truncate(now) : run.startedAt();
    Instant expiry = Micros.truncate(leaseUntil);
    put(run, new Change(Transitions.LEASED, null, Progress.NONE, started, null, epoch, attemptId, owner, expiry,
        run.attempts() + 1, false));
    return new Lease(run.id(), epoch, attemptId, run.attempts() + 1, owner, expiry);
  }

  /** The run if {@code lease} still holds it, else null. */
  private @Nullable RunRecord holding(Lease lease) {
    return holding(lease.runId(), lease.epoch());
  }

  /** The run if the lease of {@code epoch} still holds it, else null. */
  private @Nullable RunRecord holding(RunId id, long epoch) {
    RunRecord run = runs.get(id);
    if (run == null || !Transitions.holdsLease(run.status()) || run.leaseEpoch() != epoch) {
      return null;
    }
    return run;
  }

  @Override
  public boolean renew(Lease lease, Instant until) {
    return moveLeaseExpiry(lease, Micros.truncate(until));
  }

  /** Releasing lets the lease lapse one microsecond before {@code now}, so that a claim at {@code now} wins. */
  @Override
  public boolean release(Lease lease, Instant now) {
    return moveLeaseExpiry(lease, Micros.truncate(now).minusNanos(1000));
  }

  private boolean moveLeaseExpiry(Lease lease, Instant expiry) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      put(run, Change.of(run).leaseExpiry(expiry));
      return true;
    }
  }

  @Override
  public boolean registerPart(Lease lease, PartRecord part) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null || part.epoch() != lease.epoch()) {
        return false;
      }
      parts.computeIfAbsent(run.id(), k -> new ArrayList<>()).add(part);
      List<PartRecord> registered = parts(run.id(), lease.epoch());
      Progress p = Progress.of(run);
      put(run, Change.of(run).progress(p.atLeast(registered.stream().mapToLong(PartRecord::records).sum(),
          registered.stream().mapToLong(PartRecord::sizeBytes).sum(), p.partsCompleted() + 1, p.recordsTotal())));
      return true;
    }
  }

  @Override
  public boolean reportProgress(Lease lease, long records, long bytes, @Nullable Long recordsTotal) {
    ProgressCounts.check(records, bytes, recordsTotal);
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      Progress p = Progress.of(run);
      put(run, Change.of(run).progress(p.atLeast(records, bytes, p.partsCompleted(), recordsTotal)));
      return true;
    }
  }

  @Override
  public List<PartRecord> parts(RunId id, long epoch) {
    synchronized (lock) {
      return parts.getOrDefault(id, List.of()).stream()
          .filter(p -> p.epoch() == epoch)
          .sorted(Comparator.comparingInt(PartRecord::index))
          .toList();
    }
  }

  @Override
  public boolean complete(Lease lease, List<FileRecord> completed, Instant now) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      List<FileRecord> sorted = completed.stream().sorted(Comparator.comparingInt(FileRecord::index)).toList();
      files.put(run.id(), sorted);
      put(run, Change.of(run).status(RunStatus.COMPLETED, null, now).progress(totals(sorted, run.recordsTotal())));
      if (run.isSlice()) {
        completeParentIfLast(runs.get(run.parentId()), now);
      }
      return true;
    }
  }

  private static Progress totals(List<FileRecord> files, @Nullable Long recordsTotal) {
    return new Progress(files.stream().mapToLong(FileRecord::records).sum(),
        files.stream().mapToLong(FileRecord::sizeBytes).sum(), files.size(), recordsTotal);
  }

  private void completeParentIfLast(RunRecord parent, Instant now) {
    List<RunRecord> slices = slices(parent.id());
    if (!Transitions.isActive(parent.status()) || slices.stream().anyMatch(s -> s.status() != RunStatus.COMPLETED)) {
      return;
    }
    List<FileRecord> merged = new ArrayList<>();
    for (RunRecord slice : slices) {
      for (FileRecord f : files.getOrDefault(slice.id(), List.of())) {
        merged.add(new FileRecord(FileId.random(), parent.id(), merged.size(), f.key(), f.fileName(), f.sizeBytes(),
            f.records(), f.sha256(), f.expiresAt(), f.deletedAt()));
      }
      files.remove(slice.id());
    }
    files.put(parent.id(), merged);
    put(parent, Change.of(parent).status(RunStatus.COMPLETED, null, now).progress(totals(merged, null)));
  }

  @Override
  public boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      put(run, Change.of(run).status(status, error, now));
      RunRecord parent = run.isSlice() ? runs.get(run.parentId()) : null;
      if (parent != null && Transitions.isActive(parent.status())) {
        put(parent, Change.of(parent).status(status, "slice " + (run.sliceIndex() + 1) + " of " + parent.sliceCount()
            + " (" + run.request().dataInterval().start() + " to " + run.request().dataInterval().end() + "): " + error,
            now));
        stopSlices(parent.id(), run.id(), RunStatus.TERMINATED, Transitions.SIBLING_FAILED, now);
      }
      return true;
    }
  }

  @Override
  public UploadJournal uploadJournal(RunId runId, long epoch, InstantSource clock) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(clock, "clock");
    return new UploadJournal() {
      @Override
      public void opened(String key, String uploadId) {
        Instant now = clock.instant();
        synchronized (lock) {
          if (holding(runId, epoch) == null) {
            throw new IllegalStateException("upload " + uploadId + " of " + key + " is not recorded: run " + runId
                + " is no longer running under lease epoch " + epoch);
          }
          uploads.add(new UploadRecord(runId, epoch, key, uploadId, Micros.truncate(now)));
        }
      }

      @Override
      public void closed(String key, String uploadId) {
        synchronized (lock) {
          uploads.removeIf(u -> u.runId().equals(runId) && u.uploadId().equals(uploadId));
        }
      }
    };
  }

  @Override
  public List<UploadRecord> uploads(int limit) {
    synchronized (lock) {
      return uploads.stream().sorted(Comparator.comparing(UploadRecord::recordedAt)).limit(limit).toList();
    }
  }

  @Override
  public List<FileRecord> files(RunId id) {
    synchronized (lock) {
      return List.copyOf(files.getOrDefault(id, List.of()));
    }
  }

  @Override
  public List<FileRecord> expiredFiles(Instant now, int limit) {
    synchronized (lock) {
      return files.values().stream()
          .flatMap(List::stream)
          .filter(f -> f.deletedAt() == null && f.expiresAt().isBefore(now))
          .sorted(Comparator.comparing(FileRecord::expiresAt))
          .limit(limit)
          .toList();
    }
  }

  @Override
  public void markFileDeleted(FileId id, Instant now) {
    synchronized (lock) {
      for (Map.Entry<RunId, List<FileRecord>> entry : files.entrySet()) {
        List<FileRecord> updated = new ArrayList<>();
        for (FileRecord f : entry.getValue()) {
          updated.add(f.id().equals(id) && f.deletedAt() == null
              ? new FileRecord(f.id(), f.runId(), f.index(), f.key(), f.fileName(), f.sizeBytes(), f.records(),
                  f.sha256(), f.expiresAt(), Micros.truncate(now))
              : f);
        }
        entry.setValue(updated);
      }
    }
  }

  @Override
  public List<RunRecord> uncleaned(int limit) {
    synchronized (lock) {
      return runs.values().stream()
          .filter(r -> Transitions.isTerminal(r.status()) && !r.storageCleaned())
          .sorted(Comparator.comparing(RunRecord::createdAt))
          .limit(limit)
          .toList();
    }
  }

  @Override
  public void markCleaned(RunId id) {
    synchronized (lock) {
      RunRecord run = runs.get(id);
      if (run != null && run.status().isTerminal()) {
        put(run, Change.of(run).cleaned());
      }
    }
  }

  @Override
  public RunLogEntry appendLog(RunId runId, AttemptId attemptId, LogLevel level, String message, Instant now) {
    synchronized (lock) {
      List<RunLogEntry> entries = logs.computeIfAbsent(runId, k -> new ArrayList<>());
      long micros = Micros.of(now);
      if (!entries.isEmpty()) {
        micros = Math.max(micros, Micros.of(entries.get(entries.size() - 1).timestamp()) + 1);
      }
      RunLogEntry entry = new RunLogEntry(runId, attemptId, Micros.toInstant(micros), level, message);
      entries.add(entry);
      return entry;
    }
  }

  @Override
  public Page<RunLogEntry> logs(RunId runId, LogQuery query) {
    synchronized (lock) {
      List<RunLogEntry> matching = logs.getOrDefault(runId, List.of()).stream()
          .filter(query::matches)
          .sorted(Comparator.comparing(RunLogEntry::timestamp).reversed())
          .toList();
      return new Page<>(matching.size(), 0, query.limit(),
          matching.subList(0, Math.min(query.limit(), matching.size())));
    }
  }
}
