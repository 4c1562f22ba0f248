package dev.fdbe;

import java.time.Instant;
import java.util.Objects;

/**
 * One file of a run's manifest.
 *
 * @param id the file download id
 * @param index its 0-based position in key order
 * @param name the file name
 * @param records rows in the file
 * @param bytes stored size
 * @param sha256 the SHA-256 of the stored bytes, lower-case hex
 * @param expiresAt when the file stops being downloadable
 */
public record ManifestFile(FileId id, int index, String name, long records, long bytes, String sha256, Instant expiresAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code id} or {@code name} or {@code sha256} or {@code expiresAt} is null
   */
  public ManifestFile {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
