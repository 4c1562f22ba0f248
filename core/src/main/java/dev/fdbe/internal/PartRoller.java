package dev.fdbe.internal;

import dev.fdbe.FileConfig;
import dev.fdbe.ExportException;
import dev.fdbe.LogLevel;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.WriterContext;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a run's rows into parts and stores each one, taking every part through its lifecycle:
 * {@link InProgressPart in progress} (rows appended), {@link PendingPart pending} (closed for
 * commit), committed (stored, then registered under the attempt's lease).
 *
 * <p>Invariants: a part is opened lazily, so a run with no rows stores nothing; a row is never
 * split across parts; each row is staged on the part in progress first, and when the
 * {@link RollingPolicy} says it would cross {@code max_size_mb} the part is committed and the row
 * goes to the next one. Parts are committed in index order, one at a time; a lost lease stops the
 * attempt before anything else is written. A store with multipart uploads reports
 * each upload it opens to the run store's journal of the attempt, which records it under the lease
 * before its first part; a journal that refuses because the lease was lost stops the attempt.
 */
final class PartRoller {
  private final RunStore store;
  private final BlobStore blobs;
  private final FormatProvider format;
  private final RunRecord run;
  private final ActiveRun active;
  private final Lease lease;
  private final RunLog log;
  private final WriterContext context;
  private final UploadJournal journal;
  private final RollingPolicy policy;
  private final List<PartRecord> parts = new ArrayList<>();
  private long committedRecords;
  private long committedBytes;

  private @Nullable InProgressPart inProgress;
  private @Nullable PendingPart pending;

  PartRoller(RunStore store, BlobStore blobs, FormatProvider format, RunRecord run, ActiveRun active, Lease lease,
      RunLog log, Clock clock) {
    this.store = store;
    this.blobs = blobs;
    this.format = format;
    this.run = run;
    this.active = active;
    this.lease = lease;
    this.log = log;
    this.policy = RollingPolicy.of(run.request().file());
    UploadJournal recorded = store.uploadJournal(lease.runId(), lease.epoch(), clock);
    this.journal = new UploadJournal() {
      @Override
      public void opened(String uploadKey, String uploadId) {
        try {
          recorded.opened(uploadKey, uploadId);
        } catch (IllegalStateException leaseLost) {
          throw new AttemptStoppedException(StopReason.LEASE_LOST);
        }
      }

      @Override
      public void closed(String uploadKey, String uploadId) {
        recorded.closed(uploadKey, uploadId);
      }
    };
    this.context = new WriterContext() {
      @Override
      public void warnOnce(String warningKey, String message) {
        if (active.firstWarning(warningKey)) {
          log.log(run, lease.attemptId(), LogLevel.WARNING, message);
        }
      }

      @Override
      public long maxPartBytes() {
        return policy.maxPartBytes();
      }
    };
  }

  /** Appends the row to the part in progress, first committing that part when the row would not fit. */
  void write(Row row) throws IOException {
    if (inProgress == null) {
      inProgress = openPart();
    }
    long sizeWithRow = inProgress.stage(row);
    if (policy.shouldRollOnEvent(inProgress.records(), sizeWithRow)) {
      commitInProgress();
      inProgress = openPart();
      inProgress.stage(row);
    }
    inProgress.append();
  }

  /** The rows appended so far: those of the committed parts and of the part in progress. */
  long records() {
    return committedRecords + (inProgress == null ? 0 : inProgress.records());
  }

  /**
   * The bytes stored so far: those of the committed parts, and those of the part in progress that
   * its writer has passed on to the upload (its format, compression and buffer hold the rest until
   * the part is closed).
   */
  long bytes() {
    return committedBytes + (inProgress == null ? 0 : inProgress.bytesWritten());
  }

  /** Commits the last part; returns every part committed, in index order. */
  List<PartRecord> finish() throws IOException {
    if (inProgress != null) {
      commitInProgress();
    }
    return List.copyOf(parts);
  }

  /** Discards the part not yet stored, if any; parts already stored are left to the attempt's clean-up. */
  void abort() {
    if (pending != null) {
      pending.abort();
      pending = null;
    }
    if (inProgress != null) {
      inProgress.abort();
      inProgress = null;
    }
    active.upload(null);
  }

  private InProgressPart openPart() throws IOException {
    int index = parts.size();
    if (index >= PartKey.MAX_PARTS) {
      throw new ExportException("the export needs more than " + PartKey.MAX_PARTS
          + " files; raise 'max_size_mb' (now " + run.request().file().maxSizeMb() + ") or narrow the interval");
    }
    FileConfig file = run.request().file();
    PartKey key = PartKey.of(run.team(), run.id(), lease.epoch(), run.request().dataInterval(), index, file);
    BlobUpload upload = blobs instanceof MultipartUploads multipart
        ? multipart.beginUpload(key.key(), journal)
        : blobs.beginUpload(key.key());
    active.upload(upload);
    return InProgressPart.open(key, upload, format, run.request().model(), file.compression(), context);
  }

  /** Closes the part in progress for commit, then commits it: stored, registered under the lease, logged. */
  private void commitInProgress() throws IOException {
    pending = inProgress.closeForCommit();
    inProgress = null;
    PartRecord part = pending.commit(store, lease);
    pending = null;
    active.upload(null);
    parts.add(part);
    committedRecords += part.records();
    committedBytes += part.sizeBytes();
    log.log(run, lease.attemptId(), LogLevel.INFO, "Wrote part " + part.index() + " (" + part.key() + "): "
        + part.records() + " records, " + part.sizeBytes() + " bytes");
  }
}
