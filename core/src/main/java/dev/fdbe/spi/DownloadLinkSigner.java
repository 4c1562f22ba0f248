package dev.fdbe.spi;

import java.net.URI;
import java.time.Instant;

/**
 * The ability of a {@link BlobStore} to make time-limited download links. Fetching a link returns
 * the object's bytes with {@code Content-Disposition: attachment; filename="<fileName>"}; a link
 * whose signature does not match or that has expired is refused.
 */
public interface DownloadLinkSigner {
  /** A link to the object under the key, valid until {@code expiresAt}. */
  URI signedLink(String key, String fileName, Instant expiresAt);
}
