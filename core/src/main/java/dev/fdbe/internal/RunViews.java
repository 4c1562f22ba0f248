package dev.fdbe.internal;

import dev.fdbe.DownloadLink;
import dev.fdbe.ExportException;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileId;
import dev.fdbe.InvalidRequestException;
import dev.fdbe.ManifestFile;
import dev.fdbe.NotFoundException;
import dev.fdbe.RunManifest;
import dev.fdbe.RunSnapshot;
import dev.fdbe.RunStatus;
import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.DownloadLinkSigner;
import dev.fdbe.spi.FileRecord;
import dev.fdbe.spi.RunRecord;
import dev.fdbe.spi.RunStore;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What callers read of a run, built from the run store's records: the snapshot (a sliced run's
 * progress summed over its slices until it completes, its total once every slice has counted), the
 * manifest of a completed run, and the file a download selects with the refusals of a run that is
 * not downloadable. The engine checks the caller's team and scope before it asks.
 */
public final class RunViews {
  private final EngineSettings settings;
  private final RunStore store;
  private final Clock clock;

  public RunViews(EngineSettings settings) {
    this.settings = settings;
    this.store = settings.runStore();
    this.clock = settings.clock();
  }

  /** The run as a caller sees it now. */
  public RunSnapshot snapshot(RunRecord run) {
    List<FileId> files = run.status() == RunStatus.COMPLETED
        ? store.files(run.id()).stream().map(FileRecord::id).toList()
        : List.of();
    String error = run.status().isFailure() ? (run.error() == null ? run.status().wireName() : run.error()) : null;
    long records = run.recordsCompleted();
    long bytes = run.bytesExported();
    int parts = run.partsCompleted();
    Long total = run.recordsTotal();
    if (run.isSliced()) {
      List<RunRecord> slices = store.slices(run.id());
      total = totalOf(slices);
      if (run.status() != RunStatus.COMPLETED) {
        records = 0;
        bytes = 0;
        parts = 0;
        for (RunRecord slice : slices) {
          records += slice.recordsCompleted();
          bytes += slice.bytesExported();
          parts += slice.partsCompleted();
        }
      }
    }
    return new RunSnapshot(run.id(), run.team(), run.request(), run.status(), files, error, records, bytes, parts,
        total, run.createdAt(), run.startedAt(), run.finishedAt());
  }

  /** The slices' counted rows together, once every slice has counted; null before. */
  private static @Nullable Long totalOf(List<RunRecord> slices) {
    long total = 0;
    for (RunRecord slice : slices) {
      if (slice.recordsTotal() == null) {
        return null;
      }
      total += slice.recordsTotal();
    }
    return total;
  }

  /**
   * The manifest of a completed run: every file with its records, bytes and digest, and the totals.
   *
   * @throws InvalidRequestException when the run is not completed
   */
  public RunManifest manifest(RunRecord run) {
    requireCompleted(run);
    List<ManifestFile> files = new ArrayList<>();
    long records = 0;
    long bytes = 0;
    for (FileRecord file : store.files(run.id())) {
      files.add(new ManifestFile(file.id(), file.index(), file.fileName(), file.records(), file.sizeBytes(),
          file.sha256(), file.expiresAt()));
      records += file.records();
      bytes += file.sizeBytes();
    }
    ExportRequest request = run.request();
    return new RunManifest(run.id(), request.model(), request.file().format(), request.file().compression(),
        request.dataInterval().start(), request.dataInterval().end(), records, bytes, request.model().schema(), files);
  }

  /**
   * The file the selector picks among the run's files, checked to be downloadable now.
   *
   * @throws InvalidRequestException when the run is not completed, or the file expired
   * @throws NotFoundException when the selector finds no such file
   */
  public FileRecord downloadable(RunRecord run, Function<List<FileRecord>, FileRecord> selector) {
    requireCompleted(run);
    FileRecord file = selector.apply(store.files(run.id()));
    Instant now = clock.instant();
    if (file.deletedAt() != null || !file.expiresAt().isAfter(now)) {
      throw new InvalidRequestException(null, "This file download has expired");
    }
    return file;
  }

  /**
   * A link to the file that expires after the engine's link lifetime or with the file, whichever is
   * first.
   *
   * @throws ExportException when the blob store cannot make links
   */
  public DownloadLink link(FileRecord file) {
    Instant now = clock.instant();
    BlobStore blobs = settings.blobStore();
    if (!(blobs instanceof DownloadLinkSigner signer)) {
      throw new ExportException(blobs.describe() + " cannot make download links");
    }
    Instant linkLimit = now.plus(settings.linkLifetime());
    Instant expiresAt = Micros.truncate(file.expiresAt().isBefore(linkLimit) ? file.expiresAt() : linkLimit);
    URI uri = signer.signedLink(file.key(), file.fileName(), expiresAt);
    return new DownloadLink(file.id(), uri, file.fileName(), expiresAt);
  }

  /** Selects the file with the id. */
  public static Function<List<FileRecord>, FileRecord> byId(FileId id) {
    Objects.requireNonNull(id, "file");
    return files -> files.stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new NotFoundException("No file download with id '" + id + "' in this run"));
  }

  /** Selects the file at a 0-based index in key order; any index out of range is "not found". */
  public static Function<List<FileRecord>, FileRecord> byIndex(long index) {
    return files -> {
      if (index < 0 || index >= files.size()) {
        throw new NotFoundException("No files with index " + index);
      }
      return files.get((int) index);
    };
  }

  private static void requireCompleted(RunRecord run) {
    RunStatus status = run.status();
    if (status == RunStatus.COMPLETED) {
      return;
    }
    if (!status.isTerminal()) {
      throw new InvalidRequestException(null, "Batch export run is still in progress");
    }
    if (status == RunStatus.CANCELLED) {
      throw new InvalidRequestException(null, "Batch export run was cancelled");
    }
    throw new InvalidRequestException(null, "Batch export run has failed");
  }
}
