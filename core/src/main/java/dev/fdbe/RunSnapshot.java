package dev.fdbe;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run as it was when read: its request, status, files (when completed), error (when failed) and
 * progress.
 *
 * @param id the run id
 * @param team the team that owns the run
 * @param request what the run exports
 * @param status the status
 * @param files the file downloads in key order; empty unless {@link RunStatus#COMPLETED}
 * @param error a human-readable reason when the status is a failure, else null; like a
 *     {@link RunLogEntry} it names no path, host or process of the machines that ran the export
 * @param recordsCompleted rows the current attempt has written so far (summed over the slices of a
 *     sliced run), or in all files once completed. While rows flow it lags the engine's own count by
 *     about a second at most; a retry starts it again from 0
 * @param bytesExported bytes the current attempt has stored so far: those of its committed parts plus
 *     what the part it is writing has passed to the blob store (a part's format and compression hold
 *     some back until the part ends); the bytes of all files once completed
 * @param partsCompleted how many parts the current attempt has committed, or files once completed
 * @param recordsTotal how many rows the current attempt will export, counted by the source before it
 *     read them (summed over the slices of a sliced run once every slice has counted); null when
 *     the source cannot count, before the count, and after a retry until it counts again
 * @param createdAt when the run was created
 * @param startedAt when the run first started running, or null
 * @param finishedAt when the run reached its terminal status, or null
 */
public record RunSnapshot(
    RunId id,
    TeamId team,
    ExportRequest request,
    RunStatus status,
    List<FileId> files,
    @Nullable String error,
    long recordsCompleted,
    long bytesExported,
    int partsCompleted,
    @Nullable Long recordsTotal,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt) {

  /**
   * Checks the components and copies {@code files} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public RunSnapshot {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(status, "status");
    files = List.copyOf(Objects.requireNonNull(files, "files"));
    if (recordsCompleted < 0 || bytesExported < 0 || partsCompleted < 0
        || recordsTotal != null && recordsTotal < 0) {
      throw new IllegalArgumentException("progress counts must not be negative: records " + recordsCompleted
          + ", bytes " + bytesExported + ", parts " + partsCompleted + ", total " + recordsTotal);
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
