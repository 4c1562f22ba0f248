package dev.fdbe.internal.store;

import dev.fdbe.AttemptId;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.LogQuery;
import dev.fdbe.Page;
import dev.fdbe.PageRequest;
import dev.fdbe.Progress;
import dev.fdbe.RunId;
import dev.fdbe.RunLogEntry;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.TooManyRunsException;
import dev.fdbe.internal.Micros;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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

  @Override
  public void insert(RunRecord run, int maxActivePerTeam) {
    synchronized (lock) {
      if (runs.containsKey(run.id())) {
        throw new IllegalStateException("run " + run.id() + " already exists");
      }
      long active = runs.values().stream()
          .filter(r -> r.team().equals(run.team()) && !r.status().isTerminal())
          .count();
      if (active >= maxActivePerTeam) {
        throw new TooManyRunsException(run.team(), maxActivePerTeam);
      }
      runs.put(run.id(), run);
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
  public Page<RunRecord> list(TeamId team, PageRequest page) {
    synchronized (lock) {
      List<RunRecord> all = runs.values().stream()
          .filter(r -> r.team().equals(team))
          .sorted(Comparator.comparing(RunRecord::createdAt).reversed()
              .thenComparing(r -> r.id().value(), Comparator.reverseOrder()))
          .toList();
      int from = (int) Math.min(page.offset(), all.size());
      int to = (int) Math.min((long) from + page.limit(), all.size());
      return new Page<>(all.size(), page.offset(), page.limit(), all.subList(from, to));
    }
  }

  @Override
  public boolean stop(RunId id, RunStatus to, String error, Instant now) {
    synchronized (lock) {
      RunRecord run = runs.get(id);
      if (run == null || run.status().isTerminal()) {
        return false;
      }
      runs.put(id, withStatus(run, to, error, now));
      return true;
    }
  }

  @Override
  public List<RunRecord> claimable(Instant now, int limit) {
    synchronized (lock) {
      return runs.values().stream()
          .filter(r -> isClaimable(r, now))
          .sorted(Comparator.comparing(RunRecord::createdAt))
          .limit(limit)
          .toList();
    }
  }

  private static boolean isClaimable(RunRecord run, Instant now) {
    return run.status() == RunStatus.STARTING
        || (run.status() == RunStatus.RUNNING && run.leaseExpiresAt() != null && run.leaseExpiresAt().isBefore(now));
  }

  @Override
  public Optional<Lease> claim(RunId id, long expectedEpoch, AttemptId attemptId, String owner, Instant now,
      Instant leaseUntil) {
    synchronized (lock) {
      RunRecord run = runs.get(id);
      if (run == null || run.leaseEpoch() != expectedEpoch || !isClaimable(run, now)) {
        return Optional.empty();
      }
      return Optional.of(startAttempt(run, attemptId, owner, now, leaseUntil));
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
    RunRecord claimed = new RunRecord(run.id(), run.team(), run.request(), RunStatus.RUNNING, null, Progress.NONE,
        run.createdAt(), started, null, epoch, attemptId, owner, Micros.truncate(leaseUntil),
        run.attempts() + 1, false);
    runs.put(run.id(), claimed);
    return new Lease(run.id(), epoch, attemptId, claimed.attempts(), owner, claimed.leaseExpiresAt());
  }

  /** The run if {@code lease} still holds it, else null. */
  private RunRecord holding(Lease lease) {
    RunRecord run = runs.get(lease.runId());
    if (run == null || run.status() != RunStatus.RUNNING || run.leaseEpoch() != lease.epoch()) {
      return null;
    }
    return run;
  }

  @Override
  public boolean renew(Lease lease, Instant until) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      runs.put(run.id(), withLeaseExpiry(run, Micros.truncate(until)));
      return true;
    }
  }

  @Override
  public boolean release(Lease lease, Instant now) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      runs.put(run.id(), withLeaseExpiry(run, Micros.truncate(now).minusNanos(1000)));
      return true;
    }
  }

  private static RunRecord withLeaseExpiry(RunRecord run, Instant expiry) {
    return new RunRecord(run.id(), run.team(), run.request(), run.status(), run.error(), run.progress(),
        run.createdAt(), run.startedAt(), run.finishedAt(), run.leaseEpoch(), run.attemptId(), run.leaseOwner(),
        expiry, run.attempts(), run.storageCleaned());
  }

  @Override
  public boolean registerPart(Lease lease, PartRecord part) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null || part.epoch() != lease.epoch()) {
        return false;
      }
      parts.computeIfAbsent(run.id(), k -> new ArrayList<>()).add(part);
      Progress p = run.progress();
      Progress progress = new Progress(p.recordsCompleted() + part.records(), p.bytesExported() + part.sizeBytes(),
          p.partsCompleted() + 1);
      runs.put(run.id(), new RunRecord(run.id(), run.team(), run.request(), run.status(), run.error(), progress,
          run.createdAt(), run.startedAt(), run.finishedAt(), run.leaseEpoch(), run.attemptId(), run.leaseOwner(),
          run.leaseExpiresAt(), run.attempts(), run.storageCleaned()));
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
      long records = sorted.stream().mapToLong(FileRecord::records).sum();
      long bytes = sorted.stream().mapToLong(FileRecord::sizeBytes).sum();
      RunRecord done = withStatus(run, RunStatus.COMPLETED, null, now);
      runs.put(run.id(), new RunRecord(done.id(), done.team(), done.request(), done.status(), null,
          new Progress(records, bytes, sorted.size()), done.createdAt(), done.startedAt(), done.finishedAt(),
          done.leaseEpoch(), done.attemptId(), done.leaseOwner(), done.leaseExpiresAt(), done.attempts(), false));
      return true;
    }
  }

  @Override
  public boolean fail(Lease lease, RunStatus status, String error, Instant now) {
    synchronized (lock) {
      RunRecord run = holding(lease);
      if (run == null) {
        return false;
      }
      runs.put(run.id(), withStatus(run, status, error, now));
      return true;
    }
  }

  private static RunRecord withStatus(RunRecord run, RunStatus status, String error, Instant now) {
    return new RunRecord(run.id(), run.team(), run.request(), status, error, run.progress(), run.createdAt(),
        run.startedAt(), Micros.truncate(now), run.leaseEpoch(), run.attemptId(), run.leaseOwner(),
        run.leaseExpiresAt(), run.attempts(), false);
  }

  @Override
  public boolean recordUpload(Lease lease, String key, String uploadId, Instant now) {
    synchronized (lock) {
      if (holding(lease) == null) {
        return false;
      }
      uploads.add(new UploadRecord(lease.runId(), lease.epoch(), key, uploadId, Micros.truncate(now)));
      return true;
    }
  }

  @Override
  public void forgetUpload(RunId id, String uploadId) {
    synchronized (lock) {
      uploads.removeIf(u -> u.runId().equals(id) && u.uploadId().equals(uploadId));
    }
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
          .filter(r -> r.status().isTerminal() && !r.storageCleaned())
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
        runs.put(id, new RunRecord(run.id(), run.team(), run.request(), run.status(), run.error(), run.progress(),
            run.createdAt(), run.startedAt(), run.finishedAt(), run.leaseEpoch(), run.attemptId(), run.leaseOwner(),
            run.leaseExpiresAt(), run.attempts(), true));
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
