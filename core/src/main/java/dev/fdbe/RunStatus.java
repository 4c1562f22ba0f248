package dev.fdbe;

import java.util.Optional;

/**
 * The status of a run, spelled on the wire exactly as {@link #wireName()} returns.
 *
 * <p>{@code STARTING -> RUNNING -> COMPLETED} is the happy path; every other status is terminal
 * and never changes again. Declaration order carries no meaning.
 */
public enum RunStatus {
  STARTING("Starting", false),
  RUNNING("Running", false),
  COMPLETED("Completed", true),
  FAILED("Failed", true),
  FAILED_RETRYABLE("FailedRetryable", true),
  FAILED_BILLING("FailedBilling", true),
  CANCELLED("Cancelled", true),
  TERMINATED("Terminated", true),
  TIMED_OUT("TimedOut", true);

  private final String wireName;
  private final boolean terminal;

  RunStatus(String wireName, boolean terminal) {
    this.wireName = wireName;
    this.terminal = terminal;
  }

  /** The spelling used by the HTTP API and the run store, e.g. {@code "FailedRetryable"}. */
  public String wireName() {
    return wireName;
  }

  /** Whether the status is final: a run in a terminal status never changes again. */
  public boolean isTerminal() {
    return terminal;
  }

  /** Whether a run in this status failed (any of the failure statuses that carry an error). */
  public boolean isFailure() {
    return terminal && this != COMPLETED && this != CANCELLED;
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
