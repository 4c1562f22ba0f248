/**
 * Blob storage on Google Cloud Storage: streaming resumable uploads checked by CRC32C and MD5,
 * deletion by prefix in batches, and V4 signed download links.
 *
 * <p>Start at {@link dev.fdbe.storage.gcs.GcsBlobStore}, created from a
 * {@link dev.fdbe.storage.gcs.GcsStorageConfig}, or let {@link dev.fdbe.BlobStores#fromUri} find
 * {@link dev.fdbe.storage.gcs.GcsBlobStoreProvider} for a {@code gs://bucket/prefix} location.
 */
@NullMarked
package dev.fdbe.storage.gcs;

import org.jspecify.annotations.NullMarked;
