package dev.fdbe.internal;

import dev.fdbe.AttemptId;
import dev.fdbe.LogLevel;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's threads: a poller that claims runs and watches the running ones, a maintenance
 * sweeper, and a fixed pool of workers that execute attempts.
 *
 * <p>Every poll interval the poller (1) reads the status and lease epoch of each run executing here
 * and stops those that were cancelled, terminated, taken over or are past their time limit,
 * (2) renews leases a third of the way through their duration, and (3) claims as many claimable
 * runs as there are idle workers. The maintenance sweeper deletes expired file downloads and the
 * objects of runs that ended without cleaning up after themselves (a crash, a lost lease).
 */
public final class Workers {
  private static final Logger LOG = LoggerFactory.getLogger(Workers.class);
  private static final long AWAIT_WHILE_HERE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long AWAIT_ELSEWHERE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** How long stopped runs have to hand over (release their leases) before their threads are interrupted. */
  private static final long HAND_OVER_SECONDS = 30;
  /** The same after the closing thread was interrupted, which asks for a quick end. */
  private static final long HAND_OVER_AFTER_INTERRUPT_SECONDS = 5;

  private final EngineSettings settings;
  private final RunStore store;
  private final BlobStore blobs;
  private final RunLog log;
  private final AttemptRunner runner;
  private final StorageCleaner cleaner;
  private final EngineMetrics metrics;
  private final Map<RunId, ActiveRun> active = new ConcurrentHashMap<>();
  /** Guards {@link #changes} and is notified when it grows. */
  private final Object changed = new Object();
  /** How often the runs executing here changed (one claimed, one finished), for {@link #awaitChange}. */
  private long changes;
  private final Object lifecycle = new Object();
  private ScheduledExecutorService poller;
  private ScheduledExecutorService maintenance;
  private ExecutorService pool;
  private volatile boolean accepting;

  public Workers(EngineSettings settings, RunLog log) {
    this.settings = settings;
    this.store = settings.runStore();
    this.blobs = settings.blobStore();
    this.log = log;
    this.metrics = EngineMetrics.create(settings.instanceName(), active::size);
    this.runner = new AttemptRunner(settings, log, metrics);
    this.cleaner = new StorageCleaner(blobs);
  }

