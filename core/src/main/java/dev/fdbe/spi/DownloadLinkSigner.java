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
   * Checks the arguments of {@link #signedLink} against the rules every signer shares: the key is
   * valid ({@link BlobStore#requireValidKey}), {@code expiresAt} is given, and the file name can be
   * sent quoted in the download's {@code Content-Disposition} header, so it is non-empty and holds
   * no control character (a line break would end the header) and none of {@code /}, {@code \} and
   * {@code "} (a directory, or the end of the quoted string). Other characters, non-ASCII ones
   * included, are allowed. A signer whose service takes less (S3's takes printable ASCII only)
   * refuses more itself, and checks {@code expiresAt} against how long its links can live.
   * Thread-safe; reads nothing but its arguments.
   *
   * @throws IllegalArgumentException naming the key or the file name when it is not valid (a null
   *     key included, as {@link BlobStore#requireValidKey} says), e.g. {@code invalid fileName
   *     'a/b.csv': it must be non-empty, without control characters, '/', '\' or '"'}
   * @throws NullPointerException naming {@code fileName} or {@code expiresAt} when it is null
   */
  static void requireValidArguments(String key, String fileName, Instant expiresAt) {
    BlobStore.requireValidKey(key);
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (fileName.isEmpty() || fileName.chars().anyMatch(c -> Character.isISOControl(c) || "/\\\"".indexOf(c) >= 0)) {
      throw new IllegalArgumentException("invalid fileName '" + fileName
          + "': it must be non-empty, without control characters, '/', '\\' or '\"'");
    }
  }
}
