package dev.fdbe.internal;

import dev.fdbe.AttemptId;
import dev.fdbe.FileConfig;
import dev.fdbe.FileId;
import dev.fdbe.LogLevel;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.internal.source.PrefetchingCursor;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.SourceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a claimed run on a worker thread: source, writer, part roller, blob store, then the
 * fenced completion. Transient failures start a new attempt (new epoch, new attempt id) after a
 * backoff; everything else ends the run. Whatever ends an attempt without completing it, the
 * objects it wrote are deleted, so failed, cancelled and taken-over attempts leave nothing behind.
 */
final class AttemptRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AttemptRunner.class);

  private final EngineSettings settings;
  private final RunStore store;
  private final BlobStore blobs;
  private final RunLog log;
  private final StorageCleaner cleaner;
  private final EngineMetrics metrics;

  AttemptRunner(EngineSettings settings, RunLog log, EngineMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.store = settings.runStore();
    this.blobs = settings.blobStore();
    this.log = log;
    this.cleaner = new StorageCleaner(blobs);
  }

  /** Runs the claimed run until it completes, fails, is stopped or is handed over. */
  void execute(ActiveRun active) {
    while (true) {
      Lease lease = active.lease();
      try {
        if (lease.attemptNumber() > settings.retryPolicy().maxAttempts()) {
          end(active, RunStatus.FAILED_RETRYABLE, "The export was started " + (lease.attemptNumber() - 1)
              + " times without finishing (the engines running it stopped or crashed); trying again later may work");
          return;
        }
        if (!settings.clock().instant().isBefore(active.deadline())) {
          throw new AttemptStoppedException(StopReason.TIMED_OUT);
        }
        RunRecord quoted = active.run();
        Optional<String> refusal = settings.quotaCheck().refusal(quoted.isSlice() ? quoted.parentId() : quoted.id(),
            quoted.team(),
            active.run().request().model(), active.run().request().dataInterval());
        if (refusal.isPresent()) {
          end(active, RunStatus.FAILED_BILLING, refusal.get());
          return;
        }
        exportOnce(active, lease);
        return;
      } catch (AttemptStoppedException e) {
        stop(active, e.reason());
        return;
      } catch (Exception failure) {
        StopReason stopped = active.stopReason();
        if (stopped != null) {
          stop(active, stopped);
          return;
        }
        if (!retryOrEnd(active, lease, failure)) {
          return;
        }
      }
    }
  }

  private void exportOnce(ActiveRun active, Lease lease) throws Exception {
    RunRecord run = active.run();
    FileConfig file = run.request().file();
    FormatProvider format = settings.formats().provider(file.format())
        .orElseThrow(() -> new dev.fdbe.ExportException("file format " + file.format()
            + " is not available in this engine; add its provider (dev.fdbe:fdbe-formats) to the class path"));
    log.log(run, lease.attemptId(), LogLevel.INFO, describeStart(run, lease));
    SourceQuery query = new SourceQuery(run.team(), run.request().model(), run.request().dataInterval(),
        run.request().include(), run.request().exclude(), seenFrom(run));
    PartRoller roller = new PartRoller(store, blobs, format, run, active, lease, log, settings.clock());
    LiveProgress progress = new LiveProgress(store, lease, settings.clock());
    List<PartRecord> parts;
    RecordCursor source = settings.source().open(query);
    BackgroundCount count;
    try {
      active.cursor(source);
      count = counted(active, source, progress);
    } catch (Throwable failure) {
      active.cursor(null);
      source.close();
      throw failure;
    }
    // The source is read on its own thread, a few hundred rows ahead of the writer.
    try (BackgroundCount counting = count;
        RecordCursor cursor = PrefetchingCursor.start(source, count == null ? () -> { } : count::sourceStopping,
            run.request().model().schema(), "fdbe-source-" + run.id())) {
      active.cursor(cursor);
      try {
        long rows = 0;
        while (cursor.next()) {
          if ((++rows & 255) == 0) {
            active.checkStop();
          }
          roller.write(cursor);
          if (progress.due()) {
            progress.write(roller.records(), roller.bytes());
          }
        }
        active.checkStop();
        if (counting != null) {
          counting.readAll(rows);
        }
        parts = roller.finish();
      } catch (Throwable t) {
        roller.abort();
        throw t;
      } finally {
        active.cursor(null);
      }
    }
    complete(active, lease, parts);
  }

  /**
   * Has the source's cursor count its rows, so that the run shows its total while it runs: beside
   * the read on a thread of its own when the cursor counts concurrently (the returned count, which
   * the attempt closes after the cursor), else before any row is read (then null is returned). A
   * cancel reaches the count through the cursor.
   */
  private @Nullable BackgroundCount counted(ActiveRun active, RecordCursor source, LiveProgress progress) {
    if (source.countsConcurrently()) {
      return BackgroundCount.start(source, "fdbe-count-" + active.run().id(),
          (rows, took, readFirst) -> {
            try {
              total(active, progress, rows, took, readFirst);
            } catch (AttemptStoppedException lost) {
              // The lease is gone: the worker finds out at its next write and stops the attempt.
            }
          },
          failure -> countFailed(active, failure));
    }
    long started = System.nanoTime();
    OptionalLong total = source.count();
    active.checkStop();
    if (total.isPresent()) {
      total(active, progress, total.getAsLong(), Duration.ofNanos(System.nanoTime() - started), false);
    }
    return null;
  }

  /** Writes and logs the run's total. */
  private void total(ActiveRun active, LiveProgress progress, long rows, Duration took, boolean readFirst) {
    progress.counted(rows);
    log.log(active.run(), active.lease().attemptId(), LogLevel.INFO, "Counted " + rows
        + (rows == 1 ? " record" : " records") + " to export "
        + (readFirst ? "(all read before the count returned)" : "in " + human(took)));
  }

  private void countFailed(ActiveRun active, RuntimeException failure) {
    if (active.stopReason() != null) {
      return; // cancelled, timed out or taken over: the count was stopped with the attempt
    }
    LOG.warn("run {}: counting its records failed; it goes on without a total until every record is read",
        active.run().id(), failure);
    log.log(active.run(), active.lease().attemptId(), LogLevel.WARNING, "Could not count the records to export: "
        + Failures.describe(failure) + "; the total shows once every record is read");
  }

  private void complete(ActiveRun active, Lease lease, List<PartRecord> parts) {
    RunRecord run = active.run();
    Instant now = settings.clock().instant();
    Instant retained = Micros.truncate(now.plus(settings.fileRetention()));
    List<FileRecord> files = new ArrayList<>(parts.size());
    for (PartRecord part : parts) {
      // A store that deletes objects itself (a bucket lifecycle rule) decides when the file expires.
      Instant expires = part.storeExpiresAt() == null ? retained : Micros.truncate(part.storeExpiresAt());
      files.add(new FileRecord(FileId.random(), run.id(), part.index(), part.key(), part.fileName(), part.sizeBytes(),
          part.records(), part.sha256(), expires, null));
    }
    if (!committed(lease, files, now)) {
      throw new AttemptStoppedException(StopReason.LEASE_LOST);
    }
    metrics.completed();
    long records = parts.stream().mapToLong(PartRecord::records).sum();
    long bytes = parts.stream().mapToLong(PartRecord::sizeBytes).sum();
    try {
      log.log(run, lease.attemptId(), LogLevel.INFO, "Export completed: " + records + " records in "
          + files.size() + (files.size() == 1 ? " file (" : " files (") + bytes + " bytes)"
          + (files.isEmpty() ? "; no rows matched the interval and filters" : ""));
      cleaner.deleteAttemptsBefore(run.team(), run.id(), lease.epoch());
      store.markCleaned(run.id());
    } catch (RuntimeException e) {
      // The run is Completed with its files: a failure now must not reach retryOrEnd, whose discard
      // would delete them. Earlier attempts' leftovers stay for maintenance, which cleans completed
      // runs not marked cleaned.
      LOG.warn("run {} completed, but cleaning up after it failed; maintenance tries again", run.id(), e);
    }
  }

  /**
   * Completes the run in the store: true when it is Completed under this lease, false when the lease
   * was lost. When the store fails, the run is read again, as the commit may have landed before the
   * failure (a lost reply); if that cannot be told, the failure keeps this attempt's files.
   */
  private boolean committed(Lease lease, List<FileRecord> files, Instant now) {
    try {
      return store.complete(lease, files, now);
    } catch (RuntimeException failure) {
      try {
        if (completedWith(store.find(lease.runId()).orElse(null), lease)) {
          return true;
        }
      } catch (RuntimeException unreadable) {
        failure.addSuppressed(unreadable);
      }
      // Not Completed yet, as far as can be seen: the commit may still land (a reply lost while a
      // replica confirms it), so this attempt's files are kept until a retry or the end proves otherwise.
      throw new CompletionUnknown(failure);
    }
  }

  /** Whether the run is Completed by the attempt of this lease. */
  private static boolean completedWith(@Nullable RunRecord run, Lease lease) {
    return run != null && run.status() == RunStatus.COMPLETED && run.leaseEpoch() == lease.epoch();
  }

  /**
   * The store failed while completing the run: the run may be, or become, Completed with this
   * attempt's files, so they are not discarded now ({@link #discard} checks again later, and
   * maintenance deletes the leftovers of a run that completed with another attempt or failed).
   */
  private static final class CompletionUnknown extends dev.fdbe.ExportException {
    private static final long serialVersionUID = 1L;

    CompletionUnknown(RuntimeException cause) {
      super(Failures.describe(cause), cause, Failures.isRetryable(cause));
    }
  }

  /** Who terminated the run: the operator, or the failure of another slice of its sliced run. */
  private String terminatedBy(RunRecord run) {
    try {
      Optional<RunRecord> now = store.find(run.id());
      if (now.isPresent() && Transitions.SIBLING_FAILED.equals(now.get().error())) {
        return "stopped because " + Transitions.SIBLING_FAILED;
      }
    } catch (RuntimeException e) {
      LOG.debug("run {}: cannot read why it was terminated", run.id(), e);
    }
    return "terminated by the operator";
  }

  /** After a failure: true when a new attempt should start, false when the run ended. */
  private boolean retryOrEnd(ActiveRun active, Lease lease, Throwable failure) {
    RunRecord run = active.run();
    String cause = Failures.describe(failure);
    boolean retryable = Failures.isRetryable(failure);
    int maxAttempts = settings.retryPolicy().maxAttempts();
    // Users read the failure's description; operators get the exception as it was thrown.
    LOG.warn("run {} attempt {} failed{}", run.id(), lease.attemptNumber(),
        retryable ? " with a transient error" : "", failure);
    if (!(failure instanceof CompletionUnknown)) {
      discard(lease);
    }
    if (!retryable) {
      end(active, RunStatus.FAILED, cause);
      return false;
    }
    if (lease.attemptNumber() >= maxAttempts) {
      end(active, RunStatus.FAILED_RETRYABLE, "Transient errors outlasted " + maxAttempts
          + (maxAttempts == 1 ? " attempt" : " attempts") + "; the last was: " + cause
          + ". Trying again later may work");
      return false;
    }
    Duration wait;
    synchronized (settings.random()) { // workers retry concurrently; generators need not be thread-safe
      wait = settings.retryPolicy().backoffAfter(lease.attemptNumber(), settings.random());
    }
    log.log(run, lease.attemptId(), LogLevel.WARNING, "Attempt " + lease.attemptNumber()
        + " failed with a transient error: " + cause + "; retrying in " + human(wait) + " (attempt "
        + (lease.attemptNumber() + 1) + " of " + maxAttempts + ")");
    if (active.awaitStop(wait)) {
      stop(active, active.stopReason());
      return false;
    }
    Instant now = settings.clock().instant();
    Optional<Lease> next = store.reattempt(lease, AttemptId.random(), now, now.plus(settings.leaseDuration()));
    if (next.isEmpty()) {
      stop(active, StopReason.LEASE_LOST);
      return false;
    }
    active.lease(next.get(), now);
    metrics.retried();
    return true;
  }

  /** Ends the run with a failure status, if the lease still holds, and deletes what it wrote. */
  private void end(ActiveRun active, RunStatus status, String error) {
    Lease lease = active.lease();
    RunRecord run = active.run();
    Transitions.check(RunStatus.RUNNING, status);
    String shown = log.forUsers(error);
    if (!store.fail(lease, status, shown, settings.clock().instant())) {
      stop(active, StopReason.LEASE_LOST);
      return;
    }
    metrics.failed(status);
    String prefix = switch (status) {
      case FAILED_BILLING -> "Export refused by the quota check: ";
      case FAILED_RETRYABLE -> "Export failed, retryable: ";
      default -> "Export failed: ";
    };
    log.log(run, lease.attemptId(), LogLevel.ERROR, prefix + shown);
    cleanUpRun(run);
  }

  /** Handles a stop: the run's status was set by whoever stopped it, except a timeout, set here. */
  private void stop(ActiveRun active, StopReason requested) {
    RunRecord run = active.run();
    Lease lease = active.lease();
    StopReason reason = requested == StopReason.LEASE_LOST ? confirmLoss(lease) : requested;
    if (reason != StopReason.TIMED_OUT) {
      metrics.stopped(reason);
    }
    switch (reason) {
      case CANCELLED, TERMINATED -> {
        int deleted = cleanUpRun(run);
        String who = reason == StopReason.CANCELLED ? "cancelled by the user" : terminatedBy(run);
        log.log(run, lease.attemptId(), LogLevel.INFO, "Export " + who + "; stopped writing and deleted "
            + deleted + (deleted == 1 ? " file" : " files") + " already written");
      }
      case TIMED_OUT -> {
        String error = "The export exceeded its time limit of " + human(settings.timeLimit())
            + "; export a shorter interval or ask the operator to raise the limit";
        if (store.fail(lease, RunStatus.TIMED_OUT, error, settings.clock().instant())) {
          metrics.failed(RunStatus.TIMED_OUT);
          log.log(run, lease.attemptId(), LogLevel.ERROR, "Export timed out: " + error);
          cleanUpRun(run);
        } else {
          stop(active, confirmLoss(lease));
        }
      }
      case LEASE_LOST -> {
        if (!discard(lease)) { // else the run completed with this attempt's files: nothing was lost
          log.log(run, lease.attemptId(), LogLevel.WARNING, "Attempt " + lease.attemptNumber()
              + " lost its lease (another engine took the run over); its files were discarded");
        }
      }
      case SHUTDOWN -> {
        discard(lease);
        if (store.release(lease, settings.clock().instant())) {
          LOG.info("released run {} for another engine: {} is shutting down", run.id(), lease.owner());
          log.log(run, lease.attemptId(), LogLevel.INFO, "The engine running the export is shutting down; "
              + "the export will restart on the next engine that claims it");
        }
      }
      default -> throw new IllegalStateException("unhandled stop reason " + reason);
    }
  }

  /** Why a lease was lost: a cancel or terminate shows in the run's status. */
  private StopReason confirmLoss(Lease lease) {
    Optional<RunRecord> current = store.find(lease.runId());
    if (current.isPresent() && current.get().leaseEpoch() == lease.epoch()) {
      RunStatus status = current.get().status();
      if (status == RunStatus.CANCELLED) {
        return StopReason.CANCELLED;
      }
      if (status == RunStatus.TERMINATED) {
        return StopReason.TERMINATED;
      }
    }
    return StopReason.LEASE_LOST;
  }

  /**
   * Deletes the objects of one attempt, unless its run is Completed with them (a completion whose
   * reply was lost); returns true in that case, when they are kept. A run that cannot be read keeps
   * them too, for the maintenance sweep, which deletes what no completed attempt owns.
   */
  private boolean discard(Lease lease) {
    try {
      RunRecord run = store.find(lease.runId()).orElse(null);
      if (completedWith(run, lease)) {
        LOG.warn("run {} completed with the files of attempt {} after all; they are kept", run.id(), lease.epoch());
        return true;
      }
      if (run != null) {
        cleaner.deleteAttempt(run.team(), run.id(), lease.epoch());
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot delete the files of attempt {} of run {}; the maintenance sweep will", lease.epoch(),
          lease.runId(), e);
    }
    return false;
  }

  /** Deletes every object of a run that ended without files; returns how many there were. */
  private int cleanUpRun(RunRecord run) {
    try {
      int count = cleaner.deleteRun(run.team(), run.id());
      store.markCleaned(run.id());
      return count;
    } catch (RuntimeException e) {
      LOG.warn("cannot delete the files of run {}; the maintenance sweep will", run.id(), e);
      return 0;
    }
  }

  /** Where the whole run's interval starts: the parent's start for a slice, so that no event is exported twice. */
  private Instant seenFrom(RunRecord run) {
    if (!run.isSlice()) {
      return run.request().dataInterval().start();
    }
    RunId parent = Objects.requireNonNull(run.parentId(), "a slice has a parent");
    return store.find(parent).map(p -> p.request().dataInterval().start())
        .orElseThrow(() -> new IllegalStateException("slice " + run.id() + " has lost its run " + parent));
  }

  private String describeStart(RunRecord run, Lease lease) {
    FileConfig file = run.request().file();
    StringBuilder text = new StringBuilder(run.isSlice() ? "Slice " + (run.sliceIndex() + 1) + ": exporting "
        : "Exporting ").append(run.request().model().wireName())
        .append(" from ").append(run.request().dataInterval().start()).append(" to ")
        .append(run.request().dataInterval().end());
    if (run.request().model() == Model.EVENTS) {
      if (!run.request().include().isEmpty()) {
        text.append(", including only ").append(run.request().include());
      }
      if (!run.request().exclude().isEmpty()) {
        text.append(", excluding ").append(run.request().exclude());
      }
    }
    text.append(", as ").append(file.format().wireName())
        .append(file.compression() == dev.fdbe.Compression.NONE ? " uncompressed" : " with " + file.compression())
        .append(file.maxSizeMb() > 0 ? " in files of at most " + file.maxSizeMb() + " MiB" : " in one file")
        .append(", from ").append(settings.source().describe())
        .append(" to ").append(blobs.describe()).append(" under ")
        .append(PartKey.attemptPrefix(run.team(), run.id(), lease.epoch()))
        .append(" (attempt ").append(lease.attemptNumber()).append(')');
    return text.toString();
  }

  static String human(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    return duration.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().substring(2).toLowerCase();
  }
}
