package dev.fdbe.internal;

import dev.fdbe.ExportException;
import dev.fdbe.spi.BlobInfo;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.Lease;
import dev.fdbe.spi.PartRecord;
import dev.fdbe.spi.RunStore;

/**
 * A part closed for commit, the second state of the part lifecycle (see {@link InProgressPart}):
 * its file is complete in an upload that is not yet visible. {@link #commit} stores it (the upload
 * becomes the object under its key) and registers it in the run store under the attempt's lease;
 * it then counts among the attempt's parts, which become the run's files when the attempt completes
 * the run, and are deleted with the attempt's objects otherwise.
 *
 * <p>Owned by the worker thread that writes the run; not thread-safe.
 */
final class PendingPart {
  private final PartKey key;
  private final BlobUpload upload;
  private final long records;
  private final long sizeBytes;
  private final String sha256;
  private boolean stored;

  /**
   * @param key where the part is stored
   * @param upload the upload holding the complete file
   * @param records the rows of the file
   * @param sizeBytes the bytes written to the upload
   * @param sha256 the SHA-256 of those bytes, lower-case hex
   */
  PendingPart(PartKey key, BlobUpload upload, long records, long sizeBytes, String sha256) {
    this.key = key;
    this.upload = upload;
    this.records = records;
    this.sizeBytes = sizeBytes;
    this.sha256 = sha256;
  }

  PartKey key() {
    return key;
  }

  long records() {
    return records;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  String sha256() {
    return sha256;
  }

  /**
   * Commits the part: stores it, checks that the store kept every byte written, and registers it
   * under the lease. Call once.
   *
   * @return the part as registered
   * @throws ExportException (retryable) when the store keeps another size than was written; the
   *     store's own failure to store it when it cannot
   * @throws AttemptStoppedException when the attempt lost its lease; the stored object is left to
   *     the attempt's clean-up
   */
  PartRecord commit(RunStore store, Lease lease) {
    BlobInfo info = upload.commit();
    stored = true;
    if (info.sizeBytes() != sizeBytes) {
      throw new ExportException("stored size of " + key + " is " + info.sizeBytes() + " bytes but "
          + sizeBytes + " were written", true);
    }
    PartRecord part = new PartRecord(key.run(), key.epoch(), key.index(), key.key(), key.fileName(), sizeBytes,
        records, sha256, info.expiresAt());
    if (!store.registerPart(lease, part)) {
      throw new AttemptStoppedException(StopReason.LEASE_LOST);
    }
    return part;
  }

  /**
   * Discards the part if it is not stored yet: its upload is aborted. A stored part is left alone;
   * the attempt's clean-up deletes it. Idempotent.
   */
  void abort() {
    if (!stored) {
      upload.abort();
    }
  }
}
