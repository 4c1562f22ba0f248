/**
 * Blob storage on a local directory, with HMAC-signed download links: for a single machine, a
 * shared network file system, development and tests.
 *
 * <p>Start at {@link dev.fdbe.storage.local.LocalBlobStore}, created from a
 * {@link dev.fdbe.storage.local.LocalStorageConfig}, or let {@link dev.fdbe.BlobStores#fromUri}
 * find {@link dev.fdbe.storage.local.LocalBlobStoreProvider} for a {@code file:///...} location.
 * A server that serves the store's download links checks each request with
 * {@link dev.fdbe.storage.local.LocalBlobStore#verifyLink(String, String, java.time.Instant)},
 * which returns a {@link dev.fdbe.storage.local.VerifiedDownload} or throws an
 * {@link dev.fdbe.storage.local.InvalidLinkException}.
 */
@NullMarked
package dev.fdbe.storage.local;

import org.jspecify.annotations.NullMarked;
