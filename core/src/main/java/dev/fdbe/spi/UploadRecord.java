package dev.fdbe.spi;

import dev.fdbe.RunId;
import java.time.Instant;
import java.util.Objects;

/**
 * An open upload as the run store records it.
 *
 * @param runId the run
 * @param epoch the lease epoch of the attempt that opened it
 * @param key the key it writes
 * @param uploadId the blob store's id of the upload
 * @param recordedAt when it was recorded
 */
public record UploadRecord(RunId runId, long epoch, String key, String uploadId, Instant recordedAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code runId} or {@code key} or {@code uploadId} or {@code recordedAt} is null
   */
  public UploadRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uploadId, "uploadId");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
