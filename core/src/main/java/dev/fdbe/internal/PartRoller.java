package dev.fdbe.internal;

import dev.fdbe.FileConfig;
import dev.fdbe.ExportException;
import dev.fdbe.LogLevel;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.MultipartUploads;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.UploadJournal;
import dev.fdbe.spi.WriterContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a run's rows into parts and stores each one.
 *
 * <p>Invariants: a part is opened lazily, so a run with no rows stores nothing; a row is never
 * split across parts; before a row is appended the writer reports the part's stored size with it,
 * and when that would cross {@code max_size_mb} the part is sealed first and the row goes to the
 * next one (a row alone larger than the limit still gets a part of its own). A sealed part is
 * committed to the blob store, then registered in the run store under the attempt's lease; a lost
 * lease stops the attempt before anything else is written. A store with multipart uploads reports
 * each upload it opens to the run store's journal of the attempt, which records it under the lease
 * before its first part; a journal that refuses because the lease was lost stops the attempt.
 */
final class PartRoller {
  private static final int BUFFER_BYTES = 64 * 1024;

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

  private BlobUpload upload;
  private DigestingOutputStream digest;
  private OutputStream buffered;
  private RecordWriter writer;
  private PartKey key;

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

  /** Appends the row to the current part, first sealing it when the rolling policy says the row would not fit. */
  void write(Row row) throws IOException {
    if (writer == null) {
      openPart();
    }
    long size = writer.stage(row);
    if (policy.shouldRollOnEvent(writer.records(), size)) {
      sealPart();
      openPart();
      writer.stage(row);
    }
    writer.commit();
  }

  /** Seals the last part; returns every part stored, in index order. */
  List<PartRecord> finish() throws IOException {
    if (writer != null) {
      sealPart();
    }
    return List.copyOf(parts);
  }

  /** Discards the part being written, if any. */
  void abort() {
    if (upload != null) {
      upload.abort();
      active.upload(null);
      upload = null;
      writer = null;
    }
  }

  private void openPart() throws IOException {
    int index = parts.size();
    if (index >= PartKey.MAX_PARTS) {
      throw new ExportException("the export needs more than " + PartKey.MAX_PARTS
          + " files; raise 'max_size_mb' (now " + run.request().file().maxSizeMb() + ") or narrow the interval");
    }
    FileConfig file = run.request().file();
    key = PartKey.of(run.team(), run.id(), lease.epoch(), run.request().dataInterval(), index, file);
    upload = blobs instanceof MultipartUploads multipart
        ? multipart.beginUpload(key.key(), journal)
        : blobs.beginUpload(key.key());
    active.upload(upload);
    digest = new DigestingOutputStream(upload.stream());
    buffered = new BufferedOutputStream(digest, BUFFER_BYTES);
    writer = format.open(buffered, run.request().model().schema(), file.compression(), context);
  }

  private void sealPart() throws IOException {
    writer.finish();
    buffered.flush();
    long records = writer.records();
    long written = digest.count();
    String sha256 = digest.sha256Hex();
    BlobInfo stored = upload.commit();
    active.upload(null);
    upload = null;
    writer = null;
    if (stored.sizeBytes() != written) {
      throw new ExportException("stored size of " + key + " is " + stored.sizeBytes() + " bytes but "
          + written + " were written", true);
    }
    PartRecord part = new PartRecord(run.id(), lease.epoch(), key.index(), key.key(), key.fileName(), written,
        records, sha256, stored.expiresAt());
    if (!store.registerPart(lease, part)) {
      throw new AttemptStoppedException(StopReason.LEASE_LOST);
    }
    parts.add(part);
    log.log(run, lease.attemptId(), LogLevel.INFO, "Wrote part " + key.index() + " (" + key.key() + "): "
        + records + " records, " + written + " bytes");
  }
}
