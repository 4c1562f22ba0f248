package dev.fdbe.storage.local;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A download link that {@link LocalBlobStore#verifyLink} accepted: what to send, and the name to
 * send it under ({@code Content-Disposition: attachment; filename="<fileName>"}, quoted by the
 * server).
 *
 * @param key the object's key
 * @param file the object's file; it may be deleted before it is read
 * @param fileName the file name the link was signed with, decoded
 * @param sizeBytes the object's size when the link was checked
 */
public record VerifiedDownload(String key, Path file, String fileName, long sizeBytes) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code sizeBytes} is negative
   */
  public VerifiedDownload {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(fileName, "fileName");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, got " + sizeBytes);
    }
  }
}
