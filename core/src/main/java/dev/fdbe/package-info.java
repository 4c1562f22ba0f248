/**
 * The API for callers. Start at {@link dev.fdbe.ExportEngine} (create, list, retrieve, cancel,
 * download, logs, manifest) and its builder; a run is asked for with an {@link dev.fdbe.ExportRequest}
 * and its {@link dev.fdbe.FileConfig}, and read back as a {@link dev.fdbe.RunSnapshot} in a
 * {@link dev.fdbe.RunStatus}. The refusals a caller catches extend {@link dev.fdbe.ExportException}.
 * The built-in implementations are reached through factories: {@link dev.fdbe.RunStores},
 * {@link dev.fdbe.RecordSources} and {@link dev.fdbe.BlobStores}. The repository's
 * {@code docs/architecture.md} shows how a run flows through them.
 */
@NullMarked
package dev.fdbe;

import org.jspecify.annotations.NullMarked;
