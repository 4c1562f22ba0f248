package dev.fdbe;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A time-limited link to one file download. Fetching {@code uri} before {@code expiresAt} returns
 * the file's bytes with {@code Content-Disposition: attachment; filename="<fileName>"}.
 *
 * @param fileId the file download
 * @param uri the link
 * @param fileName the file's name, e.g. {@code 2026-11-20T000000Z-2026-11-21T000000Z-00000.jsonl}
 * @param expiresAt when the link stops working
 */
public record DownloadLink(FileId fileId, URI uri, String fileName, Instant expiresAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code fileId} or {@code uri} or {@code fileName} or {@code expiresAt} is null
   */
  public DownloadLink {
    Objects.requireNonNull(fileId, "fileId");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