  /** Starts the threads; idempotent. */
  public void start() {
    synchronized (lifecycle) {
      if (pool != null) {
        return;
      }
      metrics.open();
      pool = Executors.newFixedThreadPool(settings.workers(), threads("fdbe-worker"));
      poller = Executors.newSingleThreadScheduledExecutor(threads("fdbe-poller"));
      maintenance = Executors.newSingleThreadScheduledExecutor(threads("fdbe-maintenance"));
      accepting = true;
      long poll = settings.pollInterval().toMillis();
      poller.scheduleWithFixedDelay(this::poll, 0, poll, TimeUnit.MILLISECONDS);
      long sweep = settings.maintenanceInterval().toMillis();
      maintenance.scheduleWithFixedDelay(this::maintain, 0, sweep, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether the threads run. */
  public boolean isRunning() {
    synchronized (lifecycle) {
      return pool != null && accepting;
    }
  }

  /** Asks the poller to claim at once (after a create), instead of at its next tick. */
  public void wakeUp() {
    ScheduledExecutorService p;
    synchronized (lifecycle) {
      p = accepting ? poller : null;
    }
    if (p != null) {
      try {
        p.execute(this::claim);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // Shutting down: nothing more is claimed.
      }
    }
  }

  /** A mark of the runs executing here, to pass to {@link #awaitChange}. */
  public long changes() {
    synchronized (changed) {
      return changes;
    }
  }

  /**
   * Waits between two reads of a run that someone awaits: until a run is claimed or finishes here
   * after {@code since} was taken from {@link #changes()}, or at most a second while these workers
   * execute the run (its end is theirs; the second in case it is missed) and 50 ms otherwise, and
   * never past {@code deadline} (of {@link System#nanoTime()}); at once when a change came already.
   */
  public void awaitChange(long since, RunId id, long deadline) throws InterruptedException {
    long wait = active.containsKey(id) ? AWAIT_WHILE_HERE_NANOS : AWAIT_ELSEWHERE_NANOS;
    long until = Math.min(deadline, System.nanoTime() + wait);
    synchronized (changed) {
      while (changes == since) {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  /** Whether these workers still execute the run or one of its slices (which the run store knows). */
  public boolean finishing(RunId id) {
    List<RunId> here = activeRuns();
    return !here.isEmpty()
        && (here.contains(id) || store.slices(id).stream().anyMatch(slice -> here.contains(slice.id())));
  }

  private void changed() {
    synchronized (changed) {
      changes++;
      changed.notifyAll();
    }
  }

  /** Stops the run's attempt here, if it executes here, because its status became terminal. */
  public void stopLocal(RunId id, RunStatus status) {
    ActiveRun run = active.get(id);
    if (run != null) {
      run.requestStop(status == RunStatus.CANCELLED ? StopReason.CANCELLED : StopReason.TERMINATED);
    }
  }

  /** The runs executing here. */
  public List<RunId> activeRuns() {
    return List.copyOf(active.keySet());
  }

  /**
   * Stops claiming, waits up to the grace period for running exports to finish, then stops the rest
   * and releases their leases so another engine takes them over; an interrupt of the calling thread
   * ends the grace period at once, leaves the runs {@value #HAND_OVER_AFTER_INTERRUPT_SECONDS} s to
   * hand over instead of {@value #HAND_OVER_SECONDS}, and stays set. Idempotent.
   */
  public void shutdown(Duration grace) {
    ExecutorService p;
    synchronized (lifecycle) {
      if (pool == null) {
        metrics.close(); // built but never started, or closed before
        return;
      }
      accepting = false;
      p = pool;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (!active.isEmpty() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      sleep(Math.min(50, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
    // An interrupt ends the grace period; the runs still get a short while to hand over (release
    // their leases) before their threads are interrupted, and the interrupt is put back at the end.
    boolean interrupted = Thread.interrupted();
    for (ActiveRun run : active.values()) {
      run.requestStop(StopReason.SHUTDOWN);
    }
    p.shutdown();
    long handOver = interrupted ? HAND_OVER_AFTER_INTERRUPT_SECONDS : HAND_OVER_SECONDS;
    try {
      if (!p.awaitTermination(handOver, TimeUnit.SECONDS)) {
        LOG.warn("workers did not stop within {} s after shutdown; runs {} keep their leases until they expire",
            handOver, active.keySet());
        p.shutdownNow();
      }
    } catch (InterruptedException e) {
      interrupted = true;
      LOG.warn("interrupted while the workers stopped; runs {} keep their leases until they expire", active.keySet());
      p.shutdownNow();
    }
    synchronized (lifecycle) {
      poller.shutdownNow();
      maintenance.shutdownNow();
      pool = null;
      metrics.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- poller

  private void poll() {
    try {
      watch();
    } catch (RuntimeException e) {
      LOG.warn("checking the running exports failed; retrying at the next poll", e);
    }
    claim();
  }

  private void watch() {
    if (active.isEmpty()) {
      return;
    }
    Map<RunId, Lease> seen = new HashMap<>();
    active.forEach((id, run) -> seen.put(id, run.lease()));
    Map<RunId, RunRecord> records = new HashMap<>();
    for (RunRecord record : store.findAll(seen.keySet())) {
      records.put(record.id(), record);
    }
    Instant now = settings.clock().instant();
    Duration renewEvery = settings.leaseDuration().dividedBy(3);
    for (Map.Entry<RunId, Lease> entry : seen.entrySet()) {
      ActiveRun run = active.get(entry.getKey());
      Lease lease = entry.getValue();
      if (run == null || run.lease() != lease) {
        continue; // finished or moved to a new attempt while we read
      }
      RunRecord record = records.get(entry.getKey());
      Optional<StopReason> stop = stopReasonOf(record, lease, run, now);
      if (stop.isPresent()) {
        run.requestStop(stop.get());
        continue;
      }
      if (!now.isBefore(run.renewedAt().plus(renewEvery))) {
        Instant until = now.plus(settings.leaseDuration());
        if (store.renew(lease, until)) {
          run.renewed(lease.renewedUntil(Micros.truncate(until)), now);
        } else if (run.lease() == lease) {
          store.find(lease.runId()).flatMap(r -> stopReasonOf(r, lease, run, now))
              .ifPresent(run::requestStop);
        }
      }
    }
  }

  private Optional<StopReason> stopReasonOf(RunRecord record, Lease lease, ActiveRun run, Instant now) {
    if (record != null && record.leaseEpoch() > lease.epoch() && settings.instanceName().equals(record.leaseOwner())) {
      return Optional.empty(); // this engine's own next attempt, read before its worker took the new lease
    }
    if (record == null || record.leaseEpoch() > lease.epoch()) {
      return Optional.of(StopReason.LEASE_LOST);
    }
    if (record.status() == RunStatus.CANCELLED) {
      return Optional.of(StopReason.CANCELLED);
    }
    if (record.status() == RunStatus.TERMINATED) {
      return Optional.of(StopReason.TERMINATED);
    }
    if (record.status() == RunStatus.RUNNING && !now.isBefore(run.deadline())) {
      return Optional.of(StopReason.TIMED_OUT);
    }
    return Optional.empty();
  }

  private void claim() {
    if (!accepting) {
      return;
    }
    try {
      synchronized (this) {
        int free = settings.workers() - active.size();
        if (free <= 0) {
          return;
        }
        Instant now = settings.clock().instant();
        for (RunRecord candidate : store.claimable(now, free * 2)) {
          if (free == 0 || !accepting) {
            break;
          }
          if (active.containsKey(candidate.id())) {
            continue;
          }
          Optional<Lease> lease = store.claim(candidate.id(), candidate.leaseEpoch(), AttemptId.random(),
              settings.instanceName(), now, now.plus(settings.leaseDuration()));
          if (lease.isEmpty()) {
            continue;
          }
          Instant started = candidate.startedAt() == null ? Micros.truncate(now) : candidate.startedAt();
          ActiveRun run = new ActiveRun(candidate, lease.get(), started.plus(settings.timeLimit()), now);
          metrics.claimed(candidate.status() == RunStatus.RUNNING);
          if (candidate.status() == RunStatus.RUNNING) {
            // Engines are named for operators only; the run log says what happened, not where.
            LOG.info("{} takes run {} over from {}, whose lease expired at {}", settings.instanceName(),
                candidate.id(), candidate.leaseOwner(), candidate.leaseExpiresAt());
            log.log(candidate, lease.get().attemptId(), LogLevel.WARNING, "Taking the export over from an engine "
                + "whose lease expired at " + candidate.leaseExpiresAt() + "; starting again from the beginning");
          }
          active.put(candidate.id(), run);
          changed();
          free--;
          try {
            pool.execute(() -> execute(run));
          } catch (java.util.concurrent.RejectedExecutionException e) {
            active.remove(candidate.id());
            changed();
            store.release(lease.get(), now);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("claiming runs failed; retrying at the next poll", e);
    }
  }

  private void execute(ActiveRun run) {
    try {
      runner.execute(run);
    } catch (Throwable t) {
      LOG.error("run {} failed unexpectedly; its lease will lapse and another attempt will start", run.run().id(), t);
    } finally {
      active.remove(run.run().id());
      changed();
    }
    wakeUp();
  }

  // ---------------------------------------------------------------- maintenance

  private void maintain() {
    try {
      Instant now = settings.clock().instant();
      for (FileRecord file : store.expiredFiles(now, 500)) {
        blobs.delete(file.key());
        store.markFileDeleted(file.id(), now);
        LOG.debug("deleted expired file {} of run {}", file.key(), file.runId());
      }
      List<RunRecord> uncleaned = new ArrayList<>(store.uncleaned(100));
      for (RunRecord run : uncleaned) {
        if (active.containsKey(run.id())) {
          continue;
        }
        if (run.status() == RunStatus.COMPLETED && !isSliceOfAnUnfinishedRun(run)) {
          cleaner.deleteAttemptsBefore(run.team(), run.id(), run.leaseEpoch());
        } else {
          cleaner.deleteRun(run.team(), run.id());
        }
        store.markCleaned(run.id());
      }
      abortOrphanUploads(now);
    } catch (RuntimeException e) {
      LOG.warn("the maintenance sweep failed; retrying at the next one", e);
    }
  }

  /**
   * Whether the run is a completed slice of a run that ended otherwise (a slice failed, or the run
   * was cancelled, terminated or timed out): its files will never be listed, so they go.
   */
  private boolean isSliceOfAnUnfinishedRun(RunRecord run) {
    if (!run.isSlice()) {
      return false;
    }
    return store.find(run.parentId()).map(parent -> parent.status().isTerminal()
        && parent.status() != RunStatus.COMPLETED).orElse(true);
  }

  /**
   * Aborts every recorded upload that no live attempt owns: its run ended, another attempt holds the
   * run, or its lease expired (a crash). An upload of a run executing here is owned while the run is.
   */
  private void abortOrphanUploads(Instant now) {
    if (!(blobs instanceof MultipartUploads multipart)) {
      return;
    }
    for (UploadRecord upload : store.uploads(500)) {
      ActiveRun local = active.get(upload.runId());
      if (local != null && local.lease().epoch() == upload.epoch()) {
        continue;
      }
      Optional<RunRecord> run = store.find(upload.runId());
      boolean live = run.isPresent() && run.get().status() == RunStatus.RUNNING
          && run.get().leaseEpoch() == upload.epoch()
          && run.get().leaseExpiresAt() != null && run.get().leaseExpiresAt().isAfter(now);
      if (live) {
        continue;
      }
      multipart.abortUpload(upload.key(), upload.uploadId());
      store.uploadJournal(upload.runId(), upload.epoch(), settings.clock()).closed(upload.key(), upload.uploadId());
      LOG.info("aborted upload {} of {}: no live attempt of run {} owns it", upload.uploadId(), upload.key(),
          upload.runId());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
