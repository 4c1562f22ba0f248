package dev.fdbe.spi;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * The ability of a {@link BlobStore} to make time-limited download links. Fetching a link returns
 * the object's bytes with {@code Content-Disposition: attachment; filename="<fileName>"}; a link
 * whose signature does not match or that has expired is refused.
 */
public interface DownloadLinkSigner {
  /** A link to the object under the key, valid until {@code expiresAt}. */
  URI signedLink(String key, String fileName, Instant expiresAt);

  /**
   * Checks that a file name can be the {@code fileName} of {@link #signedLink}: it is sent quoted in
   * the download's {@code Content-Disposition} header, so it must be non-empty and hold no control
   * character (a line break would end the header) and none of {@code /}, {@code \} and {@code "}
   * (a directory, or the end of the quoted string). Other characters, non-ASCII ones included, are
   * allowed; a signer whose service takes less (S3's takes printable ASCII only) refuses more
   * itself. Thread-safe; reads nothing but its argument.
   *
   * @return the file name
   * @throws NullPointerException when the file name is null
   * @throws IllegalArgumentException naming the file name when it is empty or holds a control
   *     character, {@code /}, {@code \} or {@code "}
   */
  static String requireValidFileName(String fileName) {
    Objects.requireNonNull(fileName, "fileName");
    if (fileName.isEmpty() || fileName.chars().anyMatch(c -> Character.isISOControl(c) || "/\\\"".indexOf(c) >= 0)) {
      throw new IllegalArgumentException("invalid fileName '" + fileName
          + "': it must be non-empty, without control characters, '/', '\\' or '\"'");
    }
    return fileName;
  }
}
