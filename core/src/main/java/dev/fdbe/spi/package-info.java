/**
 * Contracts for plug-in authors: {@link dev.fdbe.spi.FormatProvider} (file formats),
 * {@link dev.fdbe.spi.BlobStoreProvider} and {@link dev.fdbe.spi.BlobStore} (storage),
 * {@link dev.fdbe.spi.RecordSource} (rows), {@link dev.fdbe.spi.RunStore} (run state) and
 * {@link dev.fdbe.spi.QuotaCheck} (a host's billing hook). Format and blob store providers are
 * found with {@link java.util.ServiceLoader}.
 */
@NullMarked
package dev.fdbe.spi;

import org.jspecify.annotations.NullMarked;
