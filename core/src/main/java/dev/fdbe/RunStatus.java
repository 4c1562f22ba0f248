package dev.fdbe;

import dev.fdbe.internal.Transitions;
import java.util.Optional;

/**
 * The status of a run, spelled on the wire exactly as {@link #wireName()} returns.
 *
 * <p>{@code STARTING -> RUNNING -> COMPLETED} is the happy path; every other status is terminal
 * and never changes again. Declaration order carries no meaning. Which statuses are terminal is
 * decided by the lifecycle's transition table: a status is terminal when it has no way out.
 */
public enum RunStatus {
  /** Created and waiting to be claimed by an engine. */
  STARTING("Starting"),
  /** An engine exports it under a lease. */
  RUNNING("Running"),
  /** Every file is stored and listed; terminal. */
  COMPLETED("Completed"),
  /** Failed for a reason trying again will not fix; terminal. */
  FAILED("Failed"),
  /** Failed after its retries were used up on transient errors; terminal. */
  FAILED_RETRYABLE("FailedRetryable"),
  /** Refused by the host's quota check; terminal. */
  FAILED_BILLING("FailedBilling"),
  /** Cancelled by a user; terminal. */
  CANCELLED("Cancelled"),
  /** Stopped by the operator; terminal. */
  TERMINATED("Terminated"),
  /** Ran past the engine's time limit; terminal. */
  TIMED_OUT("TimedOut");

  private final String wireName;

  RunStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling used by the HTTP API and the run store, e.g. {@code "FailedRetryable"}. */
  public String wireName() {
    return wireName;
  }

  /** Whether the status is final: a run in a terminal status never changes again. */
  public boolean isTerminal() {
    return Transitions.isTerminal(this);
  }

  /** Whether a run in this status failed (any of the failure statuses that carry an error). */
  public boolean isFailure() {
    return isTerminal() && this != COMPLETED && this != CANCELLED;
  }

  /** The status with the given wire name, if any; the match is exact (case-sensitive). */
  public static Optional<RunStatus> fromWireName(String wireName) {
    for (RunStatus status : values()) {
      if (status.wireName.equals(wireName)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
