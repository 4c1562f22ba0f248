package dev.fdbe.spi;

import dev.fdbe.AttemptId;
import dev.fdbe.RunId;
import java.time.Instant;
import java.util.Objects;

/**
 * The right of one attempt to execute a run. Every commit (part registration, file downloads,
 * status) is conditional on the run still carrying this lease's {@code epoch}: an attempt whose
 * lease was taken over can never commit.
 *
 * @param runId the run
 * @param epoch the fencing token; a later claim of the run always has a larger one
 * @param attemptId the attempt
 * @param attemptNumber 1 for the run's first attempt, counting every retry and takeover
 * @param owner the engine instance that holds it
 * @param expiresAt when it lapses unless renewed
 */
public record Lease(RunId runId, long epoch, AttemptId attemptId, int attemptNumber, String owner, Instant expiresAt) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code runId} or {@code attemptId} or {@code owner} or {@code expiresAt} is null
   */
  public Lease {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(attemptId, "attemptId");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** This lease renewed until {@code until}. */
  public Lease renewedUntil(Instant until) {
    return new Lease(runId, epoch, attemptId, attemptNumber, owner, until);
  }
}
