package dev.fdbe.spi;

import java.util.Objects;

/**
 * A stored object.
 *
 * @param key its key within the store
 * @param sizeBytes its stored size
 */
public record BlobInfo(String key, long sizeBytes) {
  public BlobInfo {
    Objects.requireNonNull(key, "key");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, got " + sizeBytes);
    }
  }
}
