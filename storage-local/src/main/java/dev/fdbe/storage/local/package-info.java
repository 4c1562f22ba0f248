/**
 * Blob storage on a local directory, with HMAC-signed download links: for a single machine, a
 * shared network file system, development and tests.
 *
 * <p>Start at {@link dev.fdbe.storage.local.LocalBlobStore}, created from a
 * {@link dev.fdbe.storage.local.LocalStorageConfig}, or let {@link dev.fdbe.BlobStores#fromUri}
 * find {@link dev.fdbe.storage.local.LocalBlobStoreProvider} for a {@code file:///...} location.
 * An HTTP server that serves the store's download links hands each request to a
 * {@link dev.fdbe.storage.local.LocalDownloadHandler} and sends the
 * {@link dev.fdbe.storage.local.DownloadResponse} it returns (ranges, entity tags and the errors of
 * tampered, expired or dangling links included). Lower down,
 * {@link dev.fdbe.storage.local.LocalBlobStore#verifyLink(String, String, java.time.Instant)} only
 * checks a link: it returns a {@link dev.fdbe.storage.local.VerifiedDownload} or throws an
 * {@link dev.fdbe.storage.local.InvalidLinkException}.
 */
@NullMarked
package dev.fdbe.storage.local;

import org.jspecify.annotations.NullMarked;
