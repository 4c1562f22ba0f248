/**
 * Blob storage on Amazon S3 and S3-compatible stores (MinIO, Ceph, S3Proxy), with streaming
 * multipart uploads and pre-signed download links.
 *
 * <p>Start at {@link dev.fdbe.storage.s3.S3BlobStore#create}, with an
 * {@link dev.fdbe.storage.s3.S3StorageConfig}, or let {@link dev.fdbe.BlobStores#fromUri} find
 * {@link dev.fdbe.storage.s3.S3BlobStoreProvider} for an
 * {@code s3://bucket/prefix?region=...} location; the provider documents the location's parameters.
 */
@NullMarked
package dev.fdbe.storage.s3;

import org.jspecify.annotations.NullMarked;
