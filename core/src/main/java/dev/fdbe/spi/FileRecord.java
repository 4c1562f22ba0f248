package dev.fdbe.spi;

import dev.fdbe.FileId;
import dev.fdbe.RunId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file download of a completed run.
 *
 * @param id its id
 * @param runId the run
 * @param index its 0-based position in key order
 * @param key its blob store key
 * @param fileName the last segment of the key
 * @param sizeBytes stored bytes
 * @param records rows
 * @param sha256 SHA-256 of the stored bytes, lower-case hex
 * @param expiresAt when it stops being downloadable
 * @param deletedAt when the expiry sweeper deleted the object, or null
 */
public record FileRecord(
    FileId id,
    RunId runId,
    int index,
    String key,
    String fileName,
    long sizeBytes,
    long records,
    String sha256,
    Instant expiresAt,
    @Nullable Instant deletedAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   */
  public FileRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
