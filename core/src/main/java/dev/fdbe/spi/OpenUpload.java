package dev.fdbe.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * An upload left open in a blob store.
 *
 * @param key the key it writes
 * @param uploadId the store's id of the upload
 * @param initiated when it was opened
 */
public record OpenUpload(String key, String uploadId, Instant initiated) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code key} or {@code uploadId} or {@code initiated} is null
   */
  public OpenUpload {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(uploadId, "uploadId");
    Objects.requireNonNull(initiated, "initiated");
  }
}
