package dev.fdbe.spi;

import dev.fdbe.AttemptId;
import dev.fdbe.ExportRequest;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run as the {@link RunStore} keeps it, lease included.
 *
 * @param id the run id
 * @param team the owning team
 * @param request what the run exports (interval truncated to microseconds)
 * @param status the status
 * @param error the failure reason, or null
 * @param recordsCompleted rows the current attempt has written: those of the parts it has committed or,
 *     while it writes a part, as many as it last {@link RunStore#reportProgress reported} if that is
 *     more; the rows of all files once completed
 * @param bytesExported stored bytes of the attempt's committed parts, or as many as it last reported if
 *     that is more; the bytes of all files once completed
 * @param partsCompleted how many parts the attempt has committed, or files once completed
 * @param recordsTotal the rows the current attempt's source counted before reading them, or null when
 *     it has not counted (yet) or cannot count
 * @param createdAt when it was created
 * @param startedAt when it first ran, or null
 * @param finishedAt when it reached a terminal status, or null
 * @param leaseEpoch increases with every claim; 0 before the first
 * @param attemptId the current attempt, or null before the first claim
 * @param leaseOwner the engine instance holding the lease, or null
 * @param leaseExpiresAt when the lease lapses unless renewed, or null
 * @param attempts how many attempts have started
 * @param storageCleaned whether objects no file download owns have been deleted after the run ended
 * @param parentId for a slice of a sliced run, the run it belongs to; null otherwise
 * @param sliceIndex for a slice, its 0-based position in time order; 0 otherwise
 * @param sliceCount for a sliced run, how many slices it has (it is never claimed itself; its slices
 *     are); 0 otherwise
 */
public record RunRecord(
    RunId id,
    TeamId team,
    ExportRequest request,
    RunStatus status,
    @Nullable String error,
    long recordsCompleted,
    long bytesExported,
    int partsCompleted,
    @Nullable Long recordsTotal,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    long leaseEpoch,
    @Nullable AttemptId attemptId,
    @Nullable String leaseOwner,
    @Nullable Instant leaseExpiresAt,
    int attempts,
    boolean storageCleaned,
    @Nullable RunId parentId,
    int sliceIndex,
    int sliceCount) {

  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when a component not marked nullable is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public RunRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(status, "status");
    if (recordsCompleted < 0 || bytesExported < 0 || partsCompleted < 0
        || recordsTotal != null && recordsTotal < 0) {
      throw new IllegalArgumentException("progress counts must not be negative: records " + recordsCompleted
          + ", bytes " + bytesExported + ", parts " + partsCompleted + ", total " + recordsTotal);
    }
    Objects.requireNonNull(createdAt, "createdAt");
    if (sliceIndex < 0 || sliceCount < 0) {
      throw new IllegalArgumentException("slice index and count must not be negative, got " + sliceIndex + " and "
          + sliceCount);
    }
    if (parentId != null && sliceCount > 0) {
      throw new IllegalArgumentException("a slice cannot itself be sliced");
    }
  }

  /** A run as the store had it before slices and counted totals existed: not sliced, not a slice, no total. */
  public RunRecord(RunId id, TeamId team, ExportRequest request, RunStatus status, @Nullable String error,
      long recordsCompleted, long bytesExported, int partsCompleted, Instant createdAt, @Nullable Instant startedAt, @Nullable Instant finishedAt, long leaseEpoch,
      @Nullable AttemptId attemptId, @Nullable String leaseOwner, @Nullable Instant leaseExpiresAt, int attempts,
      boolean storageCleaned) {
    this(id, team, request, status, error, recordsCompleted, bytesExported, partsCompleted, null, createdAt, startedAt,
        finishedAt, leaseEpoch, attemptId, leaseOwner, leaseExpiresAt, attempts, storageCleaned, null, 0, 0);
  }

  /** A new run in {@code Starting}, never claimed. */
  public static RunRecord starting(RunId id, TeamId team, ExportRequest request, Instant createdAt) {
    return new RunRecord(id, team, request, RunStatus.STARTING, null, 0, 0, 0, createdAt,
        null, null, 0, null, null, null, 0, false);
  }

  /** A new sliced run in {@code Starting}: it is executed through its {@code sliceCount} slices. */
  public static RunRecord sliced(RunId id, TeamId team, ExportRequest request, Instant createdAt, int sliceCount) {
    if (sliceCount < 2) {
      throw new IllegalArgumentException("a sliced run has at least 2 slices, got " + sliceCount);
    }
    return new RunRecord(id, team, request, RunStatus.STARTING, null, 0, 0, 0, null, createdAt,
        null, null, 0, null, null, null, 0, false, null, 0, sliceCount);
  }

  /** A new slice of a sliced run, exporting the part of its interval given in {@code request}. */
  public static RunRecord slice(RunId id, RunRecord parent, int sliceIndex, ExportRequest request) {
    return new RunRecord(id, parent.team(), request, RunStatus.STARTING, null, 0, 0, 0, null, parent.createdAt(),
        null, null, 0, null, null, null, 0, false, parent.id(), sliceIndex, 0);
  }

  /** Whether this run is a slice of a sliced run. */
  public boolean isSlice() {
    return parentId != null;
  }

  /** Whether this run is executed through slices. */
  public boolean isSliced() {
    return sliceCount > 0;
  }
}
