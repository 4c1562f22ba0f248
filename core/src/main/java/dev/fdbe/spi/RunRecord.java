package dev.fdbe.spi;

import dev.fdbe.AttemptId;
import dev.fdbe.ExportRequest;
import dev.fdbe.Progress;
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
 * @param progress what the current attempt has committed, or the totals once completed
 * @param createdAt when it was created
 * @param startedAt when it first ran, or null
 * @param finishedAt when it reached a terminal status, or null
 * @param leaseEpoch increases with every claim; 0 before the first
 * @param attemptId the current attempt, or null before the first claim
 * @param leaseOwner the engine instance holding the lease, or null
 * @param leaseExpiresAt when the lease lapses unless renewed, or null
 * @param attempts how many attempts have started
 * @param storageCleaned whether objects no file download owns have been deleted after the run ended
 */
public record RunRecord(
    RunId id,
    TeamId team,
    ExportRequest request,
    RunStatus status,
    @Nullable String error,
    Progress progress,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt,
    long leaseEpoch,
    @Nullable AttemptId attemptId,
    @Nullable String leaseOwner,
    @Nullable Instant leaseExpiresAt,
    int attempts,
    boolean storageCleaned) {

  public RunRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A new run in {@code Starting}, never claimed. */
  public static RunRecord starting(RunId id, TeamId team, ExportRequest request, Instant createdAt) {
    return new RunRecord(id, team, request, RunStatus.STARTING, null, Progress.NONE, createdAt,
        null, null, 0, null, null, null, 0, false);
  }
}
