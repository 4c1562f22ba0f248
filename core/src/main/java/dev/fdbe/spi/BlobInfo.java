package dev.fdbe.spi;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A stored object.
 *
 * @param key its key within the store
 * @param sizeBytes its stored size
 * @param expiresAt when the store itself will delete it (an S3 lifecycle rule, a GCS retention or
 *     lifecycle policy), or null when the store keeps it until it is deleted; a file download then
 *     expires at this instant instead of after the engine's retention
 */
public record BlobInfo(String key, long sizeBytes, @Nullable Instant expiresAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code key} is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public BlobInfo {
    Objects.requireNonNull(key, "key");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, got " + sizeBytes);
    }
  }

  /** An object the store keeps until it is deleted. */
  public BlobInfo(String key, long sizeBytes) {
    this(key, sizeBytes, null);
  }
}
