package dev.fdbe.spi;

import dev.fdbe.RunId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A part an attempt has stored and registered, not yet a file download: it becomes one only when
 * its attempt completes the run.
 *
 * @param runId the run
 * @param epoch the lease epoch of the attempt that wrote it
 * @param index its 0-based position in write order
 * @param key its blob store key
 * @param fileName the last segment of the key
 * @param sizeBytes stored bytes
 * @param records rows
 * @param sha256 SHA-256 of the stored bytes, lower-case hex
 * @param storeExpiresAt when the blob store itself deletes the object, or null (see {@link BlobInfo})
 */
public record PartRecord(RunId runId, long epoch, int index, String key, String fileName, long sizeBytes,
    long records, String sha256, @Nullable Instant storeExpiresAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code runId} or {@code key} or {@code fileName} or {@code sha256} is null
   */
  public PartRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(sha256, "sha256");
  }

  /** A part the store keeps until it is deleted. */
  public PartRecord(RunId runId, long epoch, int index, String key, String fileName, long sizeBytes, long records,
      String sha256) {
    this(runId, epoch, index, key, fileName, sizeBytes, records, sha256, null);
  }
}
