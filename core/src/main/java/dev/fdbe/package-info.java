/**
 * The API for callers: {@link dev.fdbe.ExportEngine} (create, list, retrieve, cancel, download,
 * logs, manifest), the request and run value types, and the built-in run stores, blob stores and
 * record sources ({@link dev.fdbe.RunStores}, {@link dev.fdbe.BlobStores},
 * {@link dev.fdbe.internal.source.JdbcRecordSource}, {@link dev.fdbe.internal.source.InMemoryRecordSource}).
 */
@NullMarked
package dev.fdbe;

import org.jspecify.annotations.NullMarked;
