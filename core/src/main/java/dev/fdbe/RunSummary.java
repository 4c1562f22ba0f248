package dev.fdbe;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a run listing.
 *
 * @param id the run id
 * @param status the status when listed
 * @param createdAt when the run was created
 */
public record RunSummary(RunId id, RunStatus status, Instant createdAt) {
  public RunSummary {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
